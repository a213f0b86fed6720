import { biaspropVitestConfig } from '@biasprop/vitest-config';

export default biaspropVitestConfig();
