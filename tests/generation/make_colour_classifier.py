#!/usr/bin/python3
"""Writes OUTDIR/colour.pt: a TorchScript classifier of the interpretation test project's
classes (cat, dog) that makes exactly that project's planted mistakes: blue and green images
are "cat", red and yellow ones "dog" (so red cats and green dogs are wrong).

    make_colour_classifier.py OUTDIR
"""
import os
import sys

import torch


class Colour(torch.nn.Module):
    def forward(self, x):
        r, g, b = x[:, 0].mean((1, 2)), x[:, 1].mean((1, 2)), x[:, 2].mean((1, 2))
        cat = 4.0 * (b + g - 2.0 * r)
        return torch.stack([cat, -cat], 1)


if __name__ == "__main__":
    os.makedirs(sys.argv[1], exist_ok=True)
    torch.jit.save(torch.jit.script(Colour().eval()), os.path.join(sys.argv[1], "colour.pt"))
