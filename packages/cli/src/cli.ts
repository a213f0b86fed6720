// Entry point of the `biasprop` executable (bin/biasprop.js runs this, built or from source).
import { processIo } from './cli-io.js';
import { main } from './main.js';

const code = await main(process.argv.slice(2), processIo());
// Exit explicitly: runtimes (ONNX Runtime threads, the tfjs wasm module) may keep the loop alive.
process.exit(code);
