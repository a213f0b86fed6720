// Writes models/tiny-cnn.json (the tiny CNN of src/sample-models.ts in the layer-list format), one
// layer per line. Run with `pnpm --filter @biasprop/example-custom-adapter models`.
import { writeFileSync } from 'node:fs';
import { tinyCnnModel } from '../src/sample-models.js';

const { layers, ...header } = tinyCnnModel();
const head = Object.entries(header).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
const body = layers.map((l) => `    ${JSON.stringify(l)}`).join(',\n');
const text = `{\n${head.join(',\n')},\n  "layers": [\n${body}\n  ]\n}\n`;
writeFileSync(new URL('../models/tiny-cnn.json', import.meta.url), text);
console.log(`wrote models/tiny-cnn.json (${text.length} bytes)`);
