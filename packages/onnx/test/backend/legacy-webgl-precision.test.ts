// The precision the legacy WebGL provider computes in, read from its WebGL context: float32 on
// WebGL 2 and on WebGL 1 with renderable float32 textures, float16 otherwise (the provider then
// renders to half-float textures without saying so). Fake contexts stand in for the GPU here;
// Chromium's real one is checked by the browser tests (the explanation carries the precision).
import { describe, expect, it } from 'vitest';
import type { WebglContextLike } from '../../src/backend/legacy-webgl-precision.js';
import { legacyWebglPrecision } from '../../src/backend/legacy-webgl-precision.js';

function fakeWebgl1(extensions: string[], framebufferComplete: boolean): WebglContextLike {
  const calls: string[] = [];
  return {
    TEXTURE_2D: 1,
    RGBA: 2,
    FLOAT: 3,
    FRAMEBUFFER: 4,
    COLOR_ATTACHMENT0: 5,
    FRAMEBUFFER_COMPLETE: 6,
    getExtension: (name) => (extensions.includes(name) ? {} : null),
    createTexture: () => ({}),
    bindTexture: () => calls.push('bindTexture'),
    texImage2D: (...args) => calls.push(`texImage2D ${args[7]}`),
    createFramebuffer: () => ({}),
    bindFramebuffer: () => calls.push('bindFramebuffer'),
    framebufferTexture2D: () => calls.push('framebufferTexture2D'),
    checkFramebufferStatus: () => (framebufferComplete ? 6 : 0),
    deleteTexture: () => calls.push('deleteTexture'),
    deleteFramebuffer: () => calls.push('deleteFramebuffer'),
  };
}

describe('legacyWebglPrecision', () => {
  it('is float32 on WebGL 2 and before the provider made a context', () => {
    const webgl2 = { ...fakeWebgl1([], false), texStorage2D: () => {} };
    expect(legacyWebglPrecision(webgl2)).toBe('float32');
    expect(legacyWebglPrecision(undefined)).toBe('float32');
  });

  it('on WebGL 1: float32 only with OES_texture_float and a float32 texture that renders', () => {
    expect(legacyWebglPrecision(fakeWebgl1(['OES_texture_float'], true))).toBe('float32');
    expect(legacyWebglPrecision(fakeWebgl1(['OES_texture_float'], false))).toBe('float16');
    expect(legacyWebglPrecision(fakeWebgl1(['OES_texture_half_float'], true))).toBe('float16');
  });
});
