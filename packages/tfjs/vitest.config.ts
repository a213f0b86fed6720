import { biaspropVitestConfig } from '@biasprop/vitest-config';

// Node tests (tfjs cpu and wasm); the browser tests (webgl, webgpu) run with vitest.browser.config.ts.
export default biaspropVitestConfig({ exclude: ['test/browser/**', 'node_modules/**'] });
