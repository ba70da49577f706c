#!/usr/bin/python3
"""A dataset with a planted failure subgroup and a classifier that fails on it (issue 13's
acceptance test: filtering by decision value must fix it better than by confidence or at random).

    make_planted_subgroup.py OUTDIR

OUTDIR/data/<split>/<class>/*.png  8 × 8 RGB: "cat" images are red, "dog" images cyan; a quarter
                                   of the cats are green (only 2 % of the training cats), which
                                   look more like dogs to a head trained on the training split;
                                   15 of the pool's cats are pale (washed out), a second failure
                                   the classifier is even less sure of, so selecting by confidence
                                   picks them, and they do not fix the green cats
OUTDIR/embeddings.npy + .paths.txt stand-ins for CLIP: each image's mean colour plus noise
OUTDIR/data/.faultline/generated/cat/gen_NN.png  20 "generated" green cats (the test registers
                                   them as generated samples of the hard group)
OUTDIR/classifier.pt               TorchScript: features(x) = a fixed random ReLU layer, head `fc`
                                   trained on the training split's features
"""
import os
import sys

import numpy as np
import torch
from PIL import Image

SIZE = 8
SPLITS = {"train": (100, 2), "val": (40, 10), "pool": (60, 15), "test": (40, 10)}  # cats per split, green among them
COLOURS = {"cat": (200, 40, 40), "green": (40, 175, 150), "dog": (40, 160, 200), "pale": (245, 225, 225)}
PALE_POOL_CATS = 15  # after the green ones


class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.body = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * SIZE * SIZE, 16), torch.nn.ReLU())
        self.fc = torch.nn.Linear(16, 2)

    @torch.jit.export
    def features(self, x):
        return self.body(x)

    def forward(self, x):
        return self.fc(self.features(x))


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(5)
    torch.manual_seed(5)
    rows, paths, train_x, train_y = [], [], [], []
    for split, (cats, green) in SPLITS.items():
        for cls in ("cat", "dog"):
            folder = os.path.join(out, "data", split, cls)
            os.makedirs(folder, exist_ok=True)
            for i in range(cats):
                colour = COLOURS["green"] if cls == "cat" and i < green else COLOURS[cls]
                if split == "pool" and cls == "cat" and green <= i < green + PALE_POOL_CATS:
                    colour = COLOURS["pale"]
                pixels = np.clip(np.array(colour) + rng.normal(0, 25, (SIZE, SIZE, 3)), 0, 255).astype(np.uint8)
                rel = f"{split}/{cls}/{i:03d}.png"
                Image.fromarray(pixels, "RGB").save(os.path.join(out, "data", rel))
                mean = pixels.reshape(-1, 3).mean(0) / 255.0
                rows.append(np.concatenate([mean, rng.normal(0, 0.02, 5)]).astype(np.float32))
                paths.append(rel)
                if split == "train":
                    # The classifier's input: ToTensor then Normalize(0.5, 0.25), as the test's predict does.
                    train_x.append((pixels.astype(np.float32) / 255.0 - 0.5) / 0.25)
                    train_y.append(0 if cls == "cat" else 1)
    generated = os.path.join(out, "data", ".faultline", "generated", "cat")
    os.makedirs(generated, exist_ok=True)
    for i in range(20):
        pixels = np.clip(np.array(COLOURS["green"]) + rng.normal(0, 25, (SIZE, SIZE, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(pixels, "RGB").save(os.path.join(generated, f"gen_{i:02d}.png"))
    np.save(os.path.join(out, "embeddings.npy"), np.stack(rows))
    with open(os.path.join(out, "embeddings.paths.txt"), "w") as f:
        f.write("\n".join(paths) + "\n")

    model = Classifier()
    for p in model.body.parameters():
        p.requires_grad_(False)
    x = torch.from_numpy(np.stack(train_x)).permute(0, 3, 1, 2).contiguous()
    y = torch.tensor(train_y)
    optimizer = torch.optim.SGD(model.fc.parameters(), lr=0.1, momentum=0.9)
    for _ in range(300):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    torch.jit.save(torch.jit.script(model.eval()), os.path.join(out, "classifier.pt"))
    # How often the head gets a fresh green cat right: the failure the test must see fixed.
    greens = np.clip(np.array(COLOURS["green"]) + rng.normal(0, 25, (200, SIZE, SIZE, 3)), 0, 255).astype(np.uint8)
    g = torch.from_numpy((greens.astype(np.float32) / 255.0 - 0.5) / 0.25).permute(0, 3, 1, 2).contiguous()
    with torch.no_grad():
        print(f"green cats classified as cats: {(model(g).argmax(1) == 0).float().mean().item():.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()
