import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_PATH, chromiumArgs } from '@biasprop/vitest-config/chromium';
import { defineConfig } from 'vitest/config';

// tfjs webgl and webgpu in headless Chromium (Debian's /usr/bin/chromium; no browser downloads).
// SwiftShader gives WebGL without a GPU; WebGPU needs --enable-unsafe-webgpu.

export default defineConfig({
  resolve: { conditions: ['@biasprop/source'] },
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-layers',
      '@tensorflow/tfjs-converter',
    ],
  },
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: chromiumArgs(['--enable-unsafe-webgpu']),
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
