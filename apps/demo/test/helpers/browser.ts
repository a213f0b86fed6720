// Launches the system Chromium with playwright-core (never a downloaded browser).
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags every run uses (DESIGN §5), plus WebGPU when asked for. */
export function chromiumArgs(webgpu = false): string[] {
  const args = [
    '--headless=new',
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  if (webgpu) args.push('--enable-unsafe-webgpu');
  return args;
}

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
  return chromium.launch({ executablePath: CHROMIUM, headless: false, args: chromiumArgs(webgpu) });
}
