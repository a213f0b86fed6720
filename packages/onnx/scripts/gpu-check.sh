#!/usr/bin/env bash
# GPU check for the ONNX Runtime backend. On a machine with an NVIDIA GPU it
#   1. runs the backend test suites on onnxruntime-node's CUDA provider (the `ort-cuda` cases;
#      they print why they skip when onnxruntime-node's CUDA libraries are not installed), and
#   2. runs the exported attribution graphs (prepared by scripts/gpu-check-prepare.ts) with any
#      ONNX Runtime that has CUDA there — Python onnxruntime-gpu — printing the max error against
#      the float64 reference and the timings against the CPU provider.
# Without a GPU (no nvidia-smi) it prints why it skipped and exits 0.
#
# Environment: GPU_CHECK_DATA=<dir> uses an already prepared folder (default: prepare into
# packages/onnx/.gpu-check when Node and the workspace's node_modules are there, else use it as is).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pkg="$(cd "$here/.." && pwd)"
data="${GPU_CHECK_DATA:-$pkg/.gpu-check}"

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-check: skipped: no NVIDIA GPU here (nvidia-smi not found)"
  exit 0
fi
if ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu-check: skipped: nvidia-smi found but lists no GPU: $(nvidia-smi -L 2>&1 | head -1)"
  exit 0
fi
echo "gpu-check: $(nvidia-smi -L | head -1)"
status=0

have_node=0
if command -v node >/dev/null 2>&1 && [ -d "$pkg/node_modules/onnxruntime-node" ]; then have_node=1; fi

# 1. onnxruntime-node's CUDA provider (needs its CUDA binaries, which `ONNXRUNTIME_NODE_INSTALL=skip` leaves out).
if [ "$have_node" = 1 ]; then
  echo "== onnxruntime-node CUDA provider: backend kernel and explain() suites (ort-cuda cases) =="
  (cd "$pkg" && npx vitest run test/backend/kernels.test.ts test/backend/explain-vs-reference.test.ts -t "ort-cuda" 2>&1 | grep -E "ort-cuda|Tests|skipped|passed|failed" | head -20) || status=1
else
  echo "== onnxruntime-node: not available here (no node or no node_modules); skipping the Node CUDA run =="
fi

# 2. The exported attribution graphs on Python onnxruntime-gpu.
if [ -z "${GPU_CHECK_DATA:-}" ] && [ "$have_node" = 1 ] && [ ! -f "$data/manifest.json" ]; then
  echo "== preparing exported attribution graphs into $data =="
  (cd "$pkg" && npx tsx --conditions=@biasprop/source scripts/gpu-check-prepare.ts "$data") || status=1
fi
if [ ! -f "$data/manifest.json" ]; then
  echo "gpu-check: no prepared graphs at $data (run scripts/gpu-check-prepare.ts where Node is available and copy the folder)"
  exit $status
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "gpu-check: skipped the exported-graph check: no python3"
  exit $status
fi
echo "== exported attribution graphs on Python onnxruntime (CPU vs CUDA) =="
python3 "$here/gpu_check.py" "$data" || status=1
exit $status
