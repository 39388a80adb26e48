// The number page benchmark (`make bench-page-number`), kept out of the e2e run: numbers of real validation digits
// drawn with the mouse in Number mode in Debian's Chromium, on the page served with the shipped model
// (benchmarks/page-number/).
import fs from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import { PARTS } from './benchmarks/page-number/files.js';
import { isMainProcess, shippedModelServer } from './playwright.shared.js';

const { use, webServer } = shippedModelServer('bench-number');
if (isMainProcess) fs.rmSync(PARTS, { recursive: true, force: true });

export default defineConfig({
  testDir: 'benchmarks/page-number',
  outputDir: 'test-artifacts/playwright-bench-number',
  globalTeardown: './benchmarks/page-number/report.js',
  timeout: 600_000, // one test draws 10 numbers of up to 6 digits, on a machine that may be shared
  expect: { timeout: 30_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use,
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: { ...webServer, stderr: 'ignore' },
});
