#!/usr/bin/python3
"""Generates PyTorch golden values for the engine's convolutions and pools.

Run once with Debian's python3-torch (1.13) — NOT needed by the tests, which only read the JSON files:

    apt-get install -y python3-torch
    /usr/bin/python3 scripts/generate-torch-conv-fixtures.py

Writes test/data/torch-conv/<case>.json. Every case runs one torch.nn.functional op (conv1d, conv2d, max/avg pools,
global and adaptive pools) on fixed random inputs, computes

    loss = sum(output * R)

with a fixed random upstream gradient R (never .sum(), which would hide a transposed or shifted gradient) and stores
the inputs, weights, bias, R, the expected output and the gradients of x, weight and bias, as flat float32 lists with
shapes (row-major). Inputs, weights, biases and R are rounded to two decimals (exact float32 values, short in the
file); max cases use distinct inputs, or check the gap between the largest two candidates, so that no arg-max is a tie.
Convolution cases name the paths the engine takes on an AVX-512 machine (see the README); the test checks them.
"""

import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "data", "torch-conv")
MAX_FILE_BYTES = 80 * 1024
MAX_TOTAL_BYTES = 600 * 1024

# Convolutions: (name, rank, batch, C, O, (H, W) or L, kernel, stride, padding, dilation, bias,
#                (forward, weight-gradient, input-gradient) paths on AVX-512, note).
# 2-D geometry is (kh, kw), (sh, sw), (ph, pw), (dh, dw); 1-D geometry is ints.
CONV_CASES = [
    ("conv2d_1x1_direct", 2, 2, 3, 5, (4, 5), (1, 1), (1, 1), (0, 0), (1, 1), True,
     ("direct", "direct", "direct"), "1x1, stride 1, unpadded: x is its own column matrix"),
    ("conv2d_2x3_s2_p1_d2_o5", 2, 2, 3, 5, (7, 8), (2, 3), (2, 2), (1, 1), (2, 2), True,
     ("packed", "im2col", "col2im"), "non-square, strided, dilated, O not a multiple of 8; 2 items per SGEMM"),
    ("conv2d_3x2_s1x3_p2x1_d1x2", 2, 2, 2, 3, (6, 5), (3, 2), (1, 3), (2, 1), (1, 2), False,
     ("packed", "im2col", "col2im"), "mixed strides 1 and 3, no bias"),
    ("conv2d_3x3_p1_indirect_c8", 2, 1, 8, 8, (3, 16), (3, 3), (1, 1), (1, 1), (1, 1), True,
     ("indirect", "im2col", "indirect"), "8 channels, 16 wide: indirect GEMM forward and input gradient"),
    ("conv2d_3x2_p2x1_d2_indirect_c8", 2, 1, 8, 8, (3, 30), (3, 2), (1, 1), (2, 1), (2, 2), True,
     ("indirect", "im2col", "indirect"), "dilated non-square kernel on the indirect path"),
    ("conv2d_1x3_p0x1_channels_last_c32", 2, 1, 32, 32, (2, 8), (1, 3), (1, 1), (0, 1), (1, 1), True,
     ("channels-last", "channels-last", "channels-last"), "32 -> 32 channels over an 8-wide map"),
    ("conv2d_3x3_p1_w11_c16_o8", 2, 2, 16, 8, (2, 11), (3, 3), (1, 1), (1, 1), (1, 1), False,
     ("packed", "channels-last", "packed"), "width 11 (too many dropped columns for the indirect GEMM)"),
    ("conv2d_3x3_p1_o12_c16", 2, 1, 16, 12, (3, 16), (3, 3), (1, 1), (1, 1), (1, 1), True,
     ("packed", "im2col", "indirect"), "O = 12, not a multiple of 8; C = 16 takes the indirect input gradient"),
    ("conv2d_3x3_s2_p2_d2_plane_c3", 2, 2, 3, 8, (5, 36), (3, 3), (2, 2), (2, 2), (2, 2), True,
     ("indirect", "plane", "plane"), "strided, dilated: polyphase plane, dW and dx through the plane"),
    ("conv2d_3x3_s2_p1_phase_c16", 2, 1, 16, 8, (3, 34), (3, 3), (2, 2), (1, 1), (1, 1), True,
     ("indirect", "channels-last", "phase"), "ResNet-style downsampling: phase input gradient"),
    ("conv2d_3x3_s3_p1_phase_c16", 2, 1, 16, 8, (4, 20), (3, 3), (3, 3), (1, 1), (1, 1), True,
     ("indirect", "channels-last", "phase"), "stride 3 phases"),
    ("conv2d_1x1_s2_phase_c64", 2, 1, 64, 8, (3, 9), (1, 1), (2, 2), (0, 0), (1, 1), True,
     ("indirect", "channels-last", "phase"), "1x1 stride-2 shortcut over 64 channels"),
    ("conv1d_k3_s2_p1_d2_o4", 1, 2, 3, 4, 11, 3, 2, 1, 2, True,
     ("packed", "im2col", "col2im"), "strided, padded, dilated 1-D"),
    ("conv1d_k4_p2_o6", 1, 2, 5, 6, 13, 4, 1, 2, 1, True,
     ("packed", "im2col", "packed"), "even kernel, stride 1: input gradient as a packed transposed convolution"),
    ("conv1d_k3_p1_indirect_c16", 1, 2, 16, 16, 32, 3, 1, 1, 1, True,
     ("indirect", "channels-last", "indirect"), "TextCNN-like, 32 long"),
    ("conv1d_k3_s2_p1_phase_c16", 1, 1, 16, 8, 34, 3, 2, 1, 1, True,
     ("indirect", "channels-last", "phase"), "strided 1-D through the polyphase plane"),
]

