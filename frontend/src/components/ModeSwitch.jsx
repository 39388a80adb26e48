import { Link, usePath } from '../router.jsx';

export const MODES = [
  { to: '/', label: 'One digit' },
  { to: '/number', label: 'Number' },
];

/** One digit or a whole number: two links, so each mode has its own address and Tab reaches both. */
export function ModeSwitch() {
  const path = usePath().replace(/\/+$/, '') || '/';
  return (
    <nav className="mode-switch" aria-label="What to draw">
      <ul className="mode-switch__list">
        {MODES.map(({ to, label }) => (
          <li key={to}>
            <Link to={to} className="mode-switch__link" aria-current={path === to ? 'page' : undefined}>
              {label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
