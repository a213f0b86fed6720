#!/usr/bin/env bash
# Installs what a fresh machine lacks for biasprop's tests: Debian packages (Chromium for the
# browser backends and the demo, Vulkan for ONNX Runtime WebGPU, the official ONNX node test
# data, Fashion-MNIST for `biasprop eval bias-matters`, PyTorch and ONNX for Python to test the
# GPU check's op-by-op runner on the CPU) and pnpm 12.4.2. Idempotent: installs only what is missing.
set -euo pipefail

APT_PACKAGES=(chromium libvulkan1 libonnx-testdata dataset-fashion-mnist python3-torch python3-onnx)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "12.4.2" ]; then
  npm install -g pnpm@12.4.2
fi