# Conv1d followed by max over time (Ops.Conv1dMaxOverTime): (name, batch, C, O, L, k, stride, padding, dilation).
MAX_OVER_TIME_CASES = [
    ("conv1d_max_over_time_k3_p1", 3, 8, 16, 20, 3, 1, 1, 1),
    ("conv1d_max_over_time_k3_s2_p1_d2", 2, 3, 5, 17, 3, 2, 1, 2),
]

# Pools: (name, op, x shape, arguments).
POOL_CASES = [
    ("maxpool2d_2x2", "max_pool2d", (2, 3, 6, 8), dict(kernel=(2, 2), stride=(2, 2), padding=(0, 0))),
    ("maxpool2d_3x3_s2_p1", "max_pool2d", (2, 2, 7, 9), dict(kernel=(3, 3), stride=(2, 2), padding=(1, 1))),
    ("maxpool2d_3x2_s1x2_p1", "max_pool2d", (1, 2, 5, 7), dict(kernel=(3, 2), stride=(1, 2), padding=(1, 1))),
    ("maxpool1d_k3_s2_p1", "max_pool1d", (2, 3, 11), dict(kernel=3, stride=2, padding=1)),
    ("maxpool1d_k4_s3_p2", "max_pool1d", (2, 2, 13), dict(kernel=4, stride=3, padding=2)),
    ("avgpool2d_3x3_s2_p1", "avg_pool2d", (2, 2, 7, 9), dict(kernel=(3, 3), stride=(2, 2), padding=(1, 1))),
    ("avgpool2d_2x3_s2x1_p1", "avg_pool2d", (1, 2, 5, 6), dict(kernel=(2, 3), stride=(2, 1), padding=(1, 1))),
    ("avgpool1d_k3_s2_p1", "avg_pool1d", (2, 3, 11), dict(kernel=3, stride=2, padding=1)),
    ("avgpool1d_k2", "avg_pool1d", (2, 2, 9), dict(kernel=2, stride=2, padding=0)),
    ("global_avgpool_2d", "global_avg_pool", (2, 3, 5, 4), {}),
    ("global_avgpool_1d", "global_avg_pool", (2, 3, 7), {}),
    ("global_maxpool_2d", "global_max_pool", (2, 3, 5, 4), {}),
    ("global_maxpool_1d", "global_max_pool", (2, 3, 7), {}),
    ("spp_max_1_2_4", "spp_max", (2, 2, 7, 9), dict(levels=[1, 2, 4])),
    ("spp_max_2_4_small_map", "spp_max", (1, 2, 3, 5), dict(levels=[2, 4])),
    ("spp_avg_1_3", "spp_avg", (2, 2, 5, 7), dict(levels=[1, 3])),
]


