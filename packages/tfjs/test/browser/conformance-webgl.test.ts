import '@tensorflow/tfjs-backend-webgl';
import { describeBrowserBackend } from './helpers/describe-browser-backend.js';

// tfjs webgl in headless Chromium.
await describeBrowserBackend('webgl');
