import { describe, expect, it } from 'vitest';
import { readImageFile } from '../readImage.js';

describe('readImageFile', () => {
  it('reads a PNG file as a data URI', async () => {
    const file = new File([new Uint8Array([137, 80, 78, 71])], 'seven.png', { type: 'image/png' });
    await expect(readImageFile(file)).resolves.toBe('data:image/png;base64,iVBORw==');
  });

  it.each(['image/svg+xml', 'text/plain', ''])('refuses type %j with a helpful message', async (type) => {
    const file = new File(['x'], 'note', { type });
    await expect(readImageFile(file)).rejects.toThrow(/PNG, JPEG, GIF, BMP or WebP/);
  });
});
