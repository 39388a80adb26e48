import { describe, expect, it } from 'vitest';
import { isTyping, shortcutFor } from '../shortcuts.js';

describe('shortcutFor', () => {
  it.each([
    [{ key: 'Escape' }, 'clear'],
    [{ key: 'z', ctrlKey: true }, 'undo'],
    [{ key: 'z', metaKey: true }, 'undo'],
    [{ key: 'Z', ctrlKey: true }, 'undo'], // caps lock
    [{ key: 'z', ctrlKey: true, shiftKey: true }, null], // redo elsewhere
    [{ key: 'z' }, null],
    [{ key: 'Escape', ctrlKey: true }, null],
    [{ key: 'Enter' }, null],
  ])('%o -> %s', (event, expected) => {
    expect(shortcutFor(event)).toBe(expected);
  });
});

describe('isTyping', () => {
  it('is true in text fields and false elsewhere', () => {
    const input = (type) => Object.assign(document.createElement('input'), { type });
    expect(isTyping(document.createElement('input'))).toBe(true);
    expect(isTyping(input('password'))).toBe(true);
    expect(isTyping(input('file'))).toBe(false); // focus stays there after an upload
    expect(isTyping(input('checkbox'))).toBe(false);
    expect(isTyping(document.createElement('textarea'))).toBe(true);
    expect(isTyping(document.createElement('button'))).toBe(false);
    expect(isTyping(document.body)).toBe(false);
    expect(isTyping(window)).toBe(false);
  });
});
