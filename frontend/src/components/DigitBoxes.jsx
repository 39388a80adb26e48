import { boxPercent } from '../geometry.js';

const LABEL_BELOW = 0.2; // a box this close to the top (share of the image) has its answer under it

/**
 * Each digit's box over the drawing with the digit read there; a digit the model is not sure of has a dashed
 * box and a "?". Boxes are in the uploaded image's pixels (`image`: its { width, height }); the canvas has
 * the same proportions, so percentages put them in place at any size. The answer panel says the same in
 * words, so this picture is hidden from screen readers.
 */
export function DigitBoxes({ digits, image }) {
  if (!digits?.length) return null;
  return (
    <div className="digit-boxes" aria-hidden="true" data-testid="digit-boxes">
      {digits.map(({ digit, box, uncertain }, i) => (
        <div
          key={i}
          className={`digit-box${uncertain ? ' digit-box--uncertain' : ''}`}
          style={boxPercent(box, image)}
          data-testid="digit-box"
        >
          <span className={`digit-box__label${box[1] < LABEL_BELOW * image.height ? ' digit-box__label--below' : ''}`}>
            {digit}
            {uncertain ? '?' : ''}
          </span>
        </div>
      ))}
    </div>
  );
}
