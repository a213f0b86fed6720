import { usageError } from '../errors.js';

/**
 * The value of `--option` as an integer from 1 to `max`, or a usage error of `command` naming the
 * option, the range and the value given.
 *
 * @example
 * ```ts
 * positiveInt('50', 'ig-steps', 'explain', 100_000); // 50
 * ```
 */
export function positiveInt(
  value: string,
  option: string,
  command: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw usageError(`--${option} must be an integer from 1 to ${max}, got '${value}'`, command);
  }
  return Number(value);
}
