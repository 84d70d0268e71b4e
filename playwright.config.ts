import fs from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests run against the built app (`npm run test:e2e` builds first) served by `vite preview`,
 * which sends the same security headers as a static host (see public/_headers).
 *
 * On a machine shared by several people, `E2E_PORT` and `E2E_DIST` (a `vite build --outDir` folder) let
 * one run use its own build and server: `E2E_DIST=/tmp/my-dist E2E_PORT=4180 npx playwright test`.
 */
const port = Number(process.env.E2E_PORT || 4173);
const outDir = process.env.E2E_DIST ? ` --outDir ${process.env.E2E_DIST}` : '';
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: process.env.CI ? 1 : 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'on-first-retry',
    actionTimeout: 10_000,
    viewport: { width: 1280, height: 800 },
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort${outDir}`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 800 },
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH || (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined),
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        },
      },
    },
  ],
});
