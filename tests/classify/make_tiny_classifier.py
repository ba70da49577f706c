#!/usr/bin/python3
"""Writes the fixtures of tests/classify: tiny TorchScript classifiers, a few PNGs and the
probabilities Python computes for them with torchvision's preprocessing (re-implemented on
PIL, which is what torchvision runs on PIL images: Debian has no python3-torchvision).

    make_tiny_classifier.py OUTDIR

OUTDIR/
  tiny_rgb.pt     3 × 16 × 16 in, 4 logits out (conv → relu → linear)
  tiny_grey.pt    the same on 1 channel
  tiny_probs.pt   tiny_rgb with a softmax at the end (probabilities out)
  wrong_width.pt  3 × 16 × 16 in, 5 logits out
  state_dict.pt   torch.save(state_dict): a pickle, not TorchScript
  random.bin      random bytes
  images/*.png    RGB, RGBA, L, LA, P and 16-bit grey images of assorted sizes
  expected.json   {"cases": [{"spec": ClassifierSpec JSON, "probabilities": {png: [p0..p3]}}]}
"""
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

CLASSES = 4
SIZE = 16


class Tiny(torch.nn.Module):
    def __init__(self, channels, classes, softmax=False):
        super().__init__()
        self.conv = torch.nn.Conv2d(channels, 4, 3, padding=1)
        self.fc = torch.nn.Linear(4 * SIZE * SIZE, classes)
        with torch.no_grad():
            self.fc.weight.mul_(6.0)  # spread the logits so predictions differ between images
        self.softmax = softmax

    def forward(self, x):
        x = self.fc(torch.relu(self.conv(x)).flatten(1))
        if self.softmax:
            x = torch.softmax(x, 1)
        return x


def write_images(folder):
    rng = np.random.default_rng(3)
    os.makedirs(folder, exist_ok=True)
    images = {
        "rgb_24x20.png": Image.fromarray(rng.integers(0, 256, (20, 24, 3), dtype=np.uint8), "RGB"),
        "rgba_17x31.png": Image.fromarray(rng.integers(0, 256, (31, 17, 4), dtype=np.uint8), "RGBA"),
        "grey_30x30.png": Image.fromarray(rng.integers(0, 256, (30, 30), dtype=np.uint8), "L"),
        "la_41x13.png": Image.fromarray(rng.integers(0, 256, (13, 41, 2), dtype=np.uint8), "LA"),
        "exact_16x16.png": Image.fromarray(rng.integers(0, 256, (16, 16, 3), dtype=np.uint8), "RGB"),
        "palette_22x19.png": Image.fromarray(rng.integers(0, 256, (19, 22, 3), dtype=np.uint8), "RGB")
        .quantize(colors=16),
        "grey16_25x18.png": Image.fromarray(rng.integers(0, 400, (18, 25), dtype=np.uint16)),
    }
    for name, image in images.items():
        image.save(os.path.join(folder, name))
    return sorted(images)


def transform(path, spec):
    """ImageFolder's loader + Resize/CenterCrop (or Resize((s, s))) + ToTensor + Normalize."""
    image = Image.open(path).convert("L" if spec["channels"] == 1 else "RGB")
    size = spec["inputSize"]
    if spec["resize"] == "stretch":
        image = image.resize((size, size), Image.BILINEAR)
    else:
        resize = spec["resizeSize"] or size
        w, h = image.size
        short, long = (w, h) if w <= h else (h, w)
        new_long = int(resize * long / short)
        new_w, new_h = (resize, new_long) if w <= h else (new_long, resize)
        if (new_w, new_h) != (w, h):
            image = image.resize((new_w, new_h), Image.BILINEAR)
        left = int(round((new_w - size) / 2.0))
        top = int(round((new_h - size) / 2.0))
        image = image.crop((left, top, left + size, top + size))
    pixels = np.asarray(image, dtype=np.uint8)
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    tensor = torch.from_numpy(pixels.copy()).permute(2, 0, 1).float().div(255)
    channels = spec["channels"]
    mean = torch.tensor(spec["mean"][:channels]).view(-1, 1, 1)
    std = torch.tensor(spec["std"][:channels]).view(-1, 1, 1)
    return (tensor - mean) / std


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    models = {
        "tiny_rgb.pt": Tiny(3, CLASSES),
        "tiny_grey.pt": Tiny(1, CLASSES),
        "wrong_width.pt": Tiny(3, CLASSES + 1),
    }
    probs = Tiny(3, CLASSES, softmax=True)
    probs.load_state_dict(models["tiny_rgb.pt"].state_dict())
    models["tiny_probs.pt"] = probs
    for name, model in models.items():
        torch.jit.save(torch.jit.script(model.eval()), os.path.join(out, name))
    torch.save(models["tiny_rgb.pt"].state_dict(), os.path.join(out, "state_dict.pt"))
    with open(os.path.join(out, "random.bin"), "wb") as f:
        f.write(np.random.default_rng(5).integers(0, 256, 4096, dtype=np.uint8).tobytes())

    images = write_images(os.path.join(out, "images"))

    def spec(model, **fields):
        base = {"path": os.path.join(out, model), "inputSize": SIZE, "resizeSize": 20, "resize": "crop",
                "channels": 3, "mean": [0.5, 0.4, 0.3], "std": [0.2, 0.25, 0.3], "output": "logits"}
        base.update(fields)
        return base

    specs = [
        spec("tiny_rgb.pt"),
        spec("tiny_rgb.pt", resize="stretch", resizeSize=0),
        spec("tiny_rgb.pt", resizeSize=0),
        spec("tiny_grey.pt", channels=1, resizeSize=18, mean=[0.45, 0.45, 0.45], std=[0.22, 0.22, 0.22]),
        spec("tiny_probs.pt", output="probabilities"),
    ]
    cases = []
    with torch.no_grad():
        for s in specs:
            model = torch.jit.load(s["path"])
            result = {}
            for name in images:
                scores = model(transform(os.path.join(out, "images", name), s).unsqueeze(0))
                p = scores if s["output"] == "probabilities" else torch.softmax(scores, 1)
                result[name] = [float(v) for v in p[0]]
            cases.append({"spec": s, "probabilities": result})
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"classes": CLASSES, "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
