import { biaspropVitestConfig } from '@biasprop/vitest-config';

// Real models are larger: MobileNetV2 at 224×224 explained on tfjs cpu takes a while on 2 cores.
export default biaspropVitestConfig({ testTimeout: 600_000, hookTimeout: 600_000 });
