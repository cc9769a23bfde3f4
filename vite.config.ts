import { defineConfig } from 'vitest/config';

/**
 * Cross-origin isolation (COOP + COEP) lets the page use SharedArrayBuffer, which the hosted
 * engine needs to interrupt a running VM from the page. Static hosts must send the same headers.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: 'ui',
  // Relative URLs: the built site works from any folder of any static host.
  base: './',
  build: { outDir: '../dist/ui', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048 },
  worker: { format: 'es' },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  test: {
    root: '.',
    include: ['tests/**/*.test.ts', '**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
