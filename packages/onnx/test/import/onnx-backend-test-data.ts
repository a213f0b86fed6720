// The official ONNX backend test data (Debian package libonnx-testdata) through the importer: a
// test is a directory with model.onnx and test_data_set_0/{input,output}_*.pb. One suite
// registration, run for each of the package's test collections (test-only helpers).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BiaspropError,
  decodeModel,
  decodeTensor,
  fromOnnxModel,
  predict,
} from '../../src/index.js';
import type { IRGraph, ModelProto } from '../../src/index.js';
import { tensorFromProto } from '../../src/import/const-tensor.js';
import { relativeError } from './compare.js';

/** The data root of libonnx-testdata. */
export const ONNX_TEST_DATA = '/usr/share/libonnx-testdata/data';

/** One collection of backend tests and what to do with each. */
export interface OnnxTestSuite {
  readonly title: string;
  /** The collection's directory (one sub-directory per test). */
  readonly dir: string;
  /** Tests run: the IR forward on the float64 reference must match `output_0.pb` (≤ 1e-5). */
  readonly run: readonly string[];
  /** Tests not run, with the reason: each must be refused with a `BiaspropError`. */
  readonly excluded: Readonly<Record<string, string>>;
  /** The default-domain opset to declare instead of the model's own, per test. */
  readonly opsetFor?: (test: string) => number | undefined;
  /** Checks that run after import for excluded tests (refusals the importer leaves to callers). */
  readonly validate?: (graph: IRGraph) => void;
}

/**
 * The test's model. Inputs after the first hold weights in node tests: they become initializers
 * (and stay graph inputs, which the importer treats as constants). With `opset`, the declared
 * default-domain opset is replaced (for ops whose definition is the same at both versions).
 */
function testModel(dir: string, test: string, opset: number | undefined): ModelProto {
  const model = decodeModel(readFileSync(`${dir}/${test}/model.onnx`));
  const g = model.graph!;
  const inputs = readdirSync(`${dir}/${test}/test_data_set_0`)
    .filter((f) => /^input_\d+\.pb$/.test(f))
    .sort();
  const weights = inputs.slice(1).map((f, i) => ({
    ...decodeTensor(readFileSync(`${dir}/${test}/test_data_set_0/${f}`)),
    name: g.input![i + 1]!.name,
  }));
  g.initializer = [...(g.initializer ?? []), ...weights];
  if (opset !== undefined) model.opset_import = [{ domain: '', version: opset }];
  return model;
}

/** One of the test's tensors (`input_0.pb`, `output_0.pb`, …) in float64. */
function testTensor(
  dir: string,
  test: string,
  file: string,
): { data: Float64Array; shape: number[] } {
  const t = tensorFromProto(decodeTensor(readFileSync(`${dir}/${test}/test_data_set_0/${file}`)));
  return { data: t.data, shape: [...t.shape] };
}

/**
 * Registers a collection: the data is installed, every listed test exists and is either run or
 * excluded, excluded tests are refused with a clear error, and each run test matches its expected
 * output. Models are imported with `prepare: false`, which keeps a final Softmax so its output can
 * be compared.
 */
export function describeOnnxTestSuite(suite: OnnxTestSuite): void {
  const { dir, run, excluded } = suite;
  const missing = `${dir} is missing: install the Debian package libonnx-testdata (apt-get install -y libonnx-testdata; CI lists it in .ci/run)`;
  const modelOf = (test: string): ModelProto => testModel(dir, test, suite.opsetFor?.(test));

  describe(suite.title, () => {
    it('the test data is installed', () => {
      expect(existsSync(dir), missing).toBe(true);
    });

    it('every listed test exists, and no test is both run and excluded', () => {
      for (const t of [...run, ...Object.keys(excluded)])
        expect(existsSync(`${dir}/${t}/model.onnx`), `${dir}/${t}: ${missing}`).toBe(true);
      expect(run.filter((t) => t in excluded)).toEqual([]);
    });

    it('every excluded test is refused with a clear error', () => {
      for (const test of Object.keys(excluded)) {
        expect(existsSync(`${dir}/${test}/model.onnx`), `${dir}/${test}: ${missing}`).toBe(true);
        let error: unknown;
        try {
          const graph = fromOnnxModel(modelOf(test), { name: test, prepare: false });
          testTensor(dir, test, 'input_0.pb');
          suite.validate?.(graph);
        } catch (e) {
          error = e;
        }
        expect(error, `${test} was expected to be refused`).toBeInstanceOf(BiaspropError);
        expect((error as Error).message).toMatch(new RegExp(`${test}|tensor|input`));
      }
    });

    for (const test of run) {
      it(test, async () => {
        expect(existsSync(`${dir}/${test}`), `${dir}/${test}: ${missing}`).toBe(true);
        const graph = fromOnnxModel(modelOf(test), { name: test, prepare: false });
        const expected = testTensor(dir, test, 'output_0.pb');
        const y = await predict(graph, testTensor(dir, test, 'input_0.pb'));
        expect(y.data.length).toBe(expected.data.length);
        expect(relativeError(y.data, expected.data)).toBeLessThanOrEqual(1e-5);
      });
    }
  });
}
