import { defineConfig } from 'vitest/config';

// The demo's test is end to end: it builds the app, serves it with `vite preview` and drives
// Chromium (playwright-core) from Node.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
