import type { Linter } from 'eslint';

/** Builds the flat config for one package. */
export declare function biaspropEslintConfig(tsconfigRootDir: string): Linter.Config[];
