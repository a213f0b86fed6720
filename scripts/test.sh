#!/usr/bin/env bash
# The README's test command: install what a fresh machine lacks (Debian packages, pnpm), install
# dependencies, then typecheck, lint, check formatting and test every package, and run the release
# checks.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip
bash scripts/install-system-deps.sh
pnpm install --frozen-lockfile
pnpm typecheck
pnpm lint
pnpm format:check

# Every package's vitest run; the closing line adds up their counts.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
pnpm test 2>&1 | tee "$log"
# Sums "<n> <word>" over every package's vitest "Tests" line (0 when none: grep finding nothing is fine).
count() {
  sed -e 's/\x1b\[[0-9;]*m//g' "$log" | { grep -E '^\S+:test:\s+Tests\s' || true; } |
    { grep -oE "[0-9]+ $1" || true; } | awk '{s+=$1} END {print s+0}'
}
passed=$(count passed)
failed=$(count failed)
skipped=$(count skipped)

pnpm release:check
pnpm run docs
echo "$passed passed, $failed failed, $skipped skipped"
