#!/usr/bin/env bash
# The README's test command: install what a fresh machine lacks (Debian packages, pnpm), install
# dependencies, then typecheck, lint and test every package, and run the release checks.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip
bash scripts/install-system-deps.sh
pnpm install --frozen-lockfile
pnpm typecheck
pnpm lint

# Every package's vitest run; the closing line adds up their counts.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
pnpm test 2>&1 | tee "$log"
strip() { sed -e 's/\x1b\[[0-9;]*m//g' "$log"; }
passed=$(strip | grep -E '^\S+:test:\s+Tests\s' | grep -oE '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
failed=$(strip | grep -E '^\S+:test:\s+Tests\s' | grep -oE '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
skipped=$(strip | grep -E '^\S+:test:\s+Tests\s' | grep -oE '[0-9]+ skipped' | awk '{s+=$1} END {print s+0}')

pnpm release:check
pnpm run docs
echo "$passed passed, $failed failed, $skipped skipped"
