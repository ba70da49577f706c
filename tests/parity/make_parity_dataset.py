#!/usr/bin/python3
"""Synthetic ImageFolder dataset with planted failure directions, for parity checks and benchmarks.

Writes, under OUT:
  OUT/<split>/<class>/img_NNNNN.png   one tiny PNG per image (every file exists and decodes)
  OUT/predictions.csv                 path,label,prediction,split,confidence (rows in path order)
  OUT/embeddings.npy                  [N, D] float32, one row per image
  OUT/embedding_paths.txt             the dataset-relative path of each embedding row

Each class has its own mean and an anisotropic noise (so whitening matters) and a hidden unit
"failure direction": the embeddings of misclassified images are shifted along it by the
class's strength, so a linear SVM can recover it (more or less well, by the strength).

The default parity set (make_parity_spec) covers: classes of different sizes in
val/train/test/pool, strong and weak directions, a class with no errors in val, one with a single
error (skipped: too few for 2-fold CV), one whose val images are all errors but one (skipped), a
class name with a space and one with a comma (CSV quoting). Everything is a function of --seed.

  /usr/bin/python3 make_parity_dataset.py --out DIR --seed 1 [--dim 96]
"""
import argparse
import csv
import io
import os
import sys

import numpy as np

SPLITS = ("val", "train", "test", "pool")


def png_bytes(rgb, size=4):
    """A tiny PNG of one colour, encoded with PIL (falls back to a hand-made PNG without PIL)."""
    try:
        from PIL import Image
        buf = io.BytesIO()
        Image.new("RGB", (size, size), tuple(int(v) for v in rgb)).save(buf, format="PNG")
        return buf.getvalue()
    except ImportError:  # pragma: no cover - Debian's python3-pil is expected
        import struct
        import zlib

        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        raw = b"".join(b"\x00" + bytes(int(v) for v in rgb) * size for _ in range(size))
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_parity_spec(seed):
    """The parity test's classes. Sizes jitter with the seed; statuses are fixed by construction.

    Each class: name, counts {split: n}, errors {split: n} (exact error counts), strength.
    """
    rng = np.random.default_rng(1000 + seed)

    def jitter(n):
        return max(1, int(round(n * rng.uniform(0.8, 1.25))))

    def cls(name, val, train, test, pool, rate, strength, val_errors=None):
        counts = {"val": jitter(val) if val else 0, "train": jitter(train) if train else 0,
                  "test": jitter(test) if test else 0, "pool": jitter(pool) if pool else 0}
        errors = {s: int(round(counts[s] * rate)) for s in SPLITS}
        if val_errors is not None:
            errors["val"] = val_errors(counts["val"])
        return {"name": name, "counts": counts, "errors": errors, "strength": strength}

    return [
        cls("airplane", 320, 200, 120, 60, 0.22, 5.0),            # strong direction
        cls("sea lion", 160, 100, 90, 0, 0.30, 2.5),              # space in the name, no pool
        cls("cat, domestic", 90, 60, 70, 25, 0.18, 3.5),          # comma in the name (CSV quoting)
        cls("ship", 420, 150, 100, 40, 0.12, 1.2),                # weak direction, imbalanced
        cls("truck", 24, 20, 60, 10, 0.30, 3.0),                  # tiny fit split
        cls("dog", 50, 40, 40, 0, 0.20, 3.0, lambda n: 0),        # no errors in val -> skipped
        cls("frog", 70, 40, 40, 20, 0.20, 3.0, lambda n: 1),      # a single val error -> skipped
        cls("horse", 30, 30, 60, 0, 0.25, 3.0, lambda n: n - 1),  # all val errors but one -> skipped
    ]


