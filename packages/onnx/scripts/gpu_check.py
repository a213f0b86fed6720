#!/usr/bin/env python3
"""Runs biasprop's exported attribution graphs on ONNX Runtime's CUDA provider and checks them.

Reads the folder written by scripts/gpu-check-prepare.ts (manifest.json, one folder per case with
model.onnx, inputs and float64 reference outputs), runs every model with CPUExecutionProvider
and CUDAExecutionProvider, and prints the max error against the reference (arrays: max|err| /
max|ref|; per-example scalars: relative to max(|f|, |w.x|, |b|)) and the timings (median).

Exit status: 0 when every output is within the manifest's tolerance (or when it skips: no
onnxruntime, no CUDA provider), 1 when an output is off.

Usage: python3 gpu_check.py [DATA_DIR] [--require-cuda]
"""
import json
import os
import statistics
import sys
import time

SCALARS = ("f", "wx", "b")
# The graph run in float64 against the float64 reference: its initializers are the reference's
# weights rounded to float32 (relative 6e-8, e.g. folded batch norms), so not 1e-12; a wrong
# operator or a flipped decision is far above this.
FLOAT64_TOL = 1e-6
NEAR_TIE = 1e-5  # a decision whose operands differ by less than this (relative) is a near tie
COMPARISONS = ("Greater", "Less", "Equal", "GreaterOrEqual", "LessOrEqual")


def load(root, case_dir, info):
    import numpy as np

    dtype = {"float32": np.float32, "float64": np.float64, "int64": np.int64}[info["dtype"]]
    return np.fromfile(os.path.join(root, case_dir, info["file"]), dtype=dtype).reshape(info["shape"])


def errors(outputs, refs):
    import numpy as np

    f, wx, b = refs["f"], refs["wx"], refs["b"]
    scale_scalar = float(np.max(np.maximum(np.maximum(np.abs(f), np.abs(wx)), np.abs(b))))
    result = {}
    for name, ref in refs.items():
        got = outputs[name].astype(np.float64)
        if got.shape != ref.shape:
            result[name] = float("inf")
            continue
        err = float(np.max(np.abs(got - ref))) if ref.size else 0.0
        scalar = name in SCALARS or name.startswith("bbp_sum_")
        scale = scale_scalar if scalar else float(np.max(np.abs(ref)))
        result[name] = err / scale if scale > 0 else err
    return result


