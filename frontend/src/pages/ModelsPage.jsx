import { useEffect, useState } from 'react';
import { activateModel, getModels, trainModel } from '../api.js';
import { LoadState } from '../components/LoadState.jsx';
import { formatPercent } from '../format.js';
import { useResource } from '../hooks/useResource.js';

const TOKEN_KEY = 'adminToken';
export const POLL_MS = 1500;

const formatDate = (iso) => (iso ? new Date(iso).toLocaleString() : '–');
const sampleTotal = (samples) => Object.values(samples ?? {}).reduce((a, b) => a + b, 0);

function ModelCard({ model }) {
  return (
    <article className="model-card" data-testid="active-model">
      <h3 className="small-title">Active model: version {model.version}</h3>
      <dl className="facts">
        <dt>Trained</dt>
        <dd>{formatDate(model.created)}</dd>
        <dt>Cross-validated accuracy</dt>
        <dd>{model.cv_accuracy == null ? '–' : formatPercent(model.cv_accuracy)}</dd>
        <dt>Accuracy on people&apos;s answers</dt>
        <dd>{model.feedback_accuracy == null ? '–' : formatPercent(model.feedback_accuracy)}</dd>
        <dt>Settings</dt>
        <dd>
          {Object.entries(model.params ?? {})
            .map(([k, v]) => `${k} = ${v}`)
            .join(', ') || '–'}
        </dd>
        <dt>Training samples</dt>
        <dd>
          {sampleTotal(model.samples)}{' '}
          {model.samples && (
            <span className="muted">
              ({Object.entries(model.samples)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ')}
              )
            </span>
          )}
        </dd>
      </dl>
    </article>
  );
}

function Status({ model }) {
  if (model.status === 'training') {
    return (
      <span className="status">
        training{' '}
        <progress max="1" value={model.progress ?? 0} aria-label={`Version ${model.version} training progress`} />{' '}
        {formatPercent(model.progress ?? 0)}
      </span>
    );
  }
  if (model.status === 'failed') {
    return <span className="status status--failed" title={model.error ?? undefined}>failed</span>;
  }
  return <span className="status">{model.active ? 'ready, active' : model.status}</span>;
}

function AdminForm({ token, onToken, onTrain, busy }) {
  const [includeFeedback, setIncludeFeedback] = useState(true);
  return (
    <form
      className="admin-form"
      onSubmit={(event) => {
        event.preventDefault();
        onTrain({ includeFeedback });
      }}
    >
      <label className="field">
        <span>Admin token</span>
        <input type="password" autoComplete="off" value={token} onChange={(event) => onToken(event.target.value)} />
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={includeFeedback} onChange={(event) => setIncludeFeedback(event.target.checked)} />
        Learn from people&apos;s answers too
      </label>
      <button type="submit" disabled={busy}>
        Train new version
      </button>
    </form>
  );
}

export function ModelsPage({ load = getModels, train = trainModel, activate = activateModel, pollMs = POLL_MS }) {
  const { status, data, error, reload } = useResource(load);
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [action, setAction] = useState({ busy: false, message: null, error: null });
  const training = data?.models?.some((m) => m.status === 'training');

  useEffect(() => {
    if (!training) return undefined;
    const timer = setTimeout(reload, pollMs);
    return () => clearTimeout(timer);
  }, [training, data, reload, pollMs]);

  const saveToken = (value) => {
    setToken(value);
    sessionStorage.setItem(TOKEN_KEY, value);
  };

  async function run(call, done) {
    if (!token) {
      setAction({ busy: false, message: null, error: 'Enter the admin token first.' });
      return;
    }
    setAction({ busy: true, message: null, error: null });
    try {
      const model = await call();
      setAction({ busy: false, message: done(model), error: null });
      await reload();
    } catch (e) {
      setAction({ busy: false, message: null, error: e.message });
    }
  }

  const models = data?.models ?? [];
  const active = models.find((m) => m.active || m.version === data?.active);

  return (
    <section className="card page" aria-labelledby="models-title">
      <h2 id="models-title" className="card__title">
        Model
      </h2>
      {!data && <LoadState status={status} error={error} what="model versions" />}
      {data && (
        <>
          {active ? <ModelCard model={active} /> : <p className="muted">No model is active yet.</p>}
          <h3 className="small-title">Versions</h3>
          <div className="table-scroll">
            <table className="versions" data-testid="versions">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Status</th>
                  <th scope="col">Trained</th>
                  <th scope="col">Accuracy</th>
                  <th scope="col">
                    <span className="visually-hidden">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {models.map((m) => (
                  <tr key={m.version}>
                    <td>{m.version}</td>
                    <td>
                      <Status model={m} />
                    </td>
                    <td>{formatDate(m.created)}</td>
                    <td>{m.cv_accuracy == null ? '–' : formatPercent(m.cv_accuracy)}</td>
                    <td>
                      {m.status === 'ready' && !m.active && (
                        <button
                          type="button"
                          aria-label={`Activate version ${m.version}`}
                          disabled={action.busy}
                          onClick={() =>
                            run(() => activate(token, m.version), (model) => `Version ${model.version} is now active.`)
                          }
                        >
                          Activate
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3 className="small-title">Administration</h3>
          <AdminForm
            token={token}
            onToken={saveToken}
            busy={action.busy}
            onTrain={(options) =>
              run(() => train(token, options), (model) => `Training version ${model.version} started.`)
            }
          />
          {action.message && (
            <p role="status" className="notice">
              {action.message}
            </p>
          )}
          {action.error && (
            <p role="alert" className="error">
              {action.error}
            </p>
          )}
        </>
      )}
    </section>
  );
}
