// Launches the system Chromium with playwright-core (never a downloaded browser).
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, chromiumArgs } from '@biasprop/vitest-config/chromium';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM = CHROMIUM_PATH;

/**
 * Launches headless Chromium from {@link CHROMIUM}.
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * ```
 */
export async function launchChromium(webgpu = false): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH); never 'playwright install'`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: false,
    // WebGPU on Linux needs the unsafe flag; SwiftShader's Vulkan gives it an adapter without a GPU.
    args: chromiumArgs(
      webgpu
        ? ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader']
        : [],
    ),
  });
}
