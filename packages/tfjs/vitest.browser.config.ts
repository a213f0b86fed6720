import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// tfjs webgl and webgpu in headless Chromium (Debian's /usr/bin/chromium; no browser downloads).
// SwiftShader gives WebGL without a GPU; WebGPU needs --enable-unsafe-webgpu.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
      provider: playwright({
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            '--headless=new',
            '--no-sandbox',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--enable-unsafe-webgpu',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
