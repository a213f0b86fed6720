import '@tensorflow/tfjs-backend-webgpu';
import { describeBrowserBackend } from './helpers/describe-browser-backend.js';

// tfjs webgpu in headless Chromium.
await describeBrowserBackend('webgpu');
