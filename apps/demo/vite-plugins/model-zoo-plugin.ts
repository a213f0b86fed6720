// Serves the trained models of packages/model-zoo under /models/ during `vite dev` and `vite
// preview`-able builds, with a generated catalogue /models/index.json, and copies them into the
// build output so the built demo is self-contained.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { Plugin } from 'vite';
import type { ZooCatalogEntry } from '../src/models/zoo-catalog.js';

const SERVED_EXTENSIONS = new Set(['.json', '.bin', '.onnx', '.png', '.npy', '.md']);

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (SERVED_EXTENSIONS.has(extname(name))) out.push(p);
  }
  return out;
}

function readClassNames(dir: string): string[] | undefined {
  const card = join(dir, 'card.json');
  if (!existsSync(card)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(card, 'utf8')) as {
      classNames?: unknown;
      classes?: unknown;
    };
    const names = parsed.classNames ?? parsed.classes;
    return Array.isArray(names) && names.every((n) => typeof n === 'string') ? names : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the label from names like `3.png`, `label-3_0.png`, `07_label3.png`, `sample-0-label-7.png`. */
function labelFromName(file: string): string | undefined {
  const m = /label[-_]?(\d+)/i.exec(file) ?? /^(\d+)(?:[-_]\d+)?\.png$/i.exec(file);
  return m?.[1];
}

/** Builds the catalogue of the models found under `root`. */
export function buildCatalog(root: string, base = '/models'): ZooCatalogEntry[] {
  if (!existsSync(root)) return [];
  const entries: ZooCatalogEntry[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!statSync(dir).isDirectory()) continue;
    const hasJson = existsSync(join(dir, 'model.json'));
    const hasOnnx = existsSync(join(dir, 'model.onnx'));
    if (!hasJson && !hasOnnx) continue;
    const samplesDir = join(dir, 'samples');
    const samples = existsSync(samplesDir)
      ? walk(samplesDir)
          .filter((p) => p.endsWith('.png'))
          .sort()
          .map((p) => {
            const rel = relative(dir, p).split(sep).join('/');
            const label = labelFromName(p.split(sep).pop()!);
            return { url: `${base}/${name}/${rel}`, ...(label !== undefined ? { label } : {}) };
          })
      : [];
    const classNames = readClassNames(dir);
    entries.push({
      name,
      ...(hasJson ? { modelJson: `${base}/${name}/model.json` } : {}),
      ...(hasOnnx ? { onnx: `${base}/${name}/model.onnx` } : {}),
      ...(classNames ? { classNames } : {}),
      samples,
    });
  }
  return entries;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.npy': 'application/octet-stream',
  '.png': 'image/png',
  '.md': 'text/markdown; charset=utf-8',
};

/**
 * A Vite plugin that exposes `modelsDir` (packages/model-zoo/models) at `/models/`: served from
 * disk by the dev server, copied into `<outDir>/models/` by `vite build`, and listed in
 * `/models/index.json`. A missing directory gives an empty catalogue, so the demo still builds.
 */
export function modelZooPlugin(modelsDir: string): Plugin {
  const root = resolve(modelsDir);
  let outDir = 'dist';
  return {
    name: 'biasprop-model-zoo',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use('/models', (req, res, next) => {
        const url = decodeURIComponent((req.url ?? '/').split('?')[0]!);
        if (url === '/index.json') {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify(buildCatalog(root)));
          return;
        }
        const file = resolve(root, `.${url}`);
        if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
          next();
          return;
        }
        res.setHeader('Content-Type', CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'models/index.json',
        source: JSON.stringify(buildCatalog(root)),
      });
    },
    writeBundle() {
      if (!existsSync(root)) return;
      for (const file of walk(root)) {
        const target = join(outDir, 'models', relative(root, file));
        mkdirSync(resolve(target, '..'), { recursive: true });
        copyFileSync(file, target);
      }
    },
  };
}