def make_uniform_spec(classes, fit, train, error_rate=(0.1, 0.3), strength=(0.5, 3.0), seed=0,
                      test=0, pool=0):
    """Benchmark-style spec: `classes` classes with `fit` val and `train` train images each."""
    rng = np.random.default_rng(2000 + seed)
    width = max(4, len(str(classes - 1)))
    spec = []
    for c in range(classes):
        rate = rng.uniform(*error_rate)
        counts = {"val": fit, "train": train, "test": test, "pool": pool}
        spec.append({"name": f"class_{c:0{width}d}", "counts": counts,
                     "errors": {s: int(round(counts[s] * rate)) for s in SPLITS},
                     "strength": float(rng.uniform(*strength))})
    if classes == 1:
        # wrong predictions must name a class of the dataset: add a small one with no errors
        # (skipped by both tools, so it costs nothing)
        spec.append({"name": "other", "counts": {"val": 20, "train": 10, "test": 0, "pool": 0},
                     "errors": {s: 0 for s in SPLITS}, "strength": 0.0})
    return spec


def generate(out, seed, spec, dim, write_images=True, progress=None, image_png=None):
    """Writes the dataset described by `spec` under `out`; returns the number of images.

    image_png(class_index, split, i) -> PNG bytes draws each image; default: one of 8 tiny
    single-colour PNGs (the parity data; it does not touch `seed`'s random stream)."""
    rng = np.random.default_rng(seed)
    os.makedirs(out, exist_ok=True)
    names = [c["name"] for c in spec]
    scale = np.exp(rng.normal(0.0, 0.6, dim))        # anisotropic per-dimension noise
    offset = rng.normal(0.0, 3.0, dim)               # a global offset whitening removes
    palette = [png_bytes(rng.integers(0, 256, 3)) for _ in range(8)]

    paths, labels, preds, splits, confs, blocks = [], [], [], [], [], []
    for ci, c in enumerate(spec):
        mean = offset + rng.normal(0.0, 1.5, dim)
        direction = rng.normal(0.0, 1.0, dim)
        direction /= np.linalg.norm(direction)
        direction *= scale                           # planted in raw space, stretched like the noise
        for split in SPLITS:
            n = c["counts"].get(split, 0)
            if n == 0:
                continue
            k = c["errors"].get(split, 0)
            wrong = np.zeros(n, dtype=bool)
            wrong[rng.choice(n, size=k, replace=False)] = True
            x = mean + rng.normal(0.0, 1.0, (n, dim)) * scale
            # errors sit on the negative side of the direction, with overlap set by the strength
            x -= np.outer(np.where(wrong, 1.0, 0.0) * c["strength"], direction)
            blocks.append(x.astype(np.float32))
            folder = os.path.join(out, split, c["name"])
            os.makedirs(folder, exist_ok=True)
            # a wrong prediction names another class
            others = [names[j] for j in range(len(names)) if j != ci] or [c["name"]]
            other = rng.choice(len(others), size=n)
            conf = rng.uniform(0.3, 1.0, n)
            for i in range(n):
                rel = f"{split}/{c['name']}/img_{i:05d}.png"
                if write_images:
                    with open(os.path.join(out, rel), "wb") as f:
                        f.write(image_png(ci, split, i) if image_png else palette[(ci + i) % len(palette)])
                paths.append(rel)
                labels.append(c["name"])
                preds.append(others[other[i]] if wrong[i] else c["name"])
                splits.append(split)
                confs.append(conf[i])
        if progress:
            progress(ci + 1, len(spec))

    E = np.concatenate(blocks, axis=0) if blocks else np.zeros((0, dim), np.float32)
    # predictions.csv rows and embedding rows each in their own shuffled order: the reference deals
    # CV folds in the CSV's row order (Faultline must too), and the path -> row mapping is exercised.
    order = rng.permutation(len(paths))
    with open(os.path.join(out, "predictions.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "label", "prediction", "split", "confidence"])
        for i in order:
            w.writerow([paths[i], labels[i], preds[i], splits[i], f"{confs[i]:.4f}"])
    perm = rng.permutation(len(paths))
    np.save(os.path.join(out, "embeddings.npy"), np.ascontiguousarray(E[perm]))
    with open(os.path.join(out, "embedding_paths.txt"), "w") as f:
        for i in perm:
            f.write(paths[i] + "\n")
    return len(paths)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dim", type=int, default=0, help="embedding width (default: 64, 96 or 128 by seed)")
    a = ap.parse_args()
    dim = a.dim or int(np.random.default_rng(a.seed).choice([64, 96, 128]))
    n = generate(a.out, a.seed, make_parity_spec(a.seed), dim)
    print(f"wrote {n} images × {dim} dims to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
