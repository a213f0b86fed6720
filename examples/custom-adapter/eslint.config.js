import { biaspropEslintConfig } from '@biasprop/eslint-config';

export default biaspropEslintConfig(import.meta.dirname);