def median_ms(session, feeds, min_runs=5, budget_s=2.0):
    session.run(None, feeds)
    times = []
    start = time.perf_counter()
    while len(times) < min_runs or (time.perf_counter() - start < budget_s and len(times) < 100):
        t = time.perf_counter()
        session.run(None, feeds)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    require_cuda = "--require-cuda" in sys.argv
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".gpu-check")
    try:
        import numpy as np  # noqa: F401
        import onnxruntime as ort
    except ImportError as e:
        print(f"gpu_check.py: no ONNX Runtime for Python here ({e})")
        return torch_fallback(root, require_cuda)
    providers = ort.get_available_providers()
    print(f"onnxruntime {ort.__version__}, available providers: {', '.join(providers)}")
    if "CUDAExecutionProvider" not in providers:
        print("gpu_check.py: this onnxruntime build has no CUDAExecutionProvider (onnxruntime-gpu is not installed)")
        return torch_fallback(root, require_cuda)
    with open(os.path.join(root, "manifest.json")) as fh:
        manifest = json.load(fh)
    tol = manifest.get("tolerance", 1e-4)
    # TF32 would round conv/matmul inputs to 10 mantissa bits: the contract is float32.
    cuda = ("CUDAExecutionProvider", {"use_tf32": 0, "cudnn_conv_algo_search": "DEFAULT"})
    failed = False
    rows = []
    for case in manifest["cases"]:
        model = os.path.join(root, case["model"])
        feeds = {k: load(root, case["dir"], v) for k, v in case["inputs"].items()}
        refs = {k: load(root, case["dir"], v) for k, v in case["references"].items()}
        row = {"case": case["name"]}
        for label, prov in (("cpu", ["CPUExecutionProvider"]), ("cuda", [cuda, "CPUExecutionProvider"])):
            opts = ort.SessionOptions()
            opts.log_severity_level = 3
            t = time.perf_counter()
            session = ort.InferenceSession(model, sess_options=opts, providers=prov)
            build_ms = (time.perf_counter() - t) * 1000
            names = [o.name for o in session.get_outputs()]
            outputs = dict(zip(names, session.run(None, feeds)))
            errs = errors(outputs, refs)
            worst = max(errs, key=errs.get)
            row[label] = {"ms": median_ms(session, feeds), "build_ms": build_ms, "err": errs[worst], "worst": worst}
            if errs[worst] > tol or errs[worst] != errs[worst]:
                failed = True
                bad = ", ".join(f"{k}={v:.2e}" for k, v in sorted(errs.items()) if not v <= tol)
                print(f"  {case['name']} on {label}: outputs beyond {tol:g}: {bad}")
        rows.append(row)
    print()
    print("| case | max error cpu (worst output) | max error cuda (worst output) | cpu ms | cuda ms | cpu ÷ cuda | cuda session build ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        c, g = r["cpu"], r["cuda"]
        print(
            f"| {r['case']} | {c['err']:.2e} ({c['worst']}) | {g['err']:.2e} ({g['worst']}) | {c['ms']:.2f} | {g['ms']:.2f} | "
            f"{c['ms'] / g['ms']:.1f}× | {g['build_ms']:.0f} |"
        )
    print()
    print("FAILED: some outputs are beyond the tolerance" if failed else f"OK: every output within {tol:g} of the float64 reference")
    return 1 if failed else 0


def _beyond(errs, tol):
    return ", ".join(f"{k}={v:.2e}" for k, v in sorted(errs.items()) if not v <= tol)


def first_decision_flips(model, graph32, graph64, feeds, show=3):
    """Where the float32 run's comparisons (ReLU masks, max-pool selections, predicted class)
    first differ from the float64 run's: per node the count and the largest float64 margin
    |a − b| / max|a| at a differing position. One flipped decision changes everything after it,
    so the first node is the one that tells rounding (a near tie) from a wrong operator."""
    import torch

    env32 = graph32.run_on_device(feeds, keep_all=True)
    env64 = graph64.run_on_device(feeds, keep_all=True)
    producer = {out: node for node in model.graph.node for out in node.output}
    lines, near_tie, seen = [], None, 0
    for node in model.graph.node:
        if node.op_type not in COMPARISONS:
            continue
        out = node.output[0]
        differ = env32[out] != env64[out]
        count = int(differ.sum().item())
        if count == 0:
            continue
        first = node.input[0]
        if first in producer and producer[first].op_type == "Relu":
            # A ReLU mask is `Relu(h) > 0`: the margin is h's distance from 0 (the ReLU output is
            # exactly 0 on one side).
            first = producer[first].input[0]
        a, b = env64[first], env64[node.input[1]]
        a, b = torch.broadcast_tensors(a, b)
        margin = (a - b).abs()[differ]
        scale = float(a.abs().max().item()) or 1.0
        rel = float(margin.max().item()) / scale if a.is_floating_point() else float("inf")
        if near_tie is None:
            near_tie = rel <= NEAR_TIE
        lines.append(f"{node.op_type} {node.name}: {count} of {differ.numel()} decisions differ from float64; "
                     f"largest relative margin there {rel:.1e}")
        seen += 1
        if seen >= show:
            break
    if not lines:
        lines.append("no comparison differs from the float64 run: the error is not a flipped decision")
    return {"lines": lines, "near_tie": bool(near_tie)}


class _TorchTimed:
    """Adapts a TorchGraph to median_ms: one call runs the graph and waits for the device; the
    inputs are uploaded and the outputs stay on the device, as in an ONNX Runtime session with
    device-bound outputs."""

    def __init__(self, graph, device):
        self.graph, self.device = graph, device

    def run(self, _names, feeds):
        import torch

        self.graph.run_on_device(feeds)
        if self.device == "cuda":
            torch.cuda.synchronize()


def torch_fallback(root, require_cuda):
    """Runs the exported graphs op by op with PyTorch on CUDA (scripts/onnx_torch.py) when no
    ONNX Runtime build with CUDA is available, next to onnxruntime's CPU provider."""
    try:
        import numpy as np  # noqa: F401
        import onnx
        import torch
    except ImportError as e:
        print(f"gpu_check.py: skipped: {e}")
        return 1 if require_cuda else 0
    try:
        import onnxruntime as ort
    except ImportError:
        ort = None  # the ONNX Runtime CPU column is left out
    device = os.environ.get("GPU_CHECK_TORCH_DEVICE", "cuda")
    if device == "cuda" and not torch.cuda.is_available():
        print("gpu_check.py: skipped: torch has no CUDA device either")
        return 1 if require_cuda else 0
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import onnx_torch

    name = torch.cuda.get_device_name(0) if device == "cuda" else device
    print(f"== running the exported graphs with PyTorch {torch.__version__} on {name} (scripts/onnx_torch.py) ==")
    # The contract is float32: no TF32 (10-bit mantissa) in convolutions or matrix products.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    for owner in ("cuda.matmul", "cudnn.conv"):  # the newer API (PyTorch 2.9 and later)
        try:
            obj = torch.backends
            for part in owner.split("."):
                obj = getattr(obj, part)
            obj.fp32_precision = "ieee"
        except Exception:  # noqa: BLE001 - older PyTorch: the flags above are the API
            pass
    with open(os.path.join(root, "manifest.json")) as fh:
        manifest = json.load(fh)
    tol = manifest.get("tolerance", 1e-4)
    failed = False
    print(f"| case | max error ort-cpu (worst) | max error torch-{device} (worst) | torch-{device} float64 | ort-cpu ms | torch ms | ort-cpu ÷ torch |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for case in manifest["cases"]:
        path = os.path.join(root, case["model"])
        feeds = {k: load(root, case["dir"], v) for k, v in case["inputs"].items()}
        refs = {k: load(root, case["dir"], v) for k, v in case["references"].items()}
        cpu_err, cpu_ms = {"-": float("nan")}, float("nan")
        if ort is not None:
            opts = ort.SessionOptions()
            opts.log_severity_level = 3
            session = ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])
            names = [o.name for o in session.get_outputs()]
            cpu_err = errors(dict(zip(names, session.run(None, feeds))), refs)
            cpu_ms = median_ms(session, feeds)
        model = onnx.load(path)
        graph = onnx_torch.TorchGraph(model, device)
        gpu_err = errors(graph(feeds), refs)
        gpu_ms = median_ms(_TorchTimed(graph, device), feeds)
        graph64 = onnx_torch.TorchGraph(model, device, torch.float64)
        err64 = errors(graph64(feeds), refs)
        w64 = max(err64, key=err64.get)
        wc, wg = max(cpu_err, key=cpu_err.get), max(gpu_err, key=gpu_err.get)
        if ort is not None and not cpu_err[wc] <= tol:
            failed = True
            print(f"  {case['name']} on ort-cpu: outputs beyond {tol:g}: {_beyond(cpu_err, tol)}")
        if not err64[w64] <= FLOAT64_TOL:
            failed = True
            print(f"  {case['name']} on torch-{device} in float64: outputs beyond {FLOAT64_TOL:g}: {_beyond(err64, FLOAT64_TOL)}")
        note = ""
        if not gpu_err[wg] <= tol:
            print(f"  {case['name']} on torch-{device}: outputs beyond {tol:g}: {_beyond(gpu_err, tol)}")
            flips = first_decision_flips(model, graph, graph64, feeds)
            for line in flips["lines"]:
                print("    " + line)
            if flips["near_tie"] and err64[w64] <= FLOAT64_TOL:
                note = " (near tie)"
                print(f"    -> explained: the float64 run matches the reference ({err64[w64]:.1e}) and the first decision that "
                      f"differs is a near tie (relative margin ≤ {NEAR_TIE:g}), which float32 rounding may break either way")
            else:
                failed = True
        print(
            f"| {case['name']} | {cpu_err[wc]:.2e} ({wc}) | {gpu_err[wg]:.2e} ({wg}){note} | {err64[w64]:.1e} | "
            f"{cpu_ms:.2f} | {gpu_ms:.2f} | {cpu_ms / gpu_ms:.1f}× |"
        )
    print("FAILED: some outputs are beyond the tolerance" if failed else f"OK: every output within {tol:g} of the float64 reference")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
