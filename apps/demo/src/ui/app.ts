// The demo page: wires the controls, the input canvas, the worker and the result area.
import type { BackendId } from '../backends/backend-catalog.js';
import type { InputLayout } from '../input/input-layout.js';
import { inputLayout, pixelsToInput } from '../input/input-layout.js';
import { loadBitmap, typedDigit } from '../input/samples.js';
import type { ModelSource } from '../models/model-source.js';
import { importerOf } from '../models/model-source.js';
import { readModelUpload } from '../models/read-upload.js';
import type { ZooCatalogEntry } from '../models/zoo-catalog.js';
import { KNOWN_CLASS_NAMES, fetchCatalog } from '../models/zoo-catalog.js';
import type { Capabilities, DemoResult, ExplainParams, ModelInfo } from '../worker/protocol.js';
import { ExplainWorkerClient } from '../worker/worker-client.js';
import type { ModelOption } from './controls.js';
import { Controls } from './controls.js';
import { el } from './dom.js';
import type { DrawCanvas } from './draw-canvas.js';
import { createDrawCanvas } from './draw-canvas.js';
import { createErrorBanner } from './error-banner.js';
import { createProgressView } from './progress-view.js';
import { ResultsView } from './results-view.js';

/** Page states, mirrored on `<body data-state>` for tests and styling. */
export type AppState = 'starting' | 'loading' | 'running' | 'ready' | 'error';

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The running demo. */
export class DemoApp {
  private readonly banner = createErrorBanner();
  private readonly progress = createProgressView();
  private readonly controls = new Controls();
  private readonly results = new ResultsView();
  private readonly draw: DrawCanvas;
  private readonly client: ExplainWorkerClient;
  private caps: Capabilities | undefined;
  private zoo: ZooCatalogEntry[] = [];
  private uploaded: ModelSource | undefined;
  private model: ModelInfo | undefined;
  private classNames: readonly string[] = [];
  private layout: InputLayout = { height: 28, width: 28, channels: 1, order: 'chw' };
  private last: { result: DemoResult; x: Float32Array } | undefined;
  private busy = false;
  private again: 'full' | 'bbp' | null = null;

  constructor(private readonly root: HTMLElement) {
    this.client = new ExplainWorkerClient((e) => this.fail(e));
    this.draw = createDrawCanvas(28, 28, () => {
      if (this.controls.autoBox.box.checked) void this.explain();
    });
    this.controls.inputArea.append(this.draw.element);
    root.append(
      el(
        'header',
        { class: 'top-bar' },
        el('h1', {}, 'biasprop'),
        el(
          'p',
          {},
          'Bias also matters: explain a prediction as ',
          el('code', {}, 'f(x) = w·x + b'),
          ' and attribute both parts.',
        ),
        this.progress.element,
      ),
      this.banner.element,
      el('div', { class: 'layout' }, this.controls.element, this.results.element),
    );
    window.addEventListener('error', (e) => this.fail(e.error ?? e.message));
    window.addEventListener('unhandledrejection', (e) => this.fail(e.reason));
    this.wire();
  }

  private setState(state: AppState): void {
    document.body.dataset.state = state;
  }

  private fail(e: unknown): void {
    this.banner.show(errorText(e));
    this.progress.finish('failed');
    this.setState('error');
  }

  private wire(): void {
    const c = this.controls;
    c.explainButton.addEventListener('click', () => void this.explain());
    c.clearButton.addEventListener('click', () => this.draw.clear());
    c.modelSelect.addEventListener('change', () => void this.loadSelected());
    c.backendSelect.addEventListener('change', () => void this.explain());
    c.modelUpload.addEventListener('change', () => void this.uploadModel());
    c.imageUpload.addEventListener('change', () => void this.uploadImage());
    c.invertBox.box.addEventListener('change', () => void this.explain());
    this.results.skipSlider.addEventListener('change', () => void this.explain('bbp'));
  }

  /** Probes the worker, lists the models, loads the default one and explains the default input. */
  async start(): Promise<void> {
    this.setState('starting');
    this.progress.start('starting the worker and probing backends…');
    try {
      const [caps, zoo] = await Promise.all([this.client.probe(), fetchCatalog().catch(() => [])]);
      this.caps = caps;
      this.zoo = zoo;
      this.controls.setBackends(caps);
      const options = this.modelOptions();
      const first =
        options.find((o) => o.disabledReason === undefined) ?? options[options.length - 1]!;
      this.controls.setModels(options, first.value);
      await this.loadSelected();
    } catch (e) {
      this.fail(e);
    }
  }

