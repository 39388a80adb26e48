export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/bmp', 'image/webp'];

/** Read an image file as a data URI, refusing types the server cannot decode. */
export function readImageFile(file) {
  if (!file || !IMAGE_TYPES.includes(file.type)) {
    return Promise.reject(new Error('Choose a PNG, JPEG, GIF, BMP or WebP image.'));
  }
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new Error('Could not read that file. Please try another one.'));
    reader.readAsDataURL(file);
  });
}
