import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in Debian's Chromium against the real portal: the built app
 * served by the real backend on :7007, SQLite in memory, demo data, guest sign-in.
 * Playwright never downloads a browser here; it drives /usr/bin/chromium.
 */
const port = 7007;

export default defineConfig({
  testDir: 'e2e-tests',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'e2e-test-report/html' }]],
  outputDir: 'e2e-test-report/results',
  use: {
    baseURL: `http://localhost:${port}`,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command:
      'mkdir -p ../../e2e-test-report && npx backstage-cli package start --config ../../app-config.yaml --config ../../e2e-tests/app-config.e2e.yaml > ../../e2e-test-report/backend.log 2>&1',
    cwd: 'packages/backend',
    url: `http://localhost:${port}/api/majorops/health`,
    reuseExistingServer: false,
    timeout: 180_000,
  },
});
