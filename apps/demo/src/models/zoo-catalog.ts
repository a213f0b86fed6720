// The bundled models, as listed by the model-zoo Vite plugin at /models/index.json.

/** One model of the catalogue. */
export interface ZooCatalogEntry {
  /** Directory name under models/ (`mnist`, `fashion-mnist`). */
  readonly name: string;
  /** URL of the tfjs LayersModel topology (its weights sit next to it), if present. */
  readonly modelJson?: string;
  /** URL of the ONNX export, if present. */
  readonly onnx?: string;
  /** Class names from card.json, when it lists them. */
  readonly classNames?: readonly string[];
  /** Sample inputs (PNG) with their label where known. */
  readonly samples: readonly { readonly url: string; readonly label?: string }[];
}

/** Class names of the zoo models when their card does not list them. */
export const KNOWN_CLASS_NAMES: Readonly<Record<string, readonly string[]>> = {
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  'fashion-mnist': [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ],
};

/**
 * Fetches the catalogue of bundled models (empty when the build has none).
 *
 * @example
 * ```ts
 * const zoo = await fetchCatalog();
 * ```
 */
export async function fetchCatalog(base = import.meta.env.BASE_URL): Promise<ZooCatalogEntry[]> {
  const res = await fetch(`${base.replace(/\/$/, '')}/models/index.json`);
  if (!res.ok) return [];
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return [];
  return (await res.json()) as ZooCatalogEntry[];
}
