#!/usr/bin/env bash
# The README's test command: install dependencies, then typecheck, lint and test every package.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip
pnpm install --frozen-lockfile
pnpm typecheck
pnpm lint
pnpm test
pnpm release:check
pnpm run docs
