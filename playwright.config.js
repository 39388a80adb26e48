import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, devices } from '@playwright/test';

const root = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.join(root, 'test-artifacts');
const database = path.join(artifacts, 'e2e.sqlite3');
const modelsDir = path.join(artifacts, 'e2e-models');
const PORT = 5057;
export const ADMIN_TOKEN = 'e2e-admin-token';

// The shipped model: the active version in storage/ (`make test` trains it first).
function shippedModel() {
  const args = ['manage.py', 'models', 'path'];
  return execFileSync(path.join(root, '.venv/bin/python'), args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

// Workers load this file too; only the main process starts from a fresh database. The server
// adopts the shipped model as version 1 of its own models folder, leaving storage/ alone.
let model = '';
if (!process.env.TEST_WORKER_INDEX) {
  fs.mkdirSync(artifacts, { recursive: true });
  for (const suffix of ['', '-wal', '-shm', '-journal', '.lock']) fs.rmSync(database + suffix, { force: true });
  fs.rmSync(modelsDir, { recursive: true, force: true });
  model = shippedModel();
}

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-artifacts/playwright',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'off', // tracing every mouse move makes drawing tests several times slower
    screenshot: 'only-on-failure',
    launchOptions: {
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
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: {
    command: `.venv/bin/python manage.py runserver --host 127.0.0.1 --port ${PORT}`,
    cwd: root,
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: { DATABASE_URL: `sqlite:///${database}`, MODELS_DIR: modelsDir, CLASSIFIER_STORAGE: model, ADMIN_TOKEN },
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
