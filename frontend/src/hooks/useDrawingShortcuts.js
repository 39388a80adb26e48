import { useEffect } from 'react';
import { isTyping, shortcutFor } from '../shortcuts.js';

/** Escape clears and Ctrl/Cmd+Z undoes `drawing` (from useDrawing), unless a text field has the key. */
export function useDrawingShortcuts({ clear, undo }) {
  useEffect(() => {
    const onKey = (event) => {
      if (isTyping(event.target)) return;
      const action = shortcutFor(event);
      if (action === 'undo') {
        event.preventDefault();
        undo();
      } else if (action === 'clear') {
        clear();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [clear, undo]);
}
