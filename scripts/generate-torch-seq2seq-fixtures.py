#!/usr/bin/python3
"""Generates PyTorch golden values for the engine's encoder-decoder with attention (src/Engine/Models/Seq2Seq.cs).

Run once with Debian's python3-torch (1.13) -- NOT needed by the tests, which only read the JSON files:

    apt-get install -y python3-torch
    /usr/bin/python3 scripts/generate-torch-seq2seq-fixtures.py

Writes test/data/torch-seq2seq/<case>.json. Every case builds the network from torch.nn parts (Embedding with
padding_idx 1 (PAD), a packed GRU/LSTM encoder, the bridge (final states concatenated), a one-layer decoder run step by step with teacher forcing, dot /
general / additive attention with the padding mask added as -1e9, tanh(W_c [q; c] + b_c), the output layer) on a padded
batch (sources of 5, 3 and 1 ids; decoder inputs of 4, 2 and 3 ids), computes

    loss = F.cross_entropy(logits, targets, ignore_index=-1, label_smoothing=eps)

and stores every parameter (PyTorch naming and gate order), the logits (B*T, V; rows of padded steps are not
compared), the loss and the gradient of every parameter, as flat float lists with shapes (row-major).
"""

import json
import os

import torch
import torch.nn.functional as F

UNK, PAD, BOS, EOS = 0, 1, 2, 3
VS, VT, E, H = 9, 8, 4, 3
SOURCES = [[4, 5, 6, 7, EOS], [8, 4, EOS], [EOS]]            # the last is an empty text
TARGETS = [[4, 5, 6, EOS], [7, EOS], [5, 5, EOS]]             # decoder reads [BOS] + target[:-1]

# (name, cell, encoder layers, bidirectional, attention, input feeding, label smoothing)
CASES = [
    ("gru_dot_uni", "gru", 1, False, "dot", False, 0.0),
    ("gru_general_bi2_feed", "gru", 2, True, "general", True, 0.0),
    ("gru_additive_bi", "gru", 1, True, "additive", False, 0.1),
    ("lstm_general_uni_feed", "lstm", 1, False, "general", True, 0.1),
    ("lstm_additive_bi", "lstm", 1, True, "additive", False, 0.0),
    ("lstm_dot_uni2", "lstm", 2, False, "dot", False, 0.0),
    ("gru_dot_bi", "gru", 1, True, "dot", False, 0.0),         # the bench anchor's architecture
]

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "data", "torch-seq2seq")


def flat(t):
    """Shape and row-major values; float32 values printed with 9 significant digits (round-trip exact)."""
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.reshape(-1).tolist()]}


