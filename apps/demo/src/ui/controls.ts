// The control panel: model, input, backend, target, methods, IG and BBp settings.
import type { BuiltinBbpRule, IgMethod, Target } from '@biasprop/core';
import { BUILTIN_BBP_RULES, IG_QUADRATURES } from '@biasprop/core';
import type { BackendId } from '../backends/backend-catalog.js';
import { BACKENDS, isBackendId } from '../backends/backend-catalog.js';
import type { Capabilities, DemoMethod } from '../worker/protocol.js';
import { el } from './dom.js';

/** A model choice of the model menu. */
export interface ModelOption {
  readonly value: string;
  readonly label: string;
  readonly disabledReason?: string;
}

/** The settings an explanation needs, as the controls hold them. */
export interface ControlValues {
  readonly backend: BackendId;
  readonly target: Target;
  readonly methods: readonly DemoMethod[];
  readonly rules: readonly BuiltinBbpRule[];
  readonly igSteps: number;
  readonly igMethod: IgMethod;
  readonly smoothGradSamples: number;
}

const METHOD_LABELS: readonly [DemoMethod, string][] = [
  ['gradient', 'gradient w'],
  ['inputXGradient', 'gradient × input'],
  ['integratedGradients', 'Integrated Gradients'],
  ['bbp', 'BBp and total'],
  ['smoothGrad', 'SmoothGrad of w'],
];

const QUADRATURE_LABELS: Readonly<Record<IgMethod, string>> = {
  gaussLegendre: 'Gauss–Legendre',
  riemannLeft: 'Riemann left',
  riemannRight: 'Riemann right',
  riemannMiddle: 'Riemann middle',
  riemannTrapezoid: 'trapezoid',
  exact: 'exact (ReLU/max-pool models)',
  adaptive: 'adaptive Gauss–Legendre',
};

function section(title: string, ...children: (Node | string)[]): HTMLElement {
  return el('section', { class: 'control' }, el('h2', {}, title), ...children);
}

function checkbox(
  label: string,
  checked: boolean,
  testId: string,
): { box: HTMLInputElement; element: HTMLElement } {
  const box = el('input', { type: 'checkbox', checked, 'data-testid': testId });
  return { box, element: el('label', { class: 'check' }, box, label) };
}

/** The control panel and its typed accessors. */
export class Controls {
  readonly element: HTMLElement;
  readonly modelSelect = el('select', { 'data-testid': 'model-select', 'aria-label': 'model' });
  readonly modelUpload = el('input', {
    type: 'file',
    accept: '.onnx,.json,.bin',
    multiple: true,
    hidden: true,
    'data-testid': 'model-upload',
  });
  readonly modelNote = el('p', { class: 'hint', 'data-testid': 'model-note' });
  readonly inputArea = el('div', { class: 'input-area' });
  readonly samples = el('div', { class: 'samples', 'data-testid': 'samples' });
  readonly clearButton = el('button', { type: 'button', 'data-testid': 'clear' }, 'Clear');
  readonly imageUpload = el('input', {
    type: 'file',
    accept: 'image/png,image/*',
    hidden: true,
    'data-testid': 'image-upload',
  });
  readonly invertBox = checkbox('invert', false, 'invert');
  readonly backendSelect = el('select', {
    'data-testid': 'backend-select',
    'aria-label': 'backend',
  });
  readonly backendNotes = el('ul', { class: 'backend-notes', 'data-testid': 'backend-notes' });
  readonly targetMode = el(
    'select',
    { 'data-testid': 'target-mode', 'aria-label': 'target' },
    el('option', { value: 'pred' }, 'predicted class'),
    el('option', { value: 'class' }, 'class'),
    el('option', { value: 'contrast' }, 'contrast t − s'),
  );
  readonly classA = el('select', { 'data-testid': 'target-class', 'aria-label': 'class t' });
  readonly classB = el('select', { 'data-testid': 'target-class-b', 'aria-label': 'class s' });
  readonly methodBoxes = new Map<DemoMethod, HTMLInputElement>();
  readonly ruleBoxes = new Map<BuiltinBbpRule, HTMLInputElement>();
  readonly igSteps = el('input', {
    type: 'number',
    min: 2,
    max: 512,
    step: 1,
    value: 50,
    'data-testid': 'ig-steps',
    'aria-label': 'IG points',
  });
  readonly smoothGradSamples = el('input', {
    type: 'number',
    min: 2,
    max: 200,
    step: 1,
    value: 25,
    'data-testid': 'smoothgrad-samples',
    'aria-label': 'SmoothGrad samples',
  });
  readonly igMethod = el('select', { 'data-testid': 'ig-method', 'aria-label': 'IG quadrature' });
  readonly autoBox = checkbox('explain as I draw', true, 'auto');
  readonly explainButton = el(
    'button',
    { type: 'button', class: 'primary', 'data-testid': 'explain' },
    'Explain',
  );

