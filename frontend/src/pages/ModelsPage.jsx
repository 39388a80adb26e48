import { useEffect, useState } from 'react';
import { activateModel, getModels, listFeedback, reviewFeedback, trainModel } from '../api.js';
import { LoadState } from '../components/LoadState.jsx';
import { ReviewList } from '../components/ReviewList.jsx';
import { formatPercent } from '../format.js';
import { useResource } from '../hooks/useResource.js';

const TOKEN_KEY = 'adminToken';
export const POLL_MS = 1500;

const formatDate = (iso) => (iso ? new Date(iso).toLocaleString() : '–');
const sampleTotal = (samples) => Object.values(samples ?? {}).reduce((a, b) => a + b, 0);
const referenceOverall = (model) => model.reference?.all?.overall;

/** Accuracy on the reference set (never trained on), overall and for each digit. */
function ReferenceFigures({ reference }) {
  if (!reference?.all) return '–';
  return (
    <>
      {formatPercent(reference.all.overall, 1)}{' '}
      <span className="muted" data-testid="reference-digits">
        ({reference.all.per_digit.map((share, digit) => `${digit}: ${formatPercent(share)}`).join(', ')})
      </span>
    </>
  );
}

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
        <dt>Reference accuracy</dt>
        <dd>
          <ReferenceFigures reference={model.reference} />
        </dd>
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

export function ModelsPage({
  load = getModels,
  train = trainModel,
  activate = activateModel,
  listReview = listFeedback,
  review = reviewFeedback,
  pollMs = POLL_MS,
}) {
  const { status, data, error, reload } = useResource(load);
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [action, setAction] = useState({ busy: false, message: null, error: null, refused: null });
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

  async function run(call, done, version = null) {
    if (!token) {
      setAction({ busy: false, message: null, error: 'Enter the admin token first.', refused: null });
      return;
    }
    setAction({ busy: true, message: null, error: null, refused: null });
    try {
      const model = await call();
      setAction({ busy: false, message: done(model), error: null, refused: null });
      await reload();
    } catch (e) {
      // The quality gate refused the version: offer to activate it anyway, on purpose.
      const refused = e.code === 'quality_gate' ? version : null;
      setAction({ busy: false, message: null, error: e.message, refused });
    }
  }

  const activateVersion = (version, force = false) =>
    run(
      () => (force ? activate(token, version, { force: true }) : activate(token, version)),
      (model) => `Version ${model.version} is now active${force ? ' (quality gate overridden)' : ''}.`,
      version,
    );

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
                  <th scope="col">Reference</th>
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
                    <td>{referenceOverall(m) == null ? '–' : formatPercent(referenceOverall(m), 1)}</td>
                    <td>
                      {m.status === 'ready' && !m.active && (
                        <button
                          type="button"
                          aria-label={`Activate version ${m.version}`}
                          disabled={action.busy}
                          onClick={() => activateVersion(m.version)}
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
          {action.refused != null && (
            <p>
              <button type="button" disabled={action.busy} onClick={() => activateVersion(action.refused, true)}>
                Activate version {action.refused} anyway
              </button>
            </p>
          )}
          <h3 className="small-title">Feedback held for review</h3>
          <ReviewList token={token} load={listReview} review={review} />
        </>
      )}
    </section>
  );
}
