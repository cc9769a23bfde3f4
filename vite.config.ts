import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: 'ui',
  build: { outDir: '../dist/ui', emptyOutDir: true },
  test: {
    root: '.',
    include: ['tests/**/*.test.ts', '**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