  constructor() {
    const methods = el('div', { class: 'checks' });
    for (const [m, label] of METHOD_LABELS) {
      // SmoothGrad costs a batch of noisy copies per explanation: off until asked for.
      const c = checkbox(label, m !== 'smoothGrad', `method-${m}`);
      this.methodBoxes.set(m, c.box);
      methods.append(c.element);
    }
    const rules = el('div', { class: 'checks' });
    for (const r of BUILTIN_BBP_RULES) {
      const c = checkbox(r, r === 'contribution' || r === 'signed', `rule-${r}`);
      this.ruleBoxes.set(r, c.box);
      rules.append(c.element);
    }
    for (const q of [...IG_QUADRATURES, 'exact', 'adaptive'] as const)
      this.igMethod.append(el('option', { value: q }, QUADRATURE_LABELS[q]));
    const classes = el(
      'div',
      { class: 'row target-classes' },
      this.classA,
      el('span', { class: 'minus' }, '−'),
      this.classB,
    );
    const syncTarget = (): void => {
      const mode = this.targetMode.value;
      classes.hidden = mode === 'pred';
      this.classB.hidden = mode !== 'contrast';
      classes.querySelector('.minus')!.toggleAttribute('hidden', mode !== 'contrast');
    };
    this.targetMode.addEventListener('change', syncTarget);
    syncTarget();

    this.element = el(
      'aside',
      { class: 'controls' },
      section(
        'Model',
        this.modelSelect,
        el(
          'div',
          { class: 'row' },
          el(
            'label',
            {
              class: 'button',
              title: 'an .onnx file, or a tfjs model.json with its .bin weight files',
            },
            'Upload model…',
            this.modelUpload,
          ),
          el('span', { class: 'hint inline' }, '.onnx or model.json + .bin'),
        ),
        this.modelNote,
      ),
      section(
        'Input',
        this.inputArea,
        this.samples,
        el(
          'div',
          { class: 'row' },
          this.clearButton,
          el('label', { class: 'button' }, 'Upload PNG…', this.imageUpload),
          this.invertBox.element,
          this.autoBox.element,
        ),
      ),
      section('Backend', this.backendSelect, this.backendNotes),
      section('Explain', el('div', { class: 'row' }, this.targetMode), classes),
      section('Methods', methods),
      section(
        'Integrated Gradients',
        el('div', { class: 'row' }, el('label', {}, 'points ', this.igSteps), this.igMethod),
      ),
      section('BBp rules', rules),
      section(
        'SmoothGrad',
        el('div', { class: 'row' }, el('label', {}, 'noisy copies ', this.smoothGradSamples)),
        el('p', { class: 'hint' }, 'σ = 15% of the input’s range, seed 0'),
      ),
      this.explainButton,
    );
  }

  /** Fills the backend menu; unavailable backends are disabled and their reasons listed. */
  setBackends(caps: Capabilities, preferred?: BackendId): void {
    this.backendSelect.replaceChildren();
    this.backendNotes.replaceChildren();
    for (const b of BACKENDS) {
      const a = caps.backends[b.id];
      this.backendSelect.append(
        el(
          'option',
          { value: b.id, disabled: !a.available, title: a.reason },
          a.available ? b.label : `${b.label} (unavailable)`,
        ),
      );
      if (!a.available)
        this.backendNotes.append(
          el(
            'li',
            { 'data-backend': b.id },
            el('strong', {}, b.label),
            `: ${a.reason ?? 'unavailable'}`,
          ),
        );
    }
    const first = BACKENDS.find((b) => caps.backends[b.id].available);
    const pick = preferred && caps.backends[preferred].available ? preferred : first?.id;
    if (pick) this.backendSelect.value = pick;
  }

  /** Fills the model menu. */
  setModels(options: readonly ModelOption[], selected: string): void {
    this.modelSelect.replaceChildren(
      ...options.map((o) =>
        el(
          'option',
          { value: o.value, disabled: o.disabledReason !== undefined, title: o.disabledReason },
          o.disabledReason ? `${o.label} (unavailable)` : o.label,
        ),
      ),
    );
    this.modelSelect.value = selected;
  }

  /** Fills the class menus with the model's classes. */
  setClasses(names: readonly string[]): void {
    const options = (): HTMLOptionElement[] =>
      names.map((n, i) => el('option', { value: i }, n === String(i) ? n : `${i} · ${n}`));
    this.classA.replaceChildren(...options());
    this.classB.replaceChildren(...options());
    if (names.length > 1) this.classB.value = '1';
  }

  /** The current settings. */
  values(): ControlValues {
    const backend = this.backendSelect.value;
    if (!isBackendId(backend)) throw new Error('no backend can run in this browser');
    const a = Number(this.classA.value);
    const b = Number(this.classB.value);
    const mode = this.targetMode.value;
    const target: Target =
      mode === 'class' ? a : mode === 'contrast' ? { contrast: [a, b] } : 'pred';
    const steps = Math.round(Number(this.igSteps.value));
    if (!Number.isFinite(steps) || steps < 2 || steps > 512)
      throw new Error('IG points must be a whole number from 2 to 512');
    const samples = Math.round(Number(this.smoothGradSamples.value));
    if (!Number.isFinite(samples) || samples < 2 || samples > 200)
      throw new Error('SmoothGrad noisy copies must be a whole number from 2 to 200');
    return {
      backend,
      target,
      methods: [...this.methodBoxes].filter(([, box]) => box.checked).map(([m]) => m),
      rules: [...this.ruleBoxes].filter(([, box]) => box.checked).map(([r]) => r),
      igSteps: steps,
      igMethod: this.igMethod.value as IgMethod,
      smoothGradSamples: samples,
    };
  }
}
