#!/usr/bin/env node
// Shows what every published package would put in its npm tarball (`pnpm pack --dry-run --json`)
// and fails when something that must not ship is inside: tests, test fixtures, ONNX/protobuf model
// files, model weights (the model zoo's, or third-party ones), or when an export target is missing.
//
//   node scripts/check-pack.mjs            every non-private package under packages/
//   node scripts/check-pack.mjs --list     … and print every file
//   node scripts/check-pack.mjs packages/core packages/cli
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const list = args.includes('--list');
const dirs = args.filter((a) => !a.startsWith('--'));

/** What must never be published, with the reason printed on a match. */
const FORBIDDEN = [
  [
    /(^|\/)(test|tests|__tests__|__fixtures__|fixtures|testdata|test-data)\//,
    'test code or test fixtures',
  ],
  [/\.(test|spec)\.[cm]?[jt]sx?$/, 'a test file'],
  [/\.onnx$/i, 'an ONNX model'],
  [/\.(pb|pbtxt|ort)$/i, 'a protobuf / ORT model or tensor'],
  [/\.(bin|h5|hdf5|keras|pt|pth|ckpt|safetensors|tflite|npz)$/i, 'model weights'],
  [/(^|\/)group\d+-shard\d+of\d+/, 'tfjs weight shards'],
  [/(^|\/)(model|weights)\.json$/i, 'a model topology / weights manifest'],
  [/(^|\/)model-zoo\//, 'model-zoo content'],
  [/\.(npy|idx\d?-ubyte|gz)$/i, 'a data file'],
  [/(^|\/)\.(env|npmrc)$/, 'local configuration'],
];
/**
 * Paths a package may publish although a rule above matches, with why. The conformance suite's
 * fixture networks are its product: code that builds seeded graphs, no data files.
 */
const ALLOWED = {
  '@biasprop/conformance': [/^(src|dist)\/fixtures\/[^/]+\.(ts|js|d\.ts|js\.map|d\.ts\.map)$/],
};
/** A tarball larger than this is suspicious (weights or data slipped in). */
const MAX_BYTES = 8 * 1024 * 1024;

function publishedPackages() {
  const base = join(ROOT, 'packages');
  return readdirSync(base)
    .map((d) => join(base, d))
    .filter((d) => existsSync(join(d, 'package.json')))
    .filter((d) => !JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).private);
}

/** Export targets under the conditions consumers use (`types`, `import`, `default`, `require`). */
function exportTargets(exp, out = []) {
  if (typeof exp === 'string') out.push(exp);
  else if (exp && typeof exp === 'object')
    for (const [k, v] of Object.entries(exp)) {
      if (k.startsWith('.') || ['types', 'import', 'default', 'require', 'node'].includes(k))
        exportTargets(v, out);
    }
  return out;
}

function packList(dir) {
  const out = execFileSync('pnpm', ['pack', '--dry-run', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const json = JSON.parse(out.slice(out.indexOf('{')));
  return { name: json.name, version: json.version, files: json.files.map((f) => f.path) };
}

function summarize(files) {
  const groups = new Map();
  for (const f of files) {
    const parts = f.split('/');
    const key =
      parts.length > 2 ? `${parts[0]}/${parts[1]}/` : parts.length === 2 ? `${parts[0]}/` : f;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([k, n]) => (n > 1 || k.endsWith('/') ? `${k} (${n})` : k)).join(', ');
}

let failed = 0;
for (const dir of dirs.length ? dirs.map((d) => join(ROOT, d)) : publishedPackages()) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const { name, version, files } = packList(dir);
  const problems = [];
  const allowed = ALLOWED[name] ?? [];
  for (const f of files) {
    if (allowed.some((re) => re.test(f))) continue;
    for (const [re, what] of FORBIDDEN) if (re.test(f)) problems.push(`${f}: ${what}`);
  }
  const bytes = files.reduce(
    (s, f) => s + (existsSync(join(dir, f)) ? statSync(join(dir, f)).size : 0),
    0,
  );
  if (bytes > MAX_BYTES)
    problems.push(`unpacked size ${(bytes / 1e6).toFixed(1)} MB > ${MAX_BYTES / 1e6} MB`);
  const has = new Set(files);
  for (const must of ['package.json', 'README.md'])
    if (!has.has(must)) problems.push(`${must} is missing`);
  for (const t of exportTargets(pkg.exports ?? {})) {
    const p = t.replace(/^\.\//, '');
    if (!p.includes('*') && !has.has(p))
      problems.push(`export target ${t} is not in the tarball (not built?)`);
  }
  for (const b of Object.values(typeof pkg.bin === 'string' ? { b: pkg.bin } : (pkg.bin ?? {}))) {
    if (!has.has(b.replace(/^\.\//, ''))) problems.push(`bin ${b} is not in the tarball`);
  }
  const status = problems.length ? 'FAIL' : 'ok';
  console.log(
    `${status.padEnd(4)} ${name}@${version} (${relative(ROOT, dir)}): ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB unpacked`,
  );
  console.log(`     ${summarize(files)}`);
  if (list) for (const f of files) console.log(`       ${f}`);
  for (const p of problems) console.log(`     ✗ ${p}`);
  if (problems.length) failed++;
}
if (failed) {
  console.error(`check-pack: ${failed} package(s) would publish what they must not (see ✗ above)`);
  process.exit(1);
}
console.log('check-pack: every published package is clean');
