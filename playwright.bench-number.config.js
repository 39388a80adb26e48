// The number page benchmark (`make bench-page-number`), kept out of the e2e run: numbers of real validation digits
// drawn with the mouse in Number mode in Debian's Chromium, on the page served with the shipped model
// (benchmarks/page-number/).
import { defineConfig } from '@playwright/test';
import { PARTS } from './benchmarks/page-number/files.js';
import { benchmarkConfig } from './playwright.shared.js';

export default defineConfig(
  benchmarkConfig({
    name: 'bench-number',
    testDir: 'benchmarks/page-number',
    parts: PARTS,
    teardown: './benchmarks/page-number/report.js',
    outputDir: 'test-artifacts/playwright-bench-number',
  }),
);
