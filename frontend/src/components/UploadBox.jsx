import { IMAGE_TYPES } from '../readImage.js';

/** File picker for an image of a digit, with a preview of the chosen one. */
export function UploadBox({ onFile, preview, error }) {
  return (
    <div className="upload">
      <label className="upload__label">
        <span className="button">Upload an image</span>
        <input
          type="file"
          className="visually-hidden"
          accept={IMAGE_TYPES.join(',')}
          data-testid="upload"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) onFile(file);
            event.target.value = ''; // choosing the same file again still fires change
          }}
        />
      </label>
      <span className="upload__hint">or drop one on this page</span>
      {preview && (
        <figure className="upload__preview">
          <img src={preview.dataUri} alt={`Uploaded image ${preview.name}`} />
          <figcaption>{preview.name}</figcaption>
        </figure>
      )}
      {error && (
        <p role="alert" className="upload__error">
          {error}
        </p>
      )}
    </div>
  );
}
