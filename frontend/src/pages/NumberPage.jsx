import { DigitBoxes } from '../components/DigitBoxes.jsx';
import { DrawingPad } from '../components/DrawingPad.jsx';
import { ModeSwitch } from '../components/ModeSwitch.jsx';
import { NumberAnswer } from '../components/NumberAnswer.jsx';
import { predictNumber } from '../api.js';
import { NUMBER_ASPECT } from '../geometry.js';
import { useDrawing } from '../hooks/useDrawing.js';
import { useDrawingShortcuts } from '../hooks/useDrawingShortcuts.js';
import { usePrediction } from '../hooks/usePrediction.js';

const MAX_DIGITS = 12; // the longest number the server reads (422 too_many_digits past it)

/** Number mode: draw several digits side by side and see the number, with each digit's box over the drawing. */
export function NumberPage() {
  const prediction = usePrediction({ predict: predictNumber });
  const { show, reset } = prediction;
  const drawing = useDrawing({
    aspect: NUMBER_ASPECT,
    onChange: ({ reason, empty, toDataURL }) => {
      if (empty) reset();
      else show(toDataURL, { now: reason !== 'move' });
    },
  });
  useDrawingShortcuts(drawing);
  const { answer } = prediction;

  return (
    <div className="number-page">
      <section className="card" aria-labelledby="pad-title">
        <ModeSwitch />
        <h2 id="pad-title" className="card__title">
          Draw a number, digits side by side
        </h2>
        <DrawingPad
          drawing={drawing}
          wide
          label={`Drawing area: write a number of up to ${MAX_DIGITS} digits, side by side, with your mouse, finger or pen`}
        >
          <DigitBoxes digits={answer.kind === 'result' ? answer.result.digits : null} image={drawing.exportSize} />
        </DrawingPad>
      </section>
      <NumberAnswer answer={answer} busy={prediction.busy} />
    </div>
  );
}
