import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { modelZooPlugin } from './vite-plugins/model-zoo-plugin.js';

const SOURCE_CONDITION = '@biasprop/source';
// DEMO_MODELS_DIR points the demo at another directory of models laid out like the zoo's.
const modelsDir =
  process.env.DEMO_MODELS_DIR ??
  fileURLToPath(new URL('../../packages/model-zoo/models', import.meta.url));

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources, so the demo needs no package build.
  resolve: { conditions: [SOURCE_CONDITION, 'module', 'browser', 'development|production'] },
  plugins: [modelZooPlugin(modelsDir)],
  worker: { format: 'es' },
  // The worker imports these lazily: pre-bundle them up front so `vite dev` does not reload
  // mid-run. onnxruntime-web stays as published (it locates its .wasm itself; we pass the URL).
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-converter',
      '@tensorflow/tfjs-layers',
      '@biasprop/onnx > protobufjs',
    ],
    exclude: ['onnxruntime-web'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, reportCompressedSize: false },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1' },
});