  private modelOptions(): ModelOption[] {
    const caps = this.caps!;
    const options: ModelOption[] = [];
    const reason = (importer: 'tfjs' | 'onnx'): string | undefined =>
      caps.importers[importer].available
        ? undefined
        : (caps.importers[importer].reason ?? 'importer unavailable');
    // MNIST first (its samples are digits), then Fashion-MNIST, then anything else in the zoo.
    const rank = (name: string): number =>
      name === 'mnist' ? 0 : name === 'fashion-mnist' ? 1 : 2;
    for (const m of [...this.zoo].sort((a, b) => rank(a.name) - rank(b.name))) {
      const title =
        m.name === 'mnist'
          ? 'MNIST CNN'
          : m.name === 'fashion-mnist'
            ? 'Fashion-MNIST CNN'
            : m.name;
      const pair: ModelOption[] = [];
      if (m.modelJson)
        pair.push({
          value: `zoo:${m.name}:tfjs`,
          label: `${title} · tfjs LayersModel`,
          ...optional(reason('tfjs')),
        });
      if (m.onnx)
        pair.push({
          value: `zoo:${m.name}:onnx`,
          label: `${title} · ONNX`,
          ...optional(reason('onnx')),
        });
      options.push(...pair);
    }
    options.push({ value: 'builtin', label: 'built-in CNN (untrained)' });
    if (this.uploaded && this.uploaded.kind !== 'builtin')
      options.push({ value: 'upload', label: `uploaded: ${this.uploaded.label}` });
    return options;
  }

  private sourceOf(value: string): { source: ModelSource; zoo?: ZooCatalogEntry } {
    if (value === 'builtin') return { source: { kind: 'builtin' } };
    if (value === 'upload' && this.uploaded) return { source: this.uploaded };
    const [, name, format] = value.split(':');
    const zoo = this.zoo.find((m) => m.name === name);
    if (!zoo) throw new Error(`unknown model '${value}'`);
    const title = `${zoo.name} (${format === 'onnx' ? 'ONNX' : 'tfjs'})`;
    const source: ModelSource =
      format === 'onnx'
        ? { kind: 'onnx-url', label: title, url: zoo.onnx! }
        : { kind: 'tfjs-url', label: title, url: zoo.modelJson! };
    return { source, zoo };
  }

  private async loadSelected(): Promise<void> {
    await this.load(this.controls.modelSelect.value);
  }

  private async load(value: string): Promise<void> {
    this.setState('loading');
    this.banner.hide();
    try {
      const { source, zoo } = this.sourceOf(value);
      const importer = importerOf(source);
      if (importer && !this.caps!.importers[importer].available)
        throw new Error(
          this.caps!.importers[importer].reason ?? `the ${importer} importer is unavailable`,
        );
      this.progress.start(
        `loading ${source.kind === 'builtin' ? 'the built-in network' : source.label}…`,
      );
      const info = await this.client.load(source);
      this.model = info;
      this.layout = inputLayout(info.inputShape);
      this.classNames =
        zoo?.classNames ??
        (zoo ? KNOWN_CLASS_NAMES[zoo.name] : undefined) ??
        Array.from({ length: info.classes }, (_, i) => String(i));
      this.controls.setClasses(this.classNames);
      this.controls.modelNote.textContent = `${info.name}: input [${info.inputShape.join(', ')}], ${info.classes} classes, ${info.layers.length} layers${info.removedSoftmax ? ', softmax removed' : ''}`;
      this.results.setModel(info.layers.length, info.summary);
      this.draw.resize(this.layout.width, this.layout.height);
      await this.setSamples(zoo);
      await this.explain();
    } catch (e) {
      this.fail(e);
    }
  }

