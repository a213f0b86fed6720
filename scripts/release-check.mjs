#!/usr/bin/env node
// `pnpm release:check`: builds every published package (non-private, under packages/), then runs
// publint (strict), @arethetypeswrong/cli (`--pack --profile esm-only`: ESM-only packages, so the
// CommonJS resolutions are ignored) and scripts/check-pack.mjs on each. Exit code 1 when any fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = readdirSync(join(ROOT, 'packages'))
  .map((d) => join(ROOT, 'packages', d))
  .filter((d) => existsSync(join(d, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

function run(label, cmd, args, cwd = ROOT) {
  console.log(
    `\n▶ ${label}: ${cmd} ${args.join(' ')}${cwd === ROOT ? '' : `  (in ${relative(ROOT, cwd)})`}`,
  );
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: process.env });
  return r.status === 0;
}

const filters = packages.flatMap(({ pkg }) => ['--filter', pkg.name]);
if (
  !run('build', 'pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only', ...filters])
) {
  console.error('release:check: the build failed');
  process.exit(1);
}

const failures = [];
for (const { dir, pkg } of packages) {
  if (!run(`publint ${pkg.name}`, 'pnpm', ['exec', 'publint', '--strict'], dir))
    failures.push(`${pkg.name}: publint`);
  if (
    !run(`attw ${pkg.name}`, 'pnpm', ['exec', 'attw', '--pack', '.', '--profile', 'esm-only'], dir)
  )
    failures.push(`${pkg.name}: attw`);
}
if (!run('check-pack', 'node', ['scripts/check-pack.mjs'])) failures.push('check-pack');

console.log('');
if (failures.length) {
  console.error(`release:check: FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(
  `release:check: ${packages.map((p) => p.pkg.name).join(', ')}: publint, attw and check-pack passed`,
);
