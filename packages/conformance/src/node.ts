// `@biasprop/conformance/node`: loading third-party adapter modules from files or packages (Node.js
// only; everything else is in `@biasprop/conformance/runner`, which also runs in browsers).
export * from './runner.js';
export { loadConformanceAdapter } from './adapter/load-adapter.js';
export type { LoadAdapterOptions } from './adapter/load-adapter.js';
