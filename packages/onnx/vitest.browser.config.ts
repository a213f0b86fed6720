// Browser-mode tests: onnxruntime-web's wasm, webgpu and webgl providers in headless Chromium
// (system /usr/bin/chromium driven by playwright; never `playwright install`).
import { SOURCE_CONDITION } from '@biasprop/vitest-config';
import { CHROMIUM_PATH, chromiumArgs } from '@biasprop/vitest-config/chromium';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const CHROMIUM_FLAGS = chromiumArgs([
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
]);

export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION] },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  test: {
    include: ['test/backend/browser/**/*.browser-test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: CHROMIUM_FLAGS,
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
