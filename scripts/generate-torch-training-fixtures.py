#!/usr/bin/python3
"""Golden learning rates and AdamW steps from PyTorch for test/Trainers.Tests/TorchTrainingFixtureTests.cs and test/Engine.Tests (AdamW, label smoothing).

Writes test/data/torch-training/training.json: for each case the learning rate PyTorch's scheduler gives before each
optimiser step (per epoch for step/exponential/plateau, per mini-batch for cosine and one-cycle), and the parameters after
each of three torch.optim.AdamW steps. Run with Debian's /usr/bin/python3 (python3-torch 1.13.1); the output is
byte-for-byte reproducible. torch is not needed to run the tests.
"""
import json
import math
import os

import torch

torch.manual_seed(0)
torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)


def optimizer(lr):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def rates(opt, scheduler, count, metrics=None):
    """Learning rate in use at each of `count` steps, stepping the scheduler after each (with the metric if given)."""
    out = []
    for i in range(count):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[i])
    return out


cases = {}

opt = optimizer(0.1)
cases["step"] = {"base": 0.1, "every": 3, "factor": 0.5, "epochs": 10,
                 "rates": rates(opt, torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5), 10)}

opt = optimizer(0.1)
cases["exponential"] = {"base": 0.1, "factor": 0.8, "epochs": 6,
                        "rates": rates(opt, torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.8), 6)}

# Cosine without warm-up: 4 epochs of 3 steps, annealed over all 12 steps to eta_min.
opt = optimizer(0.1)
cases["cosine"] = {"base": 0.1, "epochs": 4, "steps_per_epoch": 3, "warmup_epochs": 0, "minimum": 0.001,
                   "rates": rates(opt, torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=12, eta_min=0.001), 12)}

# Cosine with one warm-up epoch (W = 3 steps rising linearly to the base rate: lr = base·(t+1)/W), then annealed over the
# remaining 12 − 3 steps. LinearLR alone for the warm-up, CosineAnnealingLR alone for the rest (SequentialLR in 1.13 steps
# the second scheduler with an epoch argument, which is deprecated), each from PyTorch.
opt = optimizer(0.1)
warm = rates(opt, torch.optim.lr_scheduler.LinearLR(opt, start_factor=1 / 3, end_factor=1.0, total_iters=2), 3)
opt = optimizer(0.1)
anneal = rates(opt, torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=9, eta_min=0.0), 9)
cases["cosine_warmup"] = {"base": 0.1, "epochs": 4, "steps_per_epoch": 3, "warmup_epochs": 1, "minimum": 0.0,
                          "rates": warm + anneal}

opt = optimizer(0.1)
cases["one_cycle"] = {"base": 0.1, "epochs": 5, "steps_per_epoch": 4, "warmup_fraction": 0.3, "initial_divisor": 25.0,
                      "final_divisor": 1e4,
                      "rates": rates(opt, torch.optim.lr_scheduler.OneCycleLR(
                          opt, max_lr=0.1, total_steps=20, pct_start=0.3, anneal_strategy="cos", cycle_momentum=False,
                          div_factor=25.0, final_div_factor=1e4, three_phase=False), 20)}

losses = [1.0, 0.9, 0.9, 0.95, 0.91, 0.8, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9]
opt = optimizer(0.1)
cases["plateau_min"] = {"base": 0.1, "factor": 0.5, "patience": 2, "minimum": 0.02, "higher_is_better": False,
                        "metrics": losses,
                        "rates": rates(opt, torch.optim.lr_scheduler.ReduceLROnPlateau(
                            opt, mode="min", factor=0.5, patience=2, threshold=1e-4, threshold_mode="rel",
                            cooldown=0, min_lr=0.02), len(losses), losses)}

accuracies = [0.5, 0.6, 0.6, 0.59, 0.61, 0.61, 0.6, 0.6, 0.7, 0.7, 0.7, 0.7]
opt = optimizer(0.1)
cases["plateau_max"] = {"base": 0.1, "factor": 0.1, "patience": 1, "minimum": 0.0, "higher_is_better": True,
                        "metrics": accuracies,
                        "rates": rates(opt, torch.optim.lr_scheduler.ReduceLROnPlateau(
                            opt, mode="max", factor=0.1, patience=1, threshold=1e-4, threshold_mode="rel",
                            cooldown=0, min_lr=0.0), len(accuracies), accuracies)}

# AdamW: three steps with given gradients (decoupled decay p ← p·(1 − lr·λ) before the Adam update).
p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.5, 0.0]))
adamw = torch.optim.AdamW([p], lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
grads = [[0.2, -0.1, 0.0, 0.3], [-0.4, 0.05, 0.1, 0.3], [0.1, 0.1, -0.2, -0.3]]
after = []
for g in grads:
    p.grad = torch.tensor(g)
    adamw.step()
    after.append(p.detach().tolist())
cases["adamw"] = {"lr": 0.01, "weight_decay": 0.1, "initial": [1.0, -2.0, 0.5, 0.0], "grads": grads, "after": after}

# Label-smoothed classification loss and its gradient (CrossEntropyLoss(label_smoothing=0.1), mean over rows).
logits = torch.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], requires_grad=True)
labels = torch.tensor([1, 0])
loss = torch.nn.functional.cross_entropy(logits, labels, label_smoothing=0.1)
loss.backward()
cases["label_smoothing"] = {"epsilon": 0.1, "logits": logits.detach().tolist(), "labels": labels.tolist(),
                            "loss": loss.item(), "grad": logits.grad.tolist()}

folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "data", "torch-training")
os.makedirs(folder, exist_ok=True)
text = json.dumps(cases, indent=1, sort_keys=True) + "\n"
assert len(text) < 30_000
with open(os.path.join(folder, "training.json"), "w") as f:
    f.write(text)
print("torch", torch.__version__, "wrote", len(text), "bytes")
