import type { OrtExecutionProvider } from './execution-providers.js';
import type { OnnxGraphRecorderOptions } from './onnx-graph-recorder.js';

/** Per-provider recording choices a caller may override (the {@link OrtBackend} options of the same names). */
export interface ProviderRecordingOverrides {
  /** Zero-pad conv input channels per group to a multiple of this (default 4 on `webgpu`, else 1). */
  readonly convChannelMultiple?: number;
  /** `native` (ONNX Runtime's `MaxPool`; default on `cpu`, `wasm`) or `portable` (elsewhere). */
  readonly maxPoolLowering?: 'native' | 'portable';
  /** onnxruntime-web's legacy WebGL operator set (default on `webgl` only). */
  readonly legacyWebglOperators?: boolean;
}

/**
 * How a graph meant for ONNX Runtime's `provider` is recorded: the workarounds and fast paths
 * {@link OrtBackend} uses there, so that a graph traced by the backend and one exported for the
 * same provider are the same. `undefined` (no provider named) gives the portable recording: the
 * plain operators every provider runs, with no provider-specific padding.
 *
 * @example
 * ```ts
 * const rec = new OnnxGraphRecorder(recordingOptionsFor('webgpu'));
 * // { convChannelMultiple: 4, nativeMaxPool: false, fullShapeWhere: true, avoidMaxMin: true, legacyWebgl: false }
 * ```
 */
export function recordingOptionsFor(
  provider: OrtExecutionProvider | undefined,
  overrides: ProviderRecordingOverrides = {},
): OnnxGraphRecorderOptions {
  const webgpu = provider === 'webgpu';
  const cpuProvider = provider === 'cpu' || provider === 'wasm';
  return {
    // ONNX Runtime's WebGPU Conv, in its default NHWC layout, returns wrong values for some
    // input channel counts (6, 9, 15, 18, 30 with a 3×3 or 5×5 kernel; seen in 1.30 in Chromium,
    // on SwiftShader's Vulkan and on an NVIDIA H100).
    convChannelMultiple: overrides.convChannelMultiple ?? (webgpu ? 4 : 1),
    nativeMaxPool:
      (overrides.maxPoolLowering ?? (cpuProvider ? 'native' : 'portable')) === 'native',
    fullShapeWhere: webgpu,
    avoidMaxMin: webgpu,
    legacyWebgl: overrides.legacyWebglOperators ?? provider === 'webgl',
  };
}
