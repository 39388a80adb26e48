import { useEffect } from 'react';
import { DrawPage } from './pages/DrawPage.jsx';
import { ModelsPage } from './pages/ModelsPage.jsx';
import { NumberPage } from './pages/NumberPage.jsx';
import { StatsPage } from './pages/StatsPage.jsx';
import { Link, usePath } from './router.jsx';

const PAGES = {
  '/': { title: 'Draw', component: DrawPage },
  '/number': { title: 'Number', component: NumberPage, modeOf: '/' }, // a mode of Draw, without a nav entry
  '/stats': { title: 'Statistics', component: StatsPage },
  '/models': { title: 'Model', component: ModelsPage },
};

function NotFound() {
  return (
    <section className="card">
      <h2 className="card__title">Page not found</h2>
      <p>
        There is nothing here. <Link to="/">Draw a digit</Link> instead.
      </p>
    </section>
  );
}

export default function App() {
  const path = usePath();
  const page = PAGES[path.replace(/\/+$/, '') || '/'];
  const Page = page?.component ?? NotFound;

  useEffect(() => {
    document.title = page && page.title !== 'Draw' ? `${page.title} · Draw a digit` : 'Draw a digit';
  }, [page]);

  return (
    <>
      <header className="site-header">
        <h1 className="site-title">
          <Link to="/">Digit guesser</Link>
        </h1>
        <nav aria-label="Main">
          <ul className="nav">
            {Object.entries(PAGES)
              .filter(([, { modeOf }]) => !modeOf)
              .map(([to, { title }]) => (
                <li key={to}>
                  <Link to={to} aria-current={page === PAGES[to] || page?.modeOf === to ? 'page' : undefined}>
                    {title}
                  </Link>
                </li>
              ))}
          </ul>
        </nav>
      </header>
      <main className="site-main">
        <Page />
      </main>
    </>
  );
}
