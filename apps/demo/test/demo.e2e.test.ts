// End to end: build the demo, serve it, and run every method on five backends in headless
// Chromium, checking the decomposition read-out, the "skip first K layers" slider, that no console
// error occurred, and saving screenshots under test-artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import type { Preview } from './helpers/serve.js';
import { DEMO_DIR, buildDemo, startPreview } from './helpers/serve.js';

const ARTIFACTS = join(DEMO_DIR, 'test-artifacts');
const RULES = ['contribution', 'weight', 'signed', 'uniform'] as const;
const METHODS = ['gradient', 'inputXGradient', 'integratedGradients', 'bbp', 'smoothGrad'] as const;
/** float32 backends: relative residuals within 1e-4 (DESIGN §4). */
const TOLERANCE = 1e-4;
/**
 * Wanted backends: tfjs and ONNX Runtime, each on WebAssembly and on WebGPU, and ONNX Runtime's
 * legacy WebGL provider, with fallbacks.
 */
const WANTED: readonly (readonly string[])[] = [
  ['tfjs-wasm', 'tfjs-webgl', 'tfjs-cpu', 'reference'],
  ['ort-wasm', 'tfjs-cpu', 'reference'],
  ['tfjs-webgpu', 'tfjs-webgl', 'tfjs-cpu', 'reference'],
  ['ort-webgpu', 'ort-wasm', 'reference'],
  ['ort-webgl', 'ort-wasm', 'reference'],
];

let preview: Preview;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

async function waitForRun(p: Page, before: number, timeout = 240_000): Promise<void> {
  await p.waitForFunction(
    (n) => {
      const s = document.body.dataset.state;
      return s === 'error' || (s === 'ready' && Number(document.body.dataset.runs ?? '0') > n);
    },
    before,
    { timeout, polling: 100 },
  );
  const state = await p.evaluate(() => document.body.dataset.state);
  if (state === 'error') {
    const banner = await p.getByTestId('error-banner').textContent();
    throw new Error(`the demo reported an error: ${banner ?? ''}`);
  }
}

const runs = (p: Page): Promise<number> =>
  p.evaluate(() => Number(document.body.dataset.runs ?? '0'));

/** Residuals shown in the decomposition card, by test id. */
async function residuals(p: Page): Promise<Record<string, number>> {
  return p.evaluate(() => {
    const out: Record<string, number> = {};
    for (const e of document.querySelectorAll<HTMLElement>('[data-residual]'))
      out[e.dataset.testid ?? '?'] = Number(e.dataset.residual);
    return out;
  });
}

/** The backends of the menu with their disabled state and reason. */
async function backendOptions(
  p: Page,
): Promise<{ id: string; disabled: boolean; reason: string }[]> {
  return p.evaluate(() =>
    [...document.querySelectorAll<HTMLOptionElement>('[data-testid=backend-select] option')].map(
      (o) => ({ id: o.value, disabled: o.disabled, reason: o.title }),
    ),
  );
}

/** Switches to the ONNX export of the current zoo model, when there is one that can load. */
async function useOnnxModel(p: Page): Promise<void> {
  const current = await p.getByTestId('model-select').inputValue();
  if (!current.startsWith('zoo:')) return;
  const onnx = current.replace(/:tfjs$/, ':onnx');
  const option = await p.evaluate(
    (v) =>
      [...document.querySelectorAll<HTMLOptionElement>('[data-testid=model-select] option')].find(
        (o) => o.value === v && !o.disabled,
      )?.value,
    onnx,
  );
  if (!option || option === current) return;
  const before = await runs(p);
  await p.getByTestId('model-select').selectOption(option);
  await waitForRun(p, before);
  console.log(`switched to the model's ONNX export '${option}'`);
}

