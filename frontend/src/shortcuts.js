/** Which drawing action a key press asks for: 'clear' (Escape), 'undo' (Ctrl/Cmd+Z) or null. */
export function shortcutFor({ key, ctrlKey, metaKey, shiftKey, altKey }) {
  if (key === 'Escape' && !ctrlKey && !metaKey && !altKey) return 'clear';
  if ((key === 'z' || key === 'Z') && (ctrlKey || metaKey) && !shiftKey && !altKey) return 'undo';
  return null;
}

const NOT_TEXT = ['file', 'checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'image'];

/** True when the key press belongs to a text field, which keeps its own Escape and undo. */
export function isTyping(target) {
  if (!target || !target.tagName) return false;
  if (target.tagName === 'INPUT') return !NOT_TEXT.includes(target.type);
  return target.isContentEditable || ['TEXTAREA', 'SELECT'].includes(target.tagName);
}
