/** Which drawing action a key press asks for: 'clear' (Escape), 'undo' (Ctrl/Cmd+Z) or null. */
export function shortcutFor({ key, ctrlKey, metaKey, shiftKey, altKey }) {
  if (key === 'Escape' && !ctrlKey && !metaKey && !altKey) return 'clear';
  if ((key === 'z' || key === 'Z') && (ctrlKey || metaKey) && !shiftKey && !altKey) return 'undo';
  return null;
}

/** True when the key press belongs to a text field, which keeps its own shortcuts. */
export function isTyping(target) {
  if (!target || !target.tagName) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
