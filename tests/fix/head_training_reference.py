#!/usr/bin/env python3
"""The head-retraining recipe in PyTorch, for test_head_training's parity check.

Reads DIR/{x,labels,weights,w0,b0}.npy, trains torch.nn.Linear's weight and bias as
core/fix/HeadTraining.cpp does (F.linear, per-row cross-entropy weighted and divided by the
weights' sum, full-batch torch.optim.SGD with momentum and weight decay) and writes
DIR/{w,b}.npy and DIR/loss.txt (initial and final loss).
  head_training_reference.py DIR LR MOMENTUM WEIGHT_DECAY EPOCHS THREADS
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F


def main():
    folder = sys.argv[1]
    lr, momentum, decay = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    epochs, threads = int(sys.argv[5]), int(sys.argv[6])
    torch.set_num_threads(threads)
    load = lambda name: np.load(os.path.join(folder, name + ".npy"))
    x = torch.from_numpy(load("x").astype(np.float32))
    y = torch.from_numpy(load("labels").astype(np.int64).reshape(-1))
    weights = torch.from_numpy(load("weights").astype(np.float32).reshape(-1))
    w = torch.from_numpy(load("w0").astype(np.float32)).clone().requires_grad_(True)
    b = torch.from_numpy(load("b0").astype(np.float32).reshape(-1)).clone().requires_grad_(True)
    optimizer = torch.optim.SGD([w, b], lr=lr, momentum=momentum, weight_decay=decay)
    weight_sum = weights.sum().item()

    def loss():
        return (F.cross_entropy(F.linear(x, w, b), y, reduction="none") * weights).sum() / weight_sum

    initial = None
    for epoch in range(epochs):
        optimizer.zero_grad()
        value = loss()
        if epoch == 0:
            initial = value.item()
        value.backward()
        optimizer.step()
    with torch.no_grad():
        final = loss().item()
    np.save(os.path.join(folder, "w.npy"), w.detach().numpy())
    np.save(os.path.join(folder, "b.npy"), b.detach().numpy().reshape(1, -1))
    with open(os.path.join(folder, "loss.txt"), "w") as out:
        out.write(f"{initial!r} {final!r}\n")


if __name__ == "__main__":
    main()