  private async setSamples(zoo: ZooCatalogEntry | undefined): Promise<void> {
    const { width, height } = this.layout;
    const buttons: HTMLElement[] = [];
    const thumb = (
      label: string,
      testId: string,
      paint: () => Promise<void>,
      preview: HTMLCanvasElement | ImageBitmap,
    ): HTMLElement => {
      const canvas = el('canvas', { width, height });
      canvas.getContext('2d')!.drawImage(preview, 0, 0, width, height);
      const b = el(
        'button',
        { type: 'button', class: 'sample', title: label, 'data-testid': testId },
        canvas,
      );
      b.addEventListener('click', () => {
        void paint()
          .then(() => this.explain())
          .catch((e: unknown) => this.fail(e));
      });
      return b;
    };
    let initial: (() => void) | undefined;
    for (const [i, s] of (zoo?.samples ?? []).slice(0, 20).entries()) {
      const bitmap = await loadBitmap(s.url);
      const paint = async (): Promise<void> =>
        this.draw.drawImage(bitmap, bitmap.width, bitmap.height);
      const label =
        s.label !== undefined ? (this.classNames[Number(s.label)] ?? s.label) : undefined;
      buttons.push(
        thumb(label !== undefined ? `sample: ${label}` : 'sample', `sample-${i}`, paint, bitmap),
      );
      initial ??= () => this.draw.drawImage(bitmap, bitmap.width, bitmap.height);
    }
    // Typed digits when a digit model brings no samples of its own (and for the built-in network).
    const digits = (zoo?.samples.length ?? 0) === 0 && zoo?.name !== 'fashion-mnist';
    if (digits) {
      for (const d of ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) {
        const c = typedDigit(d, width, height);
        buttons.push(
          thumb(
            `typed digit ${d}`,
            `digit-${d}`,
            async () => this.draw.drawImage(c, width, height),
            c,
          ),
        );
      }
      initial ??= () => this.draw.drawImage(typedDigit('3', width, height), width, height);
    }
    this.controls.samples.replaceChildren(...buttons);
    initial?.();
  }

  private async uploadModel(): Promise<void> {
    const files = this.controls.modelUpload.files;
    if (!files || files.length === 0) return;
    try {
      this.uploaded = await readModelUpload(files);
      this.controls.setModels(this.modelOptions(), 'upload');
      await this.load('upload');
    } catch (e) {
      this.fail(e);
    }
  }

  private async uploadImage(): Promise<void> {
    const file = this.controls.imageUpload.files?.[0];
    if (!file) return;
    try {
      const bitmap = await loadBitmap(file);
      this.draw.drawImage(bitmap, bitmap.width, bitmap.height);
      await this.explain();
    } catch (e) {
      this.fail(e);
    }
  }

  private currentInput(): Float32Array {
    return pixelsToInput(this.draw.pixels(), this.layout, this.controls.invertBox.box.checked);
  }

  /** Explains the current input with the current settings (`bbp`: only recompute BBp, for the slider). */
  async explain(what: 'full' | 'bbp' = 'full'): Promise<void> {
    if (!this.model) return;
    if (this.busy) {
      this.again = this.again === 'full' || what === 'full' ? 'full' : 'bbp';
      return;
    }
    this.busy = true;
    this.setState('running');
    this.banner.hide();
    try {
      const v = this.controls.values();
      const bbpOnly = what === 'bbp' && this.last !== undefined;
      const x = bbpOnly ? this.last!.x : this.currentInput();
      const params: ExplainParams = {
        backend: v.backend,
        input: { data: x, shape: [1, ...this.model.inputShape] },
        target: v.target,
        methods: bbpOnly ? ['bbp'] : v.methods,
        rules: v.rules,
        igSteps: v.igSteps,
        igMethod: v.igMethod,
        smoothGradSamples: v.smoothGradSamples,
        skipFirst: Number(this.results.skipSlider.value),
      };
      this.progress.start(`explaining on ${v.backend}…`);
      const started = performance.now();
      const r = await this.client.explain(params, (p) => this.progress.update(p));
      const merged = bbpOnly ? mergeBbp(this.last!.result, r) : r;
      this.last = { result: merged, x };
      this.results.render(merged, x, this.layout, this.classNames, this.model.label);
      this.progress.finish(
        `done in ${((performance.now() - started) / 1000).toFixed(2)} s on ${r.backend}`,
      );
      document.body.dataset.runs = String(Number(document.body.dataset.runs ?? '0') + 1);
      this.setState('ready');
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = false;
      const next = this.again;
      this.again = null;
      if (next) void this.explain(next);
    }
  }

  /** The backend chosen in the menu (for tests and the console). */
  get backend(): BackendId {
    return this.controls.values().backend;
  }
}

function optional(reason: string | undefined): { disabledReason?: string } {
  return reason === undefined ? {} : { disabledReason: reason };
}

/** A BBp-only result merged into the full one it updates. */
function mergeBbp(full: DemoResult, bbp: DemoResult): DemoResult {
  return {
    ...full,
    bbp: bbp.bbp,
    total: bbp.total,
    layers: bbp.layers,
    skipFirst: bbp.skipFirst,
    decomposition: {
      ...full.decomposition,
      selectedBias: bbp.decomposition.selectedBias,
      bbpSum: bbp.decomposition.bbpSum,
      bbpResidual: bbp.decomposition.bbpResidual,
    },
    timings: [
      ...full.timings.filter((t) => !t.method.startsWith('BBp')),
      ...bbp.timings.filter((t) => t.method.startsWith('BBp')),
    ],
  };
}
