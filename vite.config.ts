import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { bundleSizeReport } from './client/build/bundle-size-plugin.ts';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));
const apiPort = process.env.PORT ?? '4000';
const apiTarget = `http://127.0.0.1:${apiPort}`;

export default defineConfig({
  root: 'client',
  plugins: [
    react(),
    // Prints the gzipped size of the initial JavaScript and of the lazily loaded call chunk.
    bundleSizeReport({
      callModule: 'client/features/session/call-view.tsx',
      initialBudgetKiB: 120,
    }),
  ],
  // Pre-bundled up front so the dev server does not reload the first time a lazy page opens.
  optimizeDeps: { include: ['zod', 'livekit-client'] },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      '/trpc': apiTarget,
      // Sign-in and sessions (better-auth), and the development sign-in.
      '/api': apiTarget,
      '/healthz': apiTarget,
      '/readyz': apiTarget,
    },
  },
  preview: { host: '127.0.0.1' },
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    sourcemap: true,
    // livekit-client's chunk (loaded only for a call) trips Vite's 500 kB warning; the size
    // report above is the budget that matters.
    chunkSizeWarningLimit: 600,
  },
  test: {
    root: repoRoot,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          root: repoRoot,
          include: ['{server,shared,client,scripts}/**/*.test.{ts,tsx}'],
          exclude: ['**/*.int.test.{ts,tsx}', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          root: repoRoot,
          include: ['{server,shared,scripts,client-package}/**/*.int.test.ts'],
          globalSetup: ['./scripts/testing/global-setup.ts'],
          // Redis for LiveKit's SIP API (telephony); the LiveKit started here then uses it.
          provide: { testServices: ['mongo', 'livekit', 'redis'] },
          testTimeout: 30_000,
          hookTimeout: 240_000,
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          root: repoRoot,
          include: ['e2e/**/*.e2e.ts'],
          globalSetup: ['./e2e/global-setup.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