describe('biasprop demo (vite build + preview + Chromium)', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await buildDemo();
    preview = await startPreview();
    browser = await launchChromium(true);
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
    await page.goto(preview.url);
    // Record every progress label, to check that IG reports its progress.
    await page.evaluate(() => {
      const label = document.querySelector('[data-testid=progress-label]')!;
      const seen: string[] = [];
      (window as unknown as { progressLabels: string[] }).progressLabels = seen;
      new MutationObserver(() => seen.push(label.textContent ?? '')).observe(label, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    await waitForRun(page, 0);
  });

  afterAll(async () => {
    await browser?.close();
    await preview?.close();
  });

  it('starts, picks a model and a backend, and explains the default input', async () => {
    const model = await page.getByTestId('model-select').inputValue();
    const backend = await page.getByTestId('backend-select').inputValue();
    const unavailable = (await backendOptions(page)).filter((o) => o.disabled);
    console.log(`default model '${model}', default backend '${backend}'`);
    for (const o of unavailable) console.log(`backend ${o.id} unavailable: ${o.reason}`);
    await expect(page.getByTestId('cell-input').count()).resolves.toBe(1);
    await expect(page.getByTestId('legend').count()).resolves.toBe(1);
  });

  for (const [i, wanted] of WANTED.entries()) {
    it(`runs every method and BBp rule on backend ${i + 1} (${wanted[0]}, or a fallback)`, async () => {
      const options = await backendOptions(page);
      const chosen = wanted.find((id) => options.some((o) => o.id === id && !o.disabled));
      expect(chosen, 'no backend of the list can run').toBeDefined();
      if (chosen !== wanted[0]) {
        const reason = options.find((o) => o.id === wanted[0])?.reason ?? 'not listed';
        console.log(`backend ${wanted[0]} cannot start (${reason}); falling back to ${chosen}`);
      }
      // ONNX Runtime runs the model's ONNX export when the zoo has one (so both importers are used).
      if (chosen?.startsWith('ort-')) await useOnnxModel(page);
      for (const m of METHODS) await page.getByTestId(`method-${m}`).check();
      for (const r of RULES) await page.getByTestId(`rule-${r}`).check();
      await page.getByTestId('ig-steps').fill('32');
      await page.getByTestId('smoothgrad-samples').fill('8');
      const before = await runs(page);
      if ((await page.getByTestId('backend-select').inputValue()) !== chosen)
        await page.getByTestId('backend-select').selectOption(chosen!);
      else await page.getByTestId('explain').click();

      // The page stays responsive while the worker computes.
      const t0 = Date.now();
      await page.evaluate(() => document.body.dataset.state);
      expect(Date.now() - t0).toBeLessThan(2000);

      await waitForRun(page, before);
      const labels = await page.evaluate(
        () => (window as unknown as { progressLabels: string[] }).progressLabels,
      );
      expect(labels.some((l) => /Integrated Gradients: \d+\/32 points/.test(l))).toBe(true);
      expect(labels).toContain('SmoothGrad: 8 noisy copies');
      const shownBackend = await page.getByTestId('result-backend').textContent();
      console.log(`explained on ${shownBackend}`);
      // onnxruntime-web's WebGPU backend names itself ort-web-webgpu (ort-webgpu is onnxruntime-node's).
      const expectedName = chosen === 'ort-webgpu' ? 'ort-web-webgpu' : chosen!;
      expect(shownBackend).toContain(chosen === 'reference' ? '' : expectedName);

      for (const id of [
        'cell-gradient',
        'cell-inputXGradient',
        'cell-integratedGradients',
        'cell-smoothGrad',
        ...RULES.map((r) => `cell-bbp-${r}`),
        ...RULES.map((r) => `cell-total-${r}`),
      ]) {
        expect(await page.getByTestId(id).count(), id).toBe(1);
      }
      const res = await residuals(page);
      console.log(`${shownBackend} residuals: ${JSON.stringify(res)}`);
      expect(Object.keys(res)).toEqual(
        expect.arrayContaining([
          'residual-completeness',
          ...RULES.map((r) => `residual-bbp-${r}`),
          'ig-delta',
        ]),
      );
      for (const [k, v] of Object.entries(res)) {
        expect(Number.isFinite(v), k).toBe(true);
        if (k !== 'ig-delta') expect(v, k).toBeLessThan(TOLERANCE);
      }
      const timings = await page.getByTestId('timings').locator('tr').allTextContents();
      expect(timings.length).toBe(3 + RULES.length); // gradient, IG, SmoothGrad, BBp per rule
      console.log(`${shownBackend} timings: ${timings.join(' | ')}`);
      await page.screenshot({ path: join(ARTIFACTS, `demo-${chosen}.png`), fullPage: true });
    });
  }

  it('recomputes BBp when the first K layers’ biases are skipped', async () => {
    const max = Number(await page.getByTestId('skip-slider').getAttribute('max'));
    expect(max).toBeGreaterThan(1);
    const before = await runs(page);
    await page.getByTestId('skip-slider').fill('1');
    await waitForRun(page, before);
    await expect(page.getByTestId('skip-label').textContent()).resolves.toBe('K = 1');
    const res = await residuals(page);
    for (const r of RULES) expect(res[`residual-bbp-${r}`], r).toBeLessThan(TOLERANCE);
    const text = await page.getByTestId('results').textContent();
    expect(text).toContain('skip first 1');
    await page.screenshot({ path: join(ARTIFACTS, 'demo-skip-first-1.png'), fullPage: true });
    // Back to all layers for the final screenshot.
    const again = await runs(page);
    await page.getByTestId('skip-slider').fill('0');
    await waitForRun(page, again);
    await page.screenshot({ path: join(ARTIFACTS, 'demo.png'), fullPage: true });
  });

  it('explains a drawn digit for a contrast between two classes', async () => {
    await page.getByTestId('target-mode').selectOption('contrast');
    await page.getByTestId('target-class').selectOption('3');
    await page.getByTestId('target-class-b').selectOption('8');
    await page.getByTestId('clear').click();
    const box = (await page.getByTestId('draw-canvas').boundingBox())!;
    const at = (u: number, v: number): [number, number] => [
      box.x + u * box.width,
      box.y + v * box.height,
    ];
    const before = await runs(page);
    await page.mouse.move(...at(0.3, 0.2));
    await page.mouse.down();
    for (const [u, v] of [
      [0.7, 0.2],
      [0.5, 0.5],
      [0.7, 0.75],
      [0.3, 0.8],
    ] as const)
      await page.mouse.move(...at(u, v), { steps: 6 });
    await page.mouse.up();
    await waitForRun(page, before);
    await expect(page.getByTestId('result-header').textContent()).resolves.toContain(
      'class 3 − class 8',
    );
    const res = await residuals(page);
    expect(res['residual-completeness']).toBeLessThan(TOLERANCE);
    await page.getByTestId('target-mode').selectOption('pred');
  });

  it('shows errors in the page', async () => {
    await page.getByTestId('ig-steps').fill('1');
    const before = await page.evaluate(() => document.body.dataset.state);
    expect(before).toBe('ready');
    await page.getByTestId('explain').click();
    await page.waitForFunction(() => document.body.dataset.state === 'error', undefined, {
      timeout: 30_000,
    });
    await expect(page.getByTestId('error-banner').textContent()).resolves.toContain('IG points');
    await page.getByTestId('ig-steps').fill('32');
    await page.getByTestId('error-banner').locator('button').click();
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
