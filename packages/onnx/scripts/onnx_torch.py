"""Runs an ONNX graph with PyTorch, op by op, on any torch device (CUDA included).

It covers the operator subset that biasprop's traced attribution graphs use, so those graphs can
run on an NVIDIA GPU where no ONNX Runtime build with the CUDA execution provider is installed.
Unknown operators raise an error naming them; nothing is silently skipped.
"""
from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import numpy_helper

_DTYPES = {1: torch.float32, 6: torch.int32, 7: torch.int64, 9: torch.bool, 11: torch.float64, 10: torch.float16}


def _attrs(node):
    out = {}
    for a in node.attribute:
        out[a.name] = onnx.helper.get_attribute_value(a)
    return out


def _axes_list(value):
    return [int(v) for v in value.reshape(-1).tolist()]


def _conv_pads(pads):
    # ONNX [top, left, bottom, right] -> F.pad order (left, right, top, bottom)
    return (pads[1], pads[3], pads[0], pads[2])


def _op_conv(x, w, b, a):
    pads = list(a.get("pads", [0, 0, 0, 0]))
    x = torch.nn.functional.pad(x, _conv_pads(pads))
    return torch.nn.functional.conv2d(x, w, b, stride=tuple(a.get("strides", [1, 1])),
                                      dilation=tuple(a.get("dilations", [1, 1])), groups=int(a.get("group", 1)))


def _op_conv_transpose(x, w, b, a):
    strides = list(a.get("strides", [1, 1]))
    dil = list(a.get("dilations", [1, 1]))
    group = int(a.get("group", 1))
    pads = list(a.get("pads", [0, 0, 0, 0]))
    out_pad = list(a.get("output_padding", [0, 0]))
    kh, kw = w.shape[2], w.shape[3]
    if "output_shape" in a:
        oh, ow = list(a["output_shape"])[-2:]
        full_h = (x.shape[2] - 1) * strides[0] + dil[0] * (kh - 1) + 1
        full_w = (x.shape[3] - 1) * strides[1] + dil[1] * (kw - 1) + 1
        y = torch.nn.functional.conv_transpose2d(x, w, b, stride=tuple(strides), dilation=tuple(dil), groups=group)
        total_h, total_w = full_h - oh, full_w - ow
        top, left = total_h // 2, total_w // 2  # SAME_UPPER convention for auto pads
        if "pads" in a:
            top, left = pads[0], pads[1]
        return y[:, :, top:top + oh, left:left + ow] if total_h >= 0 and total_w >= 0 else y
    y = torch.nn.functional.conv_transpose2d(x, w, b, stride=tuple(strides), dilation=tuple(dil), groups=group)
    # Apply output_padding at the end, then crop pads (begin, end).
    if out_pad[0] or out_pad[1]:
        y = torch.nn.functional.pad(y, (0, out_pad[1], 0, out_pad[0]))
    h, wd = y.shape[2], y.shape[3]
    return y[:, :, pads[0]:h - pads[2], pads[1]:wd - pads[3]]


def _slice_indices(dim, start, end, step, device):
    """Indices ONNX Slice takes along one axis (negative steps too, which torch slicing lacks)."""
    if step == 0:
        raise ValueError("Slice step 0")
    start = start + dim if start < 0 else start
    end = end + dim if end < 0 else end
    if step > 0:
        start, end = min(max(start, 0), dim), min(max(end, 0), dim)
    else:
        start, end = min(max(start, 0), dim - 1), min(max(end, -1), dim - 1)
    return torch.arange(start, end, step, device=device, dtype=torch.int64)


def _reduce(fn, x, axes, keep):
    if axes is None:
        axes = list(range(x.dim()))
    axes = sorted(a % x.dim() for a in axes)
    if fn == "sum":
        return torch.sum(x, dim=axes, keepdim=keep) if axes else x
    out = x
    for ax in reversed(axes):
        out = torch.amax(out, dim=ax, keepdim=keep)
    return out


