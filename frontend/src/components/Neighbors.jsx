import { DigitGrid } from './DigitGrid.jsx';

/** The training samples closest to the drawing, nearest first. */
export function Neighbors({ neighbors }) {
  return (
    <section className="neighbors" data-testid="neighbors" aria-labelledby="neighbors-title">
      <h3 id="neighbors-title" className="small-title">
        Closest training digits
      </h3>
      <ul className="neighbors__list">
        {neighbors.map((n, i) => (
          <li key={i} className="neighbors__item">
            <DigitGrid values={n.input} small label={`Training digit ${n.label}`} />
            <span className="neighbors__label">{n.label}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
