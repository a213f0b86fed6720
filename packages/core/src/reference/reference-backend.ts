import type { Precision } from '../backend/backend.js';
import { EagerBackend } from '../backend/eager-backend.js';
import type { Kernels } from '../backend/kernels.js';
import type { RefHandle } from './reference-kernels.js';
import { referenceKernels } from './reference-kernels.js';

/**
 * The float64 reference backend: plain TypeScript loops on `Float64Array`, eager. It is the ground
 * truth every other backend is compared with.
 *
 * @example
 * ```ts
 * const result = await explain(graph, x, { backend: new ReferenceBackend() });
 * ```
 */
export class ReferenceBackend extends EagerBackend<RefHandle> {
  readonly name = 'reference';
  readonly precision: Precision = 'float64';
  /** The float64 reference kernels. */
  protected readonly kernels: Kernels<RefHandle> = referenceKernels;

  protected async read(handle: RefHandle): Promise<Float64Array> {
    return handle;
  }

  protected release(): void {}
}
