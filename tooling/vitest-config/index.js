// Shared vitest settings: resolve workspace packages to their TypeScript source so tests need no build.
import { defineConfig } from 'vitest/config';

export const SOURCE_CONDITION = '@biasprop/source';

/** Node-side test config used by every package. */
export function biaspropVitestConfig(overrides = {}) {
  return defineConfig({
    resolve: { conditions: [SOURCE_CONDITION] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION] } },
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      reporters: ['default'],
      ...overrides,
    },
  });
}
