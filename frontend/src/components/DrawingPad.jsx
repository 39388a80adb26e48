/** The square canvas with its Clear and Undo buttons. `drawing` comes from useDrawing. */
export function DrawingPad({ drawing, canClear = drawing.strokes.length > 0 }) {
  const empty = drawing.strokes.length === 0;
  return (
    <div className="pad">
      <div className="pad__paper">
        <canvas
          ref={drawing.canvasRef}
          className="pad__canvas"
          style={{ touchAction: 'none' }} // the page must not scroll or zoom while drawing
          data-testid="digit-canvas"
          role="img"
          aria-label="Drawing area: draw one digit with your mouse, finger or pen"
          {...drawing.handlers}
        />
      </div>
      <div className="pad__buttons">
        <button type="button" data-testid="undo" onClick={drawing.undo} disabled={empty} aria-keyshortcuts="Control+Z">
          Undo
        </button>
        <button type="button" data-testid="clear" onClick={() => drawing.clear()} disabled={!canClear} aria-keyshortcuts="Escape">
          Clear
        </button>
      </div>
      <p className="hint">
        <kbd>Esc</kbd> clears, <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Z</kbd> undoes.
      </p>
    </div>
  );
}
