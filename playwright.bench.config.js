// The page benchmark (`make bench-page`), kept out of the e2e run: real validation digits drawn with the
// mouse in Debian's Chromium on the page served with the shipped model (benchmarks/page/).
import fs from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import { PARTS } from './benchmarks/page/files.js';
import { isMainProcess, shippedModelServer } from './playwright.shared.js';

const { use, webServer } = shippedModelServer('bench-page');
if (isMainProcess) fs.rmSync(PARTS, { recursive: true, force: true });

export default defineConfig({
  testDir: 'benchmarks/page',
  outputDir: 'test-artifacts/playwright-bench',
  globalTeardown: './benchmarks/page/report.js',
  timeout: 600_000, // one test draws up to 25 digits, on a machine that may be shared
  expect: { timeout: 30_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use,
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: { ...webServer, stderr: 'ignore' }, // not a log line for each of the ~1,000 predictions
});
