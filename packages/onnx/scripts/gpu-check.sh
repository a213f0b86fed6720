#!/usr/bin/env bash
# GPU check for the ONNX Runtime backend. On a machine with an NVIDIA GPU it
#   1. runs the backend test suites on onnxruntime-node's CUDA provider (the `ort-cuda` cases;
#      they print why they skip when onnxruntime-node's CUDA libraries are not installed), and
#   2. runs the exported attribution graphs (prepared by scripts/gpu-check-prepare.ts) on
#      onnxruntime-node's GPU providers — cuda where installed, webgpu where Dawn finds an adapter
#      (scripts/gpu-check-ort.mjs: needs only Node and onnxruntime-node) — and
#   3. with any ONNX Runtime for Python that has CUDA there (onnxruntime-gpu), or else with
#      PyTorch on CUDA op by op (scripts/gpu_check.py, scripts/onnx_torch.py),
#   printing the max error against the float64 reference and the timings against the CPU provider.
# Without a GPU (no nvidia-smi) it prints why it skipped and exits 0.
#
# Environment: GPU_CHECK_DATA=<dir> uses an already prepared folder (default: prepare into
# packages/onnx/.gpu-check when Node and the workspace's node_modules are there, else use it as is);
# GPU_CHECK_NODE_MODULES=<dirs> (colon-separated) where onnxruntime-node is, without a workspace install;
# GPU_CHECK_NODE_TIMEOUT=<s> bounds the onnxruntime-node step (default 600 s), so a provider that hangs
# cannot keep the Python step from running.
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
  echo "== no workspace install here (node or packages/onnx/node_modules missing): skipping the ort-cuda cases of the test suites =="
fi

# 2. and 3. The exported attribution graphs on onnxruntime-node and on Python.
if [ -z "${GPU_CHECK_DATA:-}" ] && [ "$have_node" = 1 ] && [ ! -f "$data/manifest.json" ]; then
  echo "== preparing exported attribution graphs into $data =="
  (cd "$pkg" && npx tsx --conditions=@biasprop/source scripts/gpu-check-prepare.ts "$data") || status=1
fi
if [ ! -f "$data/manifest.json" ]; then
  echo "gpu-check: no prepared graphs at $data (run scripts/gpu-check-prepare.ts where Node is available and copy the folder)"
  exit $status
fi
if command -v node >/dev/null 2>&1; then
  echo "== exported attribution graphs on onnxruntime-node (cpu vs cuda and webgpu) =="
  limit=()
  if command -v timeout >/dev/null 2>&1; then limit=(timeout "${GPU_CHECK_NODE_TIMEOUT:-600}"); fi
  "${limit[@]}" node "$here/gpu-check-ort.mjs" "$data" || status=1
else
  echo "== no node here: skipping the exported graphs on onnxruntime-node =="
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "gpu-check: skipped the Python check of the exported graphs: no python3"
  exit $status
fi
echo "== exported attribution graphs on Python onnxruntime (CPU vs CUDA) =="
python3 "$here/gpu_check.py" "$data" || status=1
exit $status
