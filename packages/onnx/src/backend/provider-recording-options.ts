import type { OrtExecutionProvider } from './execution-providers.js';
import type { OnnxGraphRecorderOptions } from './onnx-graph-recorder.js';

/** Per-provider recording choices a caller may override ({@link OrtBackend} takes them as options). */
export interface ProviderRecordingOverrides {
  /**
   * Zero-pad conv input channels per group to a multiple of this (default 4 on WebGPU, where
   * ONNX Runtime's Conv is wrong for some channel counts; 1 elsewhere). Exact: the padding is zeros.
   */
  readonly convChannelMultiple?: number;
  /**
   * How max pooling is recorded: `native` is ONNX Runtime's `MaxPool` with its `Indices` output
   * and a `ScatterElements` backward (several times faster); `portable` is the window lowering
   * with an explicit first-index selection that every provider computes the same way. Default:
   * `native` on the CPU providers (`cpu`, `wasm`), whose `MaxPool` keeps the first maximum of a
   * window as DESIGN §2 requires (the conformance tie fixtures check it), `portable` elsewhere.
   */
  readonly maxPoolLowering?: 'native' | 'portable';
  /**
   * Record only the operators onnxruntime-web's legacy WebGL provider implements, at opset 12
   * (no `Where`, `CumSum`, `Expand`, `Max`/`Min`; see `OnnxGraphRecorderOptions.legacyWebgl`).
   * Default: on for the `webgl` provider only. Exact Integrated Gradients cannot run this way.
   */
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
 * // { convChannelMultiple: 4, nativeMaxPool: false, fullShapeWhere: true, widenSingleOutputConvTransposeGroups: true, avoidMaxMin: true, legacyWebgl: false, hardSigmoidSteps: false, convWindowPlanes: false }
 * ```
 */
export function recordingOptionsFor(
  provider: OrtExecutionProvider | undefined,
  overrides: ProviderRecordingOverrides = {},
): OnnxGraphRecorderOptions {
  const webgpu = provider === 'webgpu';
  const cpuProvider = provider === 'cpu' || provider === 'wasm';
  const legacyWebgl = overrides.legacyWebglOperators ?? provider === 'webgl';
  return {
    // ONNX Runtime's WebGPU Conv, in its default NHWC layout, returns wrong values for some
    // input channel counts (6, 9, 15, 18, 30 with a 3×3 or 5×5 kernel; seen in 1.30 in Chromium,
    // on SwiftShader's Vulkan and on an NVIDIA H100).
    convChannelMultiple: overrides.convChannelMultiple ?? (webgpu ? 4 : 1),
    nativeMaxPool:
      (overrides.maxPoolLowering ?? (cpuProvider ? 'native' : 'portable')) === 'native',
    fullShapeWhere: webgpu,
    widenSingleOutputConvTransposeGroups: webgpu,
    avoidMaxMin: webgpu,
    legacyWebgl,
    // onnxruntime-node's CPU provider runs convolutions in a blocked layout (NCHWc) that
    // HardSigmoid keeps and Greater/Cast do not (checked on its optimized graphs; not on wasm).
    hardSigmoidSteps: provider === 'cpu' && !legacyWebgl,
    // Likewise one-hot depthwise convs for the planes of 2×2 max-pool windows (small VGG, batch
    // 32: gradient 0.95×, BBp 0.97×, IG 0.91×); not on wasm, whose build has no blocked layout.
    convWindowPlanes: provider === 'cpu' && !legacyWebgl,
  };
}
