import type { AttributeProto, NodeProto } from '../proto/onnx-proto.js';

function find(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

/**
 * Whether a node has an attribute.
 *
 * @example
 * ```ts
 * if (hasAttr(node, 'kernel_shape')) { ... }
 * ```
 */
export function hasAttr(node: NodeProto, name: string): boolean {
  return find(node, name) !== undefined;
}

/**
 * An integer attribute, or the default.
 *
 * @example
 * ```ts
 * const group = intAttr(node, 'group', 1);
 * ```
 */
export function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = find(node, name);
  return a?.i !== undefined ? Number(a.i) : fallback;
}

/**
 * A float attribute (a float32 value, as stored), or the default.
 *
 * @example
 * ```ts
 * const eps = floatAttr(node, 'epsilon', 1e-5);
 * ```
 */
export function floatAttr(node: NodeProto, name: string, fallback: number): number {
  const a = find(node, name);
  return a?.f !== undefined ? a.f : fallback;
}

/**
 * An integer-list attribute, or the default.
 *
 * @example
 * ```ts
 * const strides = intsAttr(node, 'strides', [1, 1]);
 * ```
 */
export function intsAttr(node: NodeProto, name: string, fallback: readonly number[]): number[] {
  const a = find(node, name);
  return a?.ints && (a.ints.length > 0 || a.type === 7) ? a.ints.map(Number) : [...fallback];
}

/**
 * A float-list attribute, or the default.
 *
 * @example
 * ```ts
 * const v = floatsAttr(node, 'value_floats', []);
 * ```
 */
export function floatsAttr(node: NodeProto, name: string, fallback: readonly number[]): number[] {
  const a = find(node, name);
  return a?.floats && a.floats.length > 0 ? [...a.floats] : [...fallback];
}

/**
 * A string attribute, or the default.
 *
 * @example
 * ```ts
 * const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
 * ```
 */
export function stringAttr(node: NodeProto, name: string, fallback: string): string {
  const a = find(node, name);
  return a?.s !== undefined ? new TextDecoder().decode(a.s) : fallback;
}

/**
 * The raw attribute, for tensors and the rarer kinds.
 *
 * @example
 * ```ts
 * const t = rawAttr(node, 'value')?.t;
 * ```
 */
export function rawAttr(node: NodeProto, name: string): AttributeProto | undefined {
  return find(node, name);
}
