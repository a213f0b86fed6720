#!/usr/bin/env bash
# Explains the bundled MNIST model's sample digits with `biasprop explain` into ./biasprop-out
# (relative to where you run this) and prints the short table: input, predicted class, f(x),
# w·x, b and the completeness residual. Installs what is missing first: pnpm 12.4.2 (via npm)
# and the workspace's dependencies. Extra arguments go to `biasprop explain`, e.g.
#   scripts/explain.sh --method gradient,bbp --rule contribution,signed --backend tfjs-wasm
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CALLER="$(pwd)"

if ! command -v pnpm >/dev/null 2>&1; then
  echo "explain.sh: installing pnpm 12.4.2 with npm" >&2
  npm install -g pnpm@12.4.2 >&2
fi

# onnxruntime-node's install script downloads CUDA binaries; the CPU provider ships in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -e "$ROOT/packages/cli/node_modules/@biasprop/core" ] || [ ! -e "$ROOT/node_modules/.modules.yaml" ]; then
  echo "explain.sh: pnpm install" >&2
  (cd "$ROOT" && pnpm install --frozen-lockfile >&2)
fi

ZOO="$ROOT/packages/model-zoo/models/mnist"
MODEL="$ZOO/model.onnx"
SAMPLES="$ZOO/samples"
if [ ! -f "$MODEL" ]; then
  # The model zoo has no trained MNIST model yet: use a small untrained demo network instead.
  DEMO="${TMPDIR:-/tmp}/biasprop-demo-mnist"
  if [ ! -f "$DEMO/model.onnx" ]; then
    (cd "$ROOT/packages/cli" && node --conditions=@biasprop/source --import tsx scripts/make-demo-model.ts "$DEMO" >&2)
  fi
  echo "explain.sh: packages/model-zoo/models/mnist is not there yet; using the untrained demo network in $DEMO" >&2
  MODEL="$DEMO/model.onnx"
  SAMPLES="$DEMO/samples"
fi

# The sample digits as PNG (the zoo also ships the same digits as .npy).
shopt -s nullglob
INPUTS=("$SAMPLES"/*.png)
if [ ${#INPUTS[@]} -eq 0 ]; then INPUTS=("$SAMPLES"); fi

cd "$CALLER"
exec node "$ROOT/packages/cli/bin/biasprop.js" explain "$MODEL" "${INPUTS[@]}" --out ./biasprop-out "$@"