def number(v):
    """Shortest decimal that reads back as the same float32."""
    return str(np.float32(v))


def flat(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [number(v) for v in t.reshape(-1).tolist()]}


def rounded(*shape, scale=1.0):
    """Random values rounded to two decimals (stored exactly as their float32 values)."""
    return (torch.round(torch.randn(*shape, dtype=torch.float64) * scale * 100) / 100).to(torch.float32)


def distinct(*shape):
    """A shuffled grid 0.01 apart: no two inputs equal, so no max has a tie."""
    n = int(np.prod(shape))
    values = (torch.arange(n, dtype=torch.float64) - n // 2) / 100
    return values[torch.randperm(n)].reshape(*shape).to(torch.float32)


def pair(v):
    return list(v) if isinstance(v, (tuple, list)) else [v]


def conv_case(name, rank, batch, c, o, size, kernel, stride, padding, dilation, bias, paths, note):
    spatial = tuple(size) if rank == 2 else (size,)
    x = rounded(batch, c, *spatial).requires_grad_(True)
    kshape = tuple(kernel) if rank == 2 else (kernel,)
    fan_in = c * int(np.prod(kshape))
    w = rounded(o, c, *kshape, scale=1 / np.sqrt(fan_in)).requires_grad_(True)
    b = rounded(o, scale=0.5).requires_grad_(True) if bias else None
    conv = F.conv2d if rank == 2 else F.conv1d
    y = conv(x, w, b, stride=stride, padding=padding, dilation=dilation)
    r = rounded(*y.shape)
    loss = (y * r).sum()
    loss.backward()
    tensors = {"x": flat(x), "weight": flat(w)}
    grads = {"x": flat(x.grad), "weight": flat(w.grad)}
    if b is not None:
        tensors["bias"] = flat(b)
        grads["bias"] = flat(b.grad)
    tensors["R"] = flat(r)
    return {
        "op": "conv2d" if rank == 2 else "conv1d",
        "note": note,
        "kernel": pair(kernel), "stride": pair(stride), "padding": pair(padding), "dilation": pair(dilation),
        "paths_avx512": {"forward": paths[0], "weight_grad": paths[1], "input_grad": paths[2]},
        "loss_value": float(number(loss.item())),
    }, tensors, {"output": flat(y)}, grads


def max_over_time_case(name, batch, c, o, length, kernel, stride, padding, dilation):
    # Redraw until every (b, o) maximum over time beats the runner-up by a clear margin (no tie to break differently).
    for attempt in range(100):
        x = rounded(batch, c, length).requires_grad_(True)
        w = rounded(o, c, kernel, scale=1 / np.sqrt(c * kernel)).requires_grad_(True)
        b = rounded(o, scale=0.5).requires_grad_(True)
        full = F.conv1d(x, w, b, stride=stride, padding=padding, dilation=dilation)
        top2 = full.detach().double().topk(2, dim=2).values
        if full.shape[2] < 2 or bool(((top2[..., 0] - top2[..., 1]) > 1e-3).all()):
            break
    else:
        raise SystemExit(f"{name}: no draw without near-ties")
    y = full.max(dim=2).values
    r = rounded(*y.shape)
    loss = (y * r).sum()
    loss.backward()
    tensors = {"x": flat(x), "weight": flat(w), "bias": flat(b), "R": flat(r)}
    grads = {"x": flat(x.grad), "weight": flat(w.grad), "bias": flat(b.grad)}
    return {
        "op": "conv1d_max_over_time",
        "note": "max over time of conv1d (TextCNN branch), draws " + str(attempt + 1),
        "kernel": [kernel], "stride": [stride], "padding": [padding], "dilation": [dilation],
        "loss_value": float(number(loss.item())),
    }, tensors, {"output": flat(y)}, grads


def pool_case(name, op, shape, args):
    x = distinct(*shape).requires_grad_(True)
    if op == "max_pool2d":
        y = F.max_pool2d(x, args["kernel"], args["stride"], args["padding"])
    elif op == "max_pool1d":
        y = F.max_pool1d(x, args["kernel"], args["stride"], args["padding"])
    elif op == "avg_pool2d":
        y = F.avg_pool2d(x, args["kernel"], args["stride"], args["padding"], count_include_pad=True)
    elif op == "avg_pool1d":
        y = F.avg_pool1d(x, args["kernel"], args["stride"], args["padding"], count_include_pad=True)
    elif op == "global_avg_pool":
        y = x.flatten(2).mean(dim=2)
    elif op == "global_max_pool":
        y = x.flatten(2).max(dim=2).values
    elif op in ("spp_max", "spp_avg"):
        pool = F.adaptive_max_pool2d if op == "spp_max" else F.adaptive_avg_pool2d
        y = torch.cat([pool(x, n).flatten(1) for n in args["levels"]], dim=1)
    else:
        raise ValueError(op)
    r = rounded(*y.shape)
    loss = (y * r).sum()
    loss.backward()
    meta = {"op": op}
    for key in ("kernel", "stride", "padding"):
        if key in args:
            meta[key] = pair(args[key])
    if "levels" in args:
        meta["levels"] = args["levels"]
    meta["loss_value"] = float(number(loss.item()))
    return meta, {"x": flat(x), "R": flat(r)}, {"output": flat(y)}, {"x": flat(x.grad)}


def write(name, meta, tensors, expected, grads):
    doc = {"generator": "scripts/generate-torch-conv-fixtures.py", "torch_version": torch.__version__, "case": name}
    doc.update(meta)
    doc["loss"] = "sum(output*R)"
    doc["tensors"], doc["expected"], doc["grads"] = tensors, expected, grads
    path = os.path.join(OUT_DIR, name + ".json")
    with open(path, "w") as f:
        # One tensor per line keeps the files small and the diffs readable; numbers are written as given by number().
        f.write("{\n")
        items = list(doc.items())
        for k, (key, value) in enumerate(items):
            sep = "," if k + 1 < len(items) else ""
            if key in ("tensors", "expected", "grads"):
                f.write(f"  {json.dumps(key)}: {{\n")
                sub = list(value.items())
                for j, (sk, sv) in enumerate(sub):
                    data = "[" + ",".join(sv["data"]) + "]"
                    f.write(f'    {json.dumps(sk)}:{{"shape":{json.dumps(sv["shape"], separators=(",", ":"))},"data":{data}}}'
                            + ("," if j + 1 < len(sub) else "") + "\n")
                f.write("  }" + sep + "\n")
            else:
                f.write(f"  {json.dumps(key)}: {json.dumps(value)}{sep}\n")
        f.write("}\n")
    with open(path) as f:
        json.load(f)  # every number must be valid JSON
    return path, os.path.getsize(path)


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT_DIR, exist_ok=True)
    jobs = [(case[0], lambda case=case: conv_case(*case)) for case in CONV_CASES]
    jobs += [(case[0], lambda case=case: max_over_time_case(*case)) for case in MAX_OVER_TIME_CASES]
    jobs += [(case[0], lambda case=case: pool_case(*case)) for case in POOL_CASES]
    total = 0
    for index, (name, make) in enumerate(jobs):
        torch.manual_seed(20250 + index)
        path, size = write(name, *make())
        total += size
        print(f"{os.path.relpath(path)}  {size} bytes", file=sys.stderr)
        if size >= MAX_FILE_BYTES:
            raise SystemExit(f"{path} is {size} bytes (limit {MAX_FILE_BYTES})")
    print(f"{len(jobs)} cases, {total} bytes", file=sys.stderr)
    if total >= MAX_TOTAL_BYTES:
        raise SystemExit(f"fixtures total {total} bytes (limit {MAX_TOTAL_BYTES})")


if __name__ == "__main__":
    main()
