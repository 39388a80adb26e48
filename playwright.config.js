import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { artifacts, isMainProcess, python, shippedModelServer } from './playwright.shared.js';

export const ADMIN_TOKEN = 'e2e-admin-token';
// The first validation digit of each class, as strokes (tests/e2e/real-digits.spec.js); exported from
// app/recognition/handwriting.py at every run, never committed.
export const E2E_STROKES = path.join(artifacts, 'e2e-strokes.json');

const { use, webServer } = shippedModelServer('e2e', { env: { ADMIN_TOKEN } });
if (isMainProcess) python(['-m', 'benchmarks.page_strokes', E2E_STROKES, '--per-digit', '2']);

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
  use,
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer,
});
