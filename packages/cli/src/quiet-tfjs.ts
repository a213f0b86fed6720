/**
 * Silences tfjs's console banner ("looks like you are running TensorFlow.js in Node.js") and
 * debug warnings, so the CLI's stdout and stderr carry only its own output.
 *
 * @example
 * ```ts
 * await quietTfjs();
 * ```
 */
export async function quietTfjs(): Promise<void> {
  const tf = await import('@tensorflow/tfjs-core');
  tf.env().set('PROD', true);
}
