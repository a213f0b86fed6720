#!/usr/bin/env node
// The `biasprop` executable. From a build (dist/cli.js) it runs the compiled code; in the
// workspace without a build it runs the TypeScript sources through tsx with the
// "@biasprop/source" export condition (workspace packages resolve to their src/).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli.js');
const source = join(root, 'src', 'cli.ts');
// Inside the biasprop repository the sources are the truth (a dist/ there may be stale).
const inWorkspace = existsSync(join(root, '..', '..', 'pnpm-workspace.yaml')) && existsSync(source);
const preferSource = process.env.BIASPROP_CLI_SOURCE === '1' || inWorkspace || !existsSync(built);

if (!preferSource) {
  await import(pathToFileURL(built).href);
} else if (!existsSync(source)) {
  process.stderr.write(
    `biasprop: error: neither ${built} nor ${source} exists; reinstall @biasprop/cli\n`,
  );
  process.exit(1);
} else {
  let tsx;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    process.stderr.write(
      "biasprop: error: the CLI is not built and 'tsx' is not installed; run 'pnpm install' and 'pnpm --filter @biasprop/cli build'\n",
    );
    process.exit(1);
  }
  const result = spawnSync(
    process.execPath,
    ['--conditions=@biasprop/source', '--import', tsx, source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  if (result.error) {
    process.stderr.write(`biasprop: error: could not start node (${result.error.message})\n`);
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}
