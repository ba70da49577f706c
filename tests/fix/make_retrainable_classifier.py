#!/usr/bin/python3
"""Writes the TorchScript classifiers of tests/fix/test_classifier_head.cpp (Debian's python3-torch).

    make_retrainable_classifier.py OUTDIR

OUTDIR/
  retrainable.pt  3 × 8 × 8 in, 2 logits out; features(x) gives 6 values, `fc` is the head,
                  `classifier` a Conv2d that is not (the contract in core/classify/ImageClassifier.h)
  no_features.pt  the same network without a features(x) method
  wrong_width.pt  features(x) gives 5 values, `fc` takes 6
"""
import os
import sys

import torch

SIZE = 8


class Retrainable(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.body = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * SIZE * SIZE, 6), torch.nn.ReLU())
        self.classifier = torch.nn.Conv2d(3, 1, 1)  # a submodule that is not a Linear
        self.fc = torch.nn.Linear(6, 2)

    @torch.jit.export
    def features(self, x):
        return self.body(x)

    def forward(self, x):
        return self.fc(self.features(x))


class NoFeatures(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.body = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * SIZE * SIZE, 6), torch.nn.ReLU())
        self.fc = torch.nn.Linear(6, 2)

    def forward(self, x):
        return self.fc(self.body(x))


class WrongWidth(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.body = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * SIZE * SIZE, 5), torch.nn.ReLU())
        self.fc = torch.nn.Linear(6, 2)

    @torch.jit.export
    def features(self, x):
        return self.body(x)

    def forward(self, x):
        return self.fc(torch.nn.functional.pad(self.features(x), (0, 1)))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(7)
    for name, module in (("retrainable", Retrainable()), ("no_features", NoFeatures()), ("wrong_width", WrongWidth())):
        torch.jit.save(torch.jit.script(module.eval()), os.path.join(out, name + ".pt"))


if __name__ == "__main__":
    main()
