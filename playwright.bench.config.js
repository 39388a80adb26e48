// The page benchmark (`make bench-page`), kept out of the e2e run: real validation digits drawn with the
// mouse in Debian's Chromium on the page served with the shipped model (benchmarks/page/).
import { defineConfig } from '@playwright/test';
import { PARTS } from './benchmarks/page/files.js';
import { benchmarkConfig } from './playwright.shared.js';

export default defineConfig(
  benchmarkConfig({
    name: 'bench-page',
    testDir: 'benchmarks/page',
    parts: PARTS,
    teardown: './benchmarks/page/report.js',
    outputDir: 'test-artifacts/playwright-bench',
  }),
);
