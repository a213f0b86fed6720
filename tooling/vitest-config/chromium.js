// The system Chromium and the flags every headless run here uses (Debian's `chromium` package;
// biasprop never downloads a browser). Without the background-networking flags Chromium keeps
// trying to reach hosts a closed network refuses.

/** Where Debian's `chromium` package puts the browser (override with CHROMIUM_PATH). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless flags; `extra` adds e.g. `--enable-unsafe-webgpu`. */
export function chromiumArgs(extra = []) {
  return [
    '--headless=new',
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    ...extra,
  ];
}
