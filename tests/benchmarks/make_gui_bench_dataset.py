#!/usr/bin/python3
"""The workbench (GUI) benchmark's dataset: 100,000 small PNGs with predictions and embeddings.

  /usr/bin/python3 tests/benchmarks/make_gui_bench_dataset.py --out /tmp/fl-gui-bench/data \
      [--seed 7] [--dim 512] [--classes 100] [--per-class 808] [--big 20008]

Writes ROOT/<split>/<class>/img_NNNNN.png (32 x 32 RGB, each one different: the class's hue as a
gradient at a random angle, a disc of random colour and size, mild noise), ROOT/predictions.csv
(about 20 % errors), ROOT/embeddings.npy ([N, dim] float32) and ROOT/embedding_paths.txt, with a
planted failure direction per class (tests/parity/make_parity_dataset.py does the data; this
script only chooses the sizes and draws the images).

Sizes: class_0000 is the big one (--big images: 2,000 val, 500 train, 1,500 pool, the rest
test), so the gallery has a class of 20k images to scroll; every other class has --per-class
images (400 val, 100 train, 50 pool, the rest test). Defaults: 99 x 808 + 20,008 = 100,000.
Then analyse it once, so that a completed run exists (the state a user reopens):

  build/app/cli/faultline-cli analyze --dataset ROOT --embeddings ROOT/embeddings.npy \
      --embedding-paths ROOT/embedding_paths.txt
"""
import argparse
import colorsys
import io
import os
import sys
import time

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "parity"))

import make_parity_dataset as gen  # noqa: E402

SIZE = 32


def split_counts(total, val, train, pool):
    return {"val": val, "train": train, "pool": pool, "test": total - val - train - pool}


def make_spec(classes, per_class, big, seed):
    spec = gen.make_uniform_spec(classes, fit=400, train=100, error_rate=(0.15, 0.25), seed=seed)
    for c in spec:
        rate = c["errors"]["val"] / c["counts"]["val"]
        c["counts"] = split_counts(big if c is spec[0] else per_class, *((2000, 500, 1500) if c is spec[0]
                                                                           else (400, 100, 50)))
        c["errors"] = {s: int(round(n * rate)) for s, n in c["counts"].items()}
    return spec


def image_drawer(classes, seed):
    """image_png(class_index, split, i) for gen.generate: a different 32 x 32 PNG every call."""
    rng = np.random.default_rng(10_000 + seed)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / (SIZE - 1)
    hues = [np.array(colorsys.hsv_to_rgb(c / classes, 0.65, 0.9), np.float32) * 255 for c in range(classes)]

    def image_png(class_index, split, i):
        angle = rng.uniform(0, 2 * np.pi)
        ramp = 0.55 + 0.45 * (np.cos(angle) * xx + np.sin(angle) * yy + 1.0) / 2.0
        img = ramp[..., None] * hues[class_index % classes]
        cy, cx = rng.uniform(4, SIZE - 4, 2)
        disc = (yy * (SIZE - 1) - cy) ** 2 + (xx * (SIZE - 1) - cx) ** 2 < rng.uniform(3, 10) ** 2
        img[disc] = rng.integers(0, 256, 3)
        img += rng.normal(0, 6, img.shape)
        buf = io.BytesIO()
        Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB").save(buf, format="PNG")
        return buf.getvalue()

    return image_png


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dim", type=int, default=512)
    ap.add_argument("--classes", type=int, default=100)
    ap.add_argument("--per-class", type=int, default=808)
    ap.add_argument("--big", type=int, default=20008)
    a = ap.parse_args()
    if a.classes < 2 or a.per_class < 551 or a.big < 4001:
        ap.error("need --classes >= 2, --per-class >= 551 and --big >= 4001 (every split non-empty)")
    if os.path.exists(os.path.join(a.out, "predictions.csv")):
        ap.error(f"{a.out} already holds a dataset; remove it first")
    t0 = time.monotonic()

    def progress(done, total):
        if done % 10 == 0 or done == total:
            print(f"  {done}/{total} classes ({time.monotonic() - t0:.0f} s)", file=sys.stderr, flush=True)

    n = gen.generate(a.out, a.seed, make_spec(a.classes, a.per_class, a.big, a.seed), a.dim,
                     progress=progress, image_png=image_drawer(a.classes, a.seed))
    print(f"wrote {n} images x {a.dim} dims to {a.out} in {time.monotonic() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
