const ONE_DIGIT = 'Drawing area: draw one digit with your mouse, finger or pen';

/**
 * The canvas with its Clear and Undo buttons. `drawing` comes from useDrawing; the canvas is square unless
 * `wide` (Number mode), with `label` for screen readers and `children` laid over it (the digits' boxes).
 */
export function DrawingPad({ drawing, canClear = drawing.strokes.length > 0, wide = false, label = ONE_DIGIT, children }) {
  const empty = drawing.strokes.length === 0;
  return (
    <div className="pad">
      <div className={`pad__paper${wide ? ' pad__paper--wide' : ''}`}>
        <canvas
          ref={drawing.canvasRef}
          className="pad__canvas"
          style={{ touchAction: 'none' }} // the page must not scroll or zoom while drawing
          data-testid="digit-canvas"
          role="img"
          aria-label={label}
          {...drawing.handlers}
        />
        {children}
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
