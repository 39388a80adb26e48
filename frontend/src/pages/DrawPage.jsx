import { useCallback, useState } from 'react';
import { AnswerPanel } from '../components/AnswerPanel.jsx';
import { DrawingPad } from '../components/DrawingPad.jsx';
import { FileDrop } from '../components/FileDrop.jsx';
import { ModeSwitch } from '../components/ModeSwitch.jsx';
import { UploadBox } from '../components/UploadBox.jsx';
import { useDrawing } from '../hooks/useDrawing.js';
import { useDrawingShortcuts } from '../hooks/useDrawingShortcuts.js';
import { usePrediction } from '../hooks/usePrediction.js';
import { readImageFile } from '../readImage.js';

/** The first screen: draw (or upload) a digit and see the live answer. */
export function DrawPage() {
  const prediction = usePrediction();
  const [upload, setUpload] = useState(null);
  const [uploadError, setUploadError] = useState(null);
  const { show, reset } = prediction;

  const drawing = useDrawing({
    onChange: ({ reason, empty, toDataURL }) => {
      setUpload(null);
      setUploadError(null);
      if (empty) reset();
      else show(toDataURL, { now: reason !== 'move' });
    },
  });
  const { clear } = drawing;
  useDrawingShortcuts(drawing);

  const handleFile = useCallback(
    async (file) => {
      setUploadError(null);
      try {
        const dataUri = await readImageFile(file);
        clear({ silent: true });
        setUpload({ name: file.name, dataUri });
        show(() => dataUri, { now: true });
      } catch (error) {
        setUploadError(error.message);
      }
    },
    [clear, show],
  );

  return (
    <FileDrop onFile={handleFile} className="draw-page">
      <section className="card draw-page__pad" aria-labelledby="pad-title">
        <ModeSwitch />
        <h2 id="pad-title" className="card__title">
          Draw a digit, 0 to 9
        </h2>
        <DrawingPad drawing={drawing} canClear={drawing.strokes.length > 0 || upload !== null} />
      </section>
      <div className="draw-page__answer">
        <AnswerPanel answer={prediction.answer} busy={prediction.busy} />
      </div>
      <section className="card draw-page__upload" aria-label="Upload">
        <UploadBox onFile={handleFile} preview={upload} error={uploadError} />
      </section>
    </FileDrop>
  );
}
