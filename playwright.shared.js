// What the Playwright configs share (playwright.config.js: the e2e tests; playwright.bench.config.js: the page
// benchmark): Debian's Chromium, and a Flask server of the shipped model on a free port with its own database.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { devices } from '@playwright/test';

export const root = path.dirname(fileURLToPath(import.meta.url));
export const artifacts = path.join(root, 'test-artifacts');
// Workers load the config files too; only the main process sets up (and reads the shipped model).
export const isMainProcess = !process.env.TEST_WORKER_INDEX;

/** Run the project's Python (the worktree's venv) and return what it printed. */
export function python(args) {
  const options = { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };
  return execFileSync(path.join(root, '.venv/bin/python'), args, options).trim();
}

const FREE_PORT = "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])";

/** A free local port, chosen once by the main process and handed to the workers through the environment. */
function serverPort(name) {
  process.env[name] ||= python(['-c', FREE_PORT]);
  return Number(process.env[name]);
}

const chromiumLaunch = {
  // Debian's Chromium (apt-get install chromium); Playwright never downloads a browser here.
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-quic',
    '--no-first-run',
    '--disable-sync',
  ],
};

/**
 * `use` and `webServer` for a config whose server keeps its database and models in test-artifacts/<name>*:
 * the main process starts from a fresh database, and the server adopts the shipped model (the active version in
 * storage/, which `make setup` trains) as version 1 of its own models folder, leaving storage/ alone.
 */
export function shippedModelServer(name, { env = {} } = {}) {
  const database = path.join(artifacts, `${name}.sqlite3`);
  const modelsDir = path.join(artifacts, `${name}-models`);
  const port = serverPort(`DIGITS_${name.toUpperCase().replace(/\W/g, '_')}_PORT`);
  let model = '';
  if (isMainProcess) {
    fs.mkdirSync(artifacts, { recursive: true });
    for (const suffix of ['', '-wal', '-shm', '-journal', '.lock']) fs.rmSync(database + suffix, { force: true });
    fs.rmSync(modelsDir, { recursive: true, force: true });
    model = python(['manage.py', 'models', 'path']);
  }
  return {
    use: {
      baseURL: `http://127.0.0.1:${port}`,
      trace: 'off', // tracing every mouse move makes drawing tests several times slower
      screenshot: 'only-on-failure',
      launchOptions: chromiumLaunch,
    },
    webServer: {
      command: `.venv/bin/python manage.py runserver --host 127.0.0.1 --port ${port}`,
      cwd: root,
      url: `http://127.0.0.1:${port}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: { DATABASE_URL: `sqlite:///${database}`, MODELS_DIR: modelsDir, CLASSIFIER_STORAGE: model, ...env },
      stdout: 'ignore',
      stderr: 'pipe',
    },
  };
}

/**
 * A page benchmark's config (`make bench-page`, `make bench-page-number`): the specs in `testDir` against a server
 * of the shipped model named `name`, `parts` (where the tests write) cleared first, `teardown` printing the figures.
 */
export function benchmarkConfig({ name, testDir, parts, teardown, outputDir }) {
  const { use, webServer } = shippedModelServer(name);
  if (isMainProcess) fs.rmSync(parts, { recursive: true, force: true });
  return {
    testDir,
    outputDir,
    globalTeardown: teardown,
    timeout: 600_000, // one test draws up to 25 digits (or 10 numbers), on a machine that may be shared
    expect: { timeout: 30_000 },
    fullyParallel: true,
    workers: 2,
    retries: 0,
    reporter: [['list']],
    use,
    projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
    webServer: { ...webServer, stderr: 'ignore' }, // not a log line for each of the ~1,000 predictions
  };
}
