import type { UserConfig } from 'vitest/config';

export declare const SOURCE_CONDITION: '@biasprop/source';
/** Node-side test config used by every package. */
export declare function biaspropVitestConfig(
  overrides?: NonNullable<UserConfig['test']>,
): UserConfig;
