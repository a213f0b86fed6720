/** Where Debian's `chromium` package puts the browser (override with CHROMIUM_PATH). */
export declare const CHROMIUM_PATH: string;
/** Headless flags; `extra` adds e.g. `--enable-unsafe-webgpu`. */
export declare function chromiumArgs(extra?: readonly string[]): string[];
