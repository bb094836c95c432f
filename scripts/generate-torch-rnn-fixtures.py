#!/usr/bin/python3
"""Generates PyTorch golden values for the engine's recurrent layers (LSTM, GRU, RNN).

Run once with Debian's python3-torch (1.13) — NOT needed by the tests, which only read the JSON files:

    apt-get install -y python3-torch
    /usr/bin/python3 scripts/generate-torch-rnn-fixtures.py

Writes test/data/torch-rnn/<case>.json. Every case builds torch.nn.LSTM / GRU / RNN with batch_first=True,
B=3, T=5, I=4, H=3, computes

    loss = sum(output * R_output) + sum(h_n * R_h_n) [+ sum(c_n * R_c_n) for LSTM]

with fixed random R tensors and stores the inputs, every parameter (PyTorch naming and gate order), the expected
output / h_n / c_n and the gradients of x, of h0 / c0 (when given) and of every parameter, as flat float lists
with shapes (row-major).
"""

import json
import os
import sys

import torch

B, T, I, H = 3, 5, 4, 3
LENGTHS = [5, 3, 1]

# (name, cell, num_layers, bidirectional, variable lengths, initial state, nonlinearity)
CASES = []
for cell in ("lstm", "gru", "rnn"):
    CASES += [
        (f"{cell}_uni1", cell, 1, False, False, False, "tanh"),
        (f"{cell}_bi1", cell, 1, True, False, False, "tanh"),
        (f"{cell}_uni2", cell, 2, False, False, False, "tanh"),
        (f"{cell}_bi2", cell, 2, True, False, False, "tanh"),
        (f"{cell}_varlen_bi2", cell, 2, True, True, False, "tanh"),
        (f"{cell}_h0_varlen_bi1", cell, 1, True, True, True, "tanh"),
    ]
CASES.append(("rnn_relu_varlen_h0_bi2", "rnn", 2, True, True, True, "relu"))

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "data", "torch-rnn")


def flat(t):
    """Shape and row-major values; float32 values printed with 9 significant digits (round-trip exact)."""
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.reshape(-1).tolist()]}


def make_module(cell, num_layers, bidirectional, nonlinearity):
    kwargs = dict(input_size=I, hidden_size=H, num_layers=num_layers, bidirectional=bidirectional, batch_first=True)
    if cell == "lstm":
        return torch.nn.LSTM(**kwargs)
    if cell == "gru":
        return torch.nn.GRU(**kwargs)
    return torch.nn.RNN(nonlinearity=nonlinearity, **kwargs)


def run_case(index, name, cell, num_layers, bidirectional, varlen, initial_state, nonlinearity):
    torch.manual_seed(20240 + index)
    module = make_module(cell, num_layers, bidirectional, nonlinearity)
    module.eval()  # no dropout (dropout=0 anyway)
    dirs = 2 if bidirectional else 1
    lengths = LENGTHS if varlen else None

    x = torch.randn(B, T, I)
    if varlen:  # padding values must not matter: make them large, the engine ignores them too
        for b, n in enumerate(lengths):
            x[b, n:, :] = torch.randn(T - n, I) * 5
    x.requires_grad_(True)
    h0 = c0 = None
    if initial_state:
        h0 = (torch.randn(num_layers * dirs, B, H) * 0.5).requires_grad_(True)
        if cell == "lstm":
            c0 = (torch.randn(num_layers * dirs, B, H) * 0.5).requires_grad_(True)

    r_output = torch.randn(B, T, dirs * H)
    r_h_n = torch.randn(num_layers * dirs, B, H)
    r_c_n = torch.randn(num_layers * dirs, B, H) if cell == "lstm" else None

    state = None
    if h0 is not None:
        state = (h0, c0) if cell == "lstm" else h0

    if varlen:
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        packed_out, final = module(packed, state)
        output, _ = torch.nn.utils.rnn.pad_packed_sequence(packed_out, batch_first=True, padding_value=0.0, total_length=T)
    else:
        output, final = module(x, state)
    if cell == "lstm":
        h_n, c_n = final
    else:
        h_n, c_n = final, None

    loss = (output * r_output).sum() + (h_n * r_h_n).sum()
    if c_n is not None:
        loss = loss + (c_n * r_c_n).sum()
    loss.backward()

    tensors = {"x": flat(x)}
    grads = {"x": flat(x.grad)}
    if h0 is not None:
        tensors["h0"] = flat(h0)
        grads["h0"] = flat(h0.grad)
    if c0 is not None:
        tensors["c0"] = flat(c0)
        grads["c0"] = flat(c0.grad)
    parameter_names = []
    for pname, p in module.named_parameters():
        parameter_names.append(pname)
        tensors[pname] = flat(p)
        grads[pname] = flat(p.grad)
    tensors["R_output"] = flat(r_output)
    tensors["R_h_n"] = flat(r_h_n)
    if r_c_n is not None:
        tensors["R_c_n"] = flat(r_c_n)

    expected = {"output": flat(output), "h_n": flat(h_n)}
    if c_n is not None:
        expected["c_n"] = flat(c_n)

    gate_order = {"lstm": "i,f,g,o", "gru": "r,z,n", "rnn": "single block"}[cell]
    doc = {
        "generator": "scripts/generate-torch-rnn-fixtures.py",
        "torch_version": torch.__version__,
        "case": name,
        "cell": cell,
        "nonlinearity": nonlinearity if cell == "rnn" else None,
        "gate_order": gate_order,
        "batch": B,
        "steps": T,
        "input_size": I,
        "hidden_size": H,
        "num_layers": num_layers,
        "bidirectional": bidirectional,
        "batch_first": True,
        "lengths": lengths,
        "loss": "sum(output*R_output) + sum(h_n*R_h_n)" + (" + sum(c_n*R_c_n)" if cell == "lstm" else ""),
        "loss_value": float("%.9g" % loss.item()),
        "parameters": parameter_names,
        "tensors": tensors,
        "expected": expected,
        "grads": grads,
    }
    path = os.path.join(OUT_DIR, name + ".json")
    with open(path, "w") as f:
        # One tensor per line keeps the files small and the diffs readable.
        f.write("{\n")
        items = list(doc.items())
        for k, (key, value) in enumerate(items):
            sep = "," if k + 1 < len(items) else ""
            if isinstance(value, dict) and key in ("tensors", "expected", "grads"):
                f.write(f'  {json.dumps(key)}: {{\n')
                sub = list(value.items())
                for j, (sk, sv) in enumerate(sub):
                    f.write(f'    {json.dumps(sk)}: {json.dumps(sv, separators=(",", ":"))}' + ("," if j + 1 < len(sub) else "") + "\n")
                f.write("  }" + sep + "\n")
            else:
                f.write(f"  {json.dumps(key)}: {json.dumps(value)}{sep}\n")
        f.write("}\n")
    return path, os.path.getsize(path)


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT_DIR, exist_ok=True)
    for index, case in enumerate(CASES):
        path, size = run_case(index, *case)
        print(f"{os.path.relpath(path)}  {size} bytes", file=sys.stderr)
        if size >= 30 * 1024:
            raise SystemExit(f"{path} is {size} bytes (limit 30 KB)")


if __name__ == "__main__":
    main()
