import type { Precision } from '@biasprop/core';

/** The parts of a WebGL context that {@link legacyWebglPrecision} reads. */
export interface WebglContextLike {
  getExtension(name: string): unknown;
  createTexture(): unknown;
  bindTexture(target: number, texture: unknown): void;
  texImage2D(
    target: number,
    level: number,
    internalFormat: number,
    width: number,
    height: number,
    border: number,
    format: number,
    type: number,
    pixels: null,
  ): void;
  createFramebuffer(): unknown;
  bindFramebuffer(target: number, framebuffer: unknown): void;
  framebufferTexture2D(
    target: number,
    attachment: number,
    textarget: number,
    texture: unknown,
    level: number,
  ): void;
  checkFramebufferStatus(target: number): number;
  deleteTexture(texture: unknown): void;
  deleteFramebuffer(framebuffer: unknown): void;
  readonly TEXTURE_2D: number;
  readonly RGBA: number;
  readonly FLOAT: number;
  readonly FRAMEBUFFER: number;
  readonly COLOR_ATTACHMENT0: number;
  readonly FRAMEBUFFER_COMPLETE: number;
}

/** Whether `gl` is a WebGL 2 context (it has WebGL 2's `texStorage2D`). */
function isWebgl2(gl: WebglContextLike): boolean {
  return typeof (gl as { texStorage2D?: unknown }).texStorage2D === 'function';
}

/** Whether a float32 RGBA texture can be rendered to (a complete framebuffer). */
function floatTextureRenderable(gl: WebglContextLike): boolean {
  const texture = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, texture);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.FLOAT, null);
  const framebuffer = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
  const complete = gl.checkFramebufferStatus(gl.FRAMEBUFFER) === gl.FRAMEBUFFER_COMPLETE;
  gl.bindTexture(gl.TEXTURE_2D, null);
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  gl.deleteTexture(texture);
  gl.deleteFramebuffer(framebuffer);
  return complete;
}

/**
 * The precision onnxruntime-web's legacy WebGL provider computes in on the context it created
 * (`ort.env.webgl.context`): float32 on WebGL 2 (single-channel float32 textures) and on WebGL 1
 * where float32 textures can be rendered to; float16 on WebGL 1 otherwise, where the provider
 * silently renders to half-float textures. `undefined` (no context yet) counts as float32.
 *
 * @example
 * ```ts
 * const precision = legacyWebglPrecision(ort.env.webgl.context); // 'float32' in Chromium
 * ```
 */
export function legacyWebglPrecision(gl: WebglContextLike | undefined): Precision {
  if (!gl || isWebgl2(gl)) return 'float32';
  if (!gl.getExtension('OES_texture_float')) return 'float16';
  return floatTextureRenderable(gl) ? 'float32' : 'float16';
}
