import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The Content-Security-Policy lives in public/_headers (what static hosts send). `vite preview` sends the
 * same headers, so what the e2e tests see is what ships. index.html carries the policy as a <meta> tag as
 * well (minus frame-ancestors, which browsers ignore in a meta tag); the build fails if the two drift.
 */
const headersFile = readFileSync(fileURLToPath(new URL('./public/_headers', import.meta.url)), 'utf8');

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s+([A-Za-z-]+):\s*(.+?)\s*$/.exec(line);
    if (m) headers[m[1]] = m[2];
  }
  return headers;
}

const STATIC_HEADERS = parseHeaders(headersFile);
const CSP = STATIC_HEADERS['Content-Security-Policy'];
if (!CSP || /unsafe-eval/.test(CSP)) throw new Error('public/_headers must carry a CSP without unsafe-eval');

const withoutDirective = (policy: string, name: string) =>
  policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !d.startsWith(name + ' '))
    .join('; ');

/** The policy for `vite dev` only: React Fast Refresh injects an inline script and HMR uses a websocket. */
const DEV_CSP = withoutDirective(CSP, 'frame-ancestors')
  .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
  .replace("connect-src 'self'", "connect-src 'self' ws: wss:");

function cspPlugin(): Plugin {
  let command: 'build' | 'serve' = 'build';
  return {
    name: 'messaging-studio-csp',
    configResolved(config) {
      command = config.command;
    },
    transformIndexHtml(html) {
      const m = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
      const meta = m?.[1];
      const expected = withoutDirective(CSP, 'frame-ancestors');
      if (meta !== expected) {
        throw new Error(`index.html CSP meta differs from public/_headers.\n  meta:    ${meta}\n  headers: ${expected}`);
      }
      return command === 'serve' ? html.replace(meta, DEV_CSP) : html;
    },
  };
}

export default defineConfig({
  // Relative asset URLs: the built site works from any sub-path (GitHub Pages, a folder on a share, …).
  base: './',
  plugins: [react(), cspPlugin()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    // elkjs (auto-layout) is a 1.6 MB GWT bundle, loaded on demand in its own chunk.
    chunkSizeWarningLimit: 2000,
  },
  server: {
    headers: { ...STATIC_HEADERS, 'Content-Security-Policy': DEV_CSP },
  },
  preview: {
    headers: STATIC_HEADERS,
  },
});