class Seq2Seq(torch.nn.Module):
    def __init__(self, cell, layers, bidirectional, attention, feeding):
        super().__init__()
        rnn = torch.nn.LSTM if cell == "lstm" else torch.nn.GRU
        dirs = 2 if bidirectional else 1
        he = dirs * H
        self.cell, self.dirs, self.attention, self.feeding = cell, dirs, attention, feeding
        self.src_emb = torch.nn.Embedding(VS, E, padding_idx=PAD)
        self.encoder = rnn(E, H, num_layers=layers, bidirectional=bidirectional, batch_first=True)
        self.tgt_emb = torch.nn.Embedding(VT, E, padding_idx=PAD)
        hd = he                                                     # decoder state: [forward; backward] of the encoder
        self.hd = hd
        self.decoder = rnn(E + (hd if feeding else 0), hd, batch_first=True)
        if attention == "general":
            self.attn_w = torch.nn.Linear(hd, he, bias=False)
        if attention == "additive":
            self.attn_wq = torch.nn.Linear(hd, hd, bias=False)
            self.attn_wk = torch.nn.Linear(he, hd)
            self.attn_v = torch.nn.Parameter(torch.empty(hd).uniform_(-0.5, 0.5))
        self.combine = torch.nn.Linear(hd + he, hd)
        self.out = torch.nn.Linear(hd, VT)

    def bridge(self, states):
        top = states[-self.dirs:]                                   # (dirs, B, H) of the last layer
        if self.dirs == 1:
            return top
        return torch.cat([top[0], top[1]], dim=1).unsqueeze(0)      # (1, B, 2H) = [forward; backward]

    def forward(self, src, src_len, tgt_in):
        b, s = src.shape
        packed = torch.nn.utils.rnn.pack_padded_sequence(self.src_emb(src), torch.tensor(src_len), batch_first=True, enforce_sorted=False)
        enc_packed, final = self.encoder(packed)
        enc, _ = torch.nn.utils.rnn.pad_packed_sequence(enc_packed, batch_first=True, total_length=s)   # (B, S, He)
        if self.cell == "lstm":
            state = (self.bridge(final[0]), self.bridge(final[1]))
        else:
            state = self.bridge(final)
        mask = torch.zeros(b, s)
        for i, n in enumerate(src_len):
            mask[i, n:] = -1e9
        keys = self.attn_wk(enc) if self.attention == "additive" else enc
        feed = torch.zeros(b, self.hd)
        logits = []
        for t in range(tgt_in.shape[1]):
            x = self.tgt_emb(tgt_in[:, t])
            if self.feeding:
                x = torch.cat([x, feed], dim=1)
            out, state = self.decoder(x.unsqueeze(1), state)
            q = out[:, 0]                                           # (B, H)
            if self.attention == "dot":
                scores = torch.bmm(enc, q.unsqueeze(2)).squeeze(2)
            elif self.attention == "general":
                scores = torch.bmm(enc, self.attn_w(q).unsqueeze(2)).squeeze(2)
            else:
                scores = (torch.tanh(keys + self.attn_wq(q).unsqueeze(1)) * self.attn_v).sum(-1)
            weights = torch.softmax(scores + mask, dim=1)           # (B, S)
            context = torch.bmm(weights.unsqueeze(1), enc).squeeze(1)
            feed = torch.tanh(self.combine(torch.cat([q, context], dim=1)))
            logits.append(self.out(feed))
        return torch.stack(logits, dim=1).reshape(-1, VT)           # (B*T, V), row b*T + t


def padded(rows, pad):
    width = max(len(r) for r in rows)
    return [r + [pad] * (width - len(r)) for r in rows]


def run_case(index, name, cell, layers, bidirectional, attention, feeding, smoothing):
    torch.manual_seed(31000 + index)
    model = Seq2Seq(cell, layers, bidirectional, attention, feeding)
    model.eval()
    src = torch.tensor(padded(SOURCES, PAD))
    tgt_in = torch.tensor(padded([[BOS] + t[:-1] for t in TARGETS], PAD))
    targets = torch.tensor(padded(TARGETS, -1))
    logits = model(src, [len(s) for s in SOURCES], tgt_in)
    loss = F.cross_entropy(logits, targets.reshape(-1), ignore_index=-1, label_smoothing=smoothing)
    loss.backward()

    tensors, grads, names = {}, {}, []
    for pname, p in model.named_parameters():
        names.append(pname)
        tensors[pname] = flat(p)
        grads[pname] = flat(p.grad)
    doc = {
        "generator": "scripts/generate-torch-seq2seq-fixtures.py",
        "torch_version": torch.__version__,
        "case": name, "cell": cell, "encoder_layers": layers, "bidirectional": bidirectional,
        "attention": attention, "input_feeding": feeding, "label_smoothing": smoothing,
        "source_vocabulary": VS, "target_vocabulary": VT, "embedding_size": E, "hidden_size": H,
        "gate_order": {"lstm": "i,f,g,o", "gru": "r,z,n"}[cell],
        "sources": SOURCES, "targets": TARGETS,
        "source_ids": src.reshape(-1).tolist(), "source_lengths": [len(s) for s in SOURCES],
        "target_input_ids": tgt_in.reshape(-1).tolist(), "target_lengths": [len(t) for t in TARGETS],
        "target_ids": targets.reshape(-1).tolist(),
        "parameters": names,
        "tensors": tensors,
        "expected": {"logits": flat(logits), "loss": float("%.9g" % loss.item())},
        "grads": grads,
    }
    with open(os.path.join(OUT_DIR, name + ".json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for index, case in enumerate(CASES):
        run_case(index, *case)
    print(f"wrote {len(CASES)} cases to {os.path.normpath(OUT_DIR)}")


if __name__ == "__main__":
    main()
