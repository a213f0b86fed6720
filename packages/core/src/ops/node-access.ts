import type { AttrValue, NodeSpec, ParamTensor } from '../ir/types.js';

/** Reads a required param of a node, or throws through `fail`. */
export function requireParam(
  node: NodeSpec,
  name: string,
  fail: (m: string) => never,
): ParamTensor {
  const p = node.params?.[name];
  if (!p) fail(`missing parameter '${name}'`);
  return p;
}

/** Reads a numeric attribute with a default. */
export function numberAttr(node: NodeSpec, name: string, fallback: number): number {
  const v: AttrValue | undefined = node.attrs?.[name];
  return typeof v === 'number' ? v : fallback;
}

/** Reads a number-array attribute with a default. */
export function numbersAttr(node: NodeSpec, name: string, fallback: readonly number[]): number[] {
  const v: AttrValue | undefined = node.attrs?.[name];
  return Array.isArray(v) && v.every((e) => typeof e === 'number') ? [...v] : [...fallback];
}

/** Reads a boolean attribute with a default. */
export function boolAttr(node: NodeSpec, name: string, fallback: boolean): boolean {
  const v = node.attrs?.[name];
  return typeof v === 'boolean' ? v : fallback;
}