class TorchGraph:
    """An ONNX graph whose initializers live on a torch device; calling it evaluates every output.

    `float_dtype=torch.float64` runs a float32 graph in float64 (initializers, inputs, casts and
    constants): the same operators with rounding out of the way, to tell a wrong operator from
    float32 rounding.

    Example:
        graph = TorchGraph(onnx.load("model.onnx"), "cuda")
        outputs = graph({"x": x, "target": target})  # {output name: numpy array}
    """

    def __init__(self, model: onnx.ModelProto, device: str = "cuda", float_dtype=torch.float32):
        self.model = model
        self.device = device
        self.float_dtype = float_dtype
        self.constants = {init.name: self._tensor(numpy_helper.to_array(init)) for init in model.graph.initializer}

    def _tensor(self, array: np.ndarray) -> torch.Tensor:
        t = torch.from_numpy(np.ascontiguousarray(array).copy()).to(self.device)
        return t.to(self.float_dtype) if t.is_floating_point() else t

    @torch.no_grad()
    def __call__(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {k: v.cpu().numpy() for k, v in self.run_on_device(feeds).items()}

    @torch.no_grad()
    def run_on_device(self, feeds: dict[str, np.ndarray], keep_all: bool = False) -> dict[str, torch.Tensor]:
        """Evaluates the graph; the outputs stay on the device (for timing without the copy back).
        `keep_all` returns every value the graph computed, not only its outputs."""
        env: dict[str, torch.Tensor] = dict(self.constants)
        for name, value in feeds.items():
            env[name] = self._tensor(value)
        _evaluate(self.model, env, self.device, self.float_dtype)
        return env if keep_all else {o.name: env[o.name] for o in self.model.graph.output}


def run(model: onnx.ModelProto, feeds: dict[str, np.ndarray], device: str = "cuda") -> dict[str, np.ndarray]:
    """Evaluates every output of `model` for `feeds` once; returns numpy arrays."""
    return TorchGraph(model, device)(feeds)


def _evaluate(model: onnx.ModelProto, env: dict[str, torch.Tensor], device: str, float_dtype) -> None:
    F = torch.nn.functional
    for node in model.graph.node:
        a = _attrs(node)
        ins = [env[n] if n else None for n in node.input]
        op = node.op_type
        x = ins[0] if ins else None
        if op in ("Add", "Sub", "Mul", "Div", "Max", "Min", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Equal"):
            fn = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div,
                  "Max": torch.maximum, "Min": torch.minimum, "Greater": torch.gt, "GreaterOrEqual": torch.ge,
                  "Less": torch.lt, "LessOrEqual": torch.le, "Equal": torch.eq}[op]
            out = ins[0]
            for other in ins[1:]:
                out = fn(out, other)
            y = out
        elif op in ("Neg", "Abs", "Sign", "Exp", "Log", "Sigmoid", "Tanh", "Not", "Identity", "Relu"):
            y = {"Neg": torch.neg, "Abs": torch.abs, "Sign": torch.sign, "Exp": torch.exp, "Log": torch.log,
                 "Sigmoid": torch.sigmoid, "Tanh": torch.tanh, "Not": torch.logical_not,
                 "Identity": lambda t: t, "Relu": torch.relu}[op](x)
        elif op == "Cast":
            to = _DTYPES[int(a["to"])]
            y = x.to(float_dtype if to == torch.float32 else to)
        elif op == "Where":
            y = torch.where(ins[0].bool(), ins[1], ins[2])
        elif op == "ReduceSum":
            axes = _axes_list(ins[1].cpu().numpy()) if len(ins) > 1 and ins[1] is not None else a.get("axes")
            if axes is not None and len(axes) == 0 and a.get("noop_with_empty_axes", 0):
                y = x
            else:
                y = _reduce("sum", x, axes, bool(a.get("keepdims", 1)))
        elif op == "ReduceMax":
            axes = _axes_list(ins[1].cpu().numpy()) if len(ins) > 1 and ins[1] is not None else a.get("axes")
            y = _reduce("max", x, axes, bool(a.get("keepdims", 1)))
        elif op == "CumSum":
            axis = int(ins[1].reshape(-1)[0].item())
            src = torch.flip(x, dims=[axis]) if a.get("reverse", 0) else x
            y = torch.cumsum(src, dim=axis)
            if a.get("exclusive", 0):
                y = y - src
            if a.get("reverse", 0):
                y = torch.flip(y, dims=[axis])
        elif op == "Gemm":
            A = x.t() if a.get("transA", 0) else x
            B = ins[1].t() if a.get("transB", 0) else ins[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                y = y + a.get("beta", 1.0) * ins[2]
        elif op == "MatMul":
            y = x @ ins[1]
        elif op == "Transpose":
            y = x.permute(*a["perm"])
        elif op == "Reshape":
            shape = _axes_list(ins[1].cpu().numpy())
            shape = [x.shape[i] if d == 0 else d for i, d in enumerate(shape)]
            y = x.reshape(shape)
        elif op == "Concat":
            y = torch.cat(ins, dim=int(a["axis"]))
        elif op == "Slice":
            starts, ends = _axes_list(ins[1].cpu().numpy()), _axes_list(ins[2].cpu().numpy())
            axes = _axes_list(ins[3].cpu().numpy()) if len(ins) > 3 and ins[3] is not None else list(range(len(starts)))
            steps = _axes_list(ins[4].cpu().numpy()) if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
            y = x
            for s, e, ax, st in zip(starts, ends, axes, steps):
                y = torch.index_select(y, ax % x.dim(), _slice_indices(x.shape[ax], s, e, st, x.device))
        elif op == "Pad":
            pads = _axes_list(ins[1].cpu().numpy())
            value = float(ins[2].reshape(-1)[0].item()) if len(ins) > 2 and ins[2] is not None else 0.0
            r = x.dim()
            torch_pads = []
            for ax in reversed(range(r)):
                torch_pads += [pads[ax], pads[ax + r]]
            y = F.pad(x, tuple(torch_pads), value=value)
        elif op == "Expand":
            shape = _axes_list(ins[1].cpu().numpy())
            y = x * torch.ones(shape, dtype=x.dtype, device=x.device) if x.dtype != torch.bool else x.expand(*shape)
        elif op == "ConstantOfShape":
            shape = _axes_list(x.cpu().numpy())
            v = a.get("value")
            arr = numpy_helper.to_array(v) if v is not None else np.zeros(1, np.float32)
            dtype = torch.from_numpy(arr).dtype
            y = torch.full(shape, float(arr.reshape(-1)[0]), dtype=float_dtype if dtype.is_floating_point else dtype, device=device)
        elif op == "Constant":
            y = torch.from_numpy(numpy_helper.to_array(a["value"]).copy()).to(device)
            y = y.to(float_dtype) if y.is_floating_point() else y
        elif op == "Unsqueeze":
            axes = _axes_list(ins[1].cpu().numpy()) if len(ins) > 1 else list(a["axes"])
            y = x
            for ax in sorted(ax % (x.dim() + len(axes)) for ax in axes):
                y = y.unsqueeze(ax)
        elif op == "Squeeze":
            axes = _axes_list(ins[1].cpu().numpy()) if len(ins) > 1 else list(a.get("axes", []))
            y = x
            for ax in sorted((ax % x.dim() for ax in axes), reverse=True):
                y = y.squeeze(ax)
        elif op == "Conv":
            y = _op_conv(x, ins[1], ins[2] if len(ins) > 2 else None, a)
        elif op == "ConvTranspose":
            y = _op_conv_transpose(x, ins[1], ins[2] if len(ins) > 2 else None, a)
        elif op == "Gather":
            axis = int(a.get("axis", 0))
            y = torch.index_select(x, axis, ins[1].reshape(-1).long()).reshape(
                list(x.shape[:axis]) + list(ins[1].shape) + list(x.shape[axis + 1:]))
        elif op == "Shape":
            y = torch.tensor(list(x.shape), dtype=torch.int64, device=device)
        elif op == "ArgMax":
            axis = int(a.get("axis", 0))
            if a.get("select_last_index", 0):
                raise NotImplementedError("ArgMax select_last_index")
            y = torch.argmax(x, dim=axis, keepdim=bool(a.get("keepdims", 1)))
        elif op == "OneHot":
            depth = int(ins[1].reshape(-1)[0].item())
            vals = ins[2]
            idx = ins[0].long() % depth
            oh = F.one_hot(idx, depth).to(vals.dtype)
            axis = int(a.get("axis", -1))
            y = oh * (vals[1] - vals[0]) + vals[0]
            if axis != -1:
                y = torch.movedim(y, -1, axis)
        elif op == "Range":
            y = torch.arange(ins[0].item(), ins[1].item(), ins[2].item(), device=device, dtype=ins[0].dtype)
        else:
            raise NotImplementedError(f"ONNX op {op} (node {node.name}) is not supported by the torch runner")
        outs = y if isinstance(y, tuple) else (y,)
        for name, value in zip(node.output, outs):
            if name:
                env[name] = value
