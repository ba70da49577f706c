#!/usr/bin/python3
"""Build Faultline's demo dataset: a small Fashion-MNIST ImageFolder with planted failure modes.

Usage: make_demo_dataset.py --out DIR [--seed 0]
Needs only Debian packages: python3-numpy, python3-pil, python3-sklearn and dataset-fashion-mnist
(/usr/share/datasets/fashion-mnist). Nothing is downloaded; output is deterministic per seed.

Writes, under DIR:
  <split>/<class>/<name>.png   28x28 grayscale, splits train/val/test/pool, all 10 classes
  predictions.csv              path,label,prediction,split,confidence (confidence = P(true label))
  embeddings.npy               float32 [N, 64], PCA of pixels (label-free, fitted on all images)
  embeddings.paths.txt         one dataset-relative path per embedding row
  subgroups.csv                path,class,subgroup for every image in a planted subgroup
  classifier.pt                the same logistic regression as TorchScript (features(x) = the
                               pixels, head `fc`), for predict and retrain; written when Debian's
                               python3-torch is installed (feed it --input-size 28 --resize-size 28
                               --channels 1 --mean 0 --std 1)
  README.txt                   what was planted and how the files relate

Planted subgroups (rare in train, common everywhere else, so the base classifier never learns them):
  Bag      "rotated-90ccw": rotated 90 deg counter-clockwise   2% of train, 30% of val/test/pool
  Sneaker  "rotated-90cw":  rotated 90 deg clockwise           2% of train, 30% of val/test/pool
The classifier gets most planted images wrong (Bag ~5-25%, Sneaker ~0-2% correct, vs ~90% for the
rest of the class), so a failure-mode finder should rank these two classes highest and put the
planted images at the hard (most negative) end of their classes' directions. T-shirt (vs Shirt) is
the strongest natural failure mode and usually comes next.
(Colour inversion or flips were tried and rejected: with 2% of train a linear model learns them.)
"""
import argparse
import csv
import gzip
import os
import time

import numpy as np
from PIL import Image
from sklearn.linear_model import LogisticRegression

SOURCE_DIR = "/usr/share/datasets/fashion-mnist"
# Index = Fashion-MNIST label. "Ankle boot" keeps a space and "T-shirt" a hyphen to exercise quoting.
CLASSES = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SPLIT_SIZES = {"train": 300, "val": 200, "test": 200, "pool": 200}  # images per class
# class -> (subgroup name, fraction of train, fraction of every other split)
PLANTED = {"Bag": ("rotated-90ccw", 0.02, 0.30),
           "Sneaker": ("rotated-90cw", 0.02, 0.30)}
EMBED_DIM = 64


def read_idx(path):
    """Read a gzipped IDX file (big-endian header, uint8 payload) into an array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_source():
    """All 70k Fashion-MNIST images and labels; the official split is irrelevant for the demo."""
    parts = [(read_idx(f"{SOURCE_DIR}/{p}-images-idx3-ubyte.gz"),
              read_idx(f"{SOURCE_DIR}/{p}-labels-idx1-ubyte.gz")) for p in ("train", "t10k")]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def transform(img, subgroup):
    """Apply a planted subgroup's visual change."""
    if subgroup == "rotated-90ccw":
        return np.ascontiguousarray(np.rot90(img, 1))
    if subgroup == "rotated-90cw":
        return np.ascontiguousarray(np.rot90(img, -1))
    raise ValueError(subgroup)


def sample_dataset(images, labels, rng):
    """Pick disjoint source images per class and split; plant subgroups.

    Returns a list of records: dict(path, split, label, subgroup, pixels).
    """
    records = []
    for label, cls in enumerate(CLASSES):
        available = rng.permutation(np.flatnonzero(labels == label))
        start = 0
        for split, n in SPLIT_SIZES.items():
            chosen = np.sort(available[start:start + n])
            start += n
            n_planted = 0
            if cls in PLANTED:
                frac = PLANTED[cls][1] if split == "train" else PLANTED[cls][2]
                n_planted = int(round(frac * n))
            planted = set(rng.choice(n, n_planted, replace=False).tolist())
            for i, src in enumerate(chosen):
                subgroup = PLANTED[cls][0] if i in planted else ""
                img = transform(images[src], subgroup) if subgroup else images[src]
                # Name by source index so images stay traceable; the name does not reveal the subgroup.
                path = f"{split}/{cls}/fmnist-{src:05d}.png"
                records.append(dict(path=path, split=split, label=cls, subgroup=subgroup, pixels=img))
    return records


def write_images(records, out):
    for r in records:
        full = os.path.join(out, r["path"])
        os.makedirs(os.path.dirname(full), exist_ok=True)
        Image.fromarray(r["pixels"]).save(full)  # uint8 2-D -> grayscale


def pixel_matrix(records):
    return np.stack([r["pixels"].reshape(-1) for r in records]).astype(np.float32) / 255.0


def train_classifier(X, y, seed):
    """Plain multinomial logistic regression on pixels. Strong regularisation keeps it from
    fitting the handful of planted train images; unplanted accuracy stays at the usual ~85%."""
    clf = LogisticRegression(C=0.05, max_iter=1000, random_state=seed)
    clf.fit(X, y)
    return clf


def make_embeddings(X):
    """PCA of pixels, fitted label-free on every image.

    Stands in for a pretrained encoder, which has seen rotated objects before: fitting on train
    alone (2% planted) would leave the rotations poorly represented and blur the planted groups.
    Eigen-decomposing the 784x784 covariance is much faster than sklearn's PCA here."""
    Xc = (X - X.mean(0)).astype(np.float64)
    _, vecs = np.linalg.eigh(Xc.T @ Xc)
    V = vecs[:, ::-1][:, :EMBED_DIM]  # eigh sorts ascending
    # Fix each component's sign (largest loading positive) so output does not depend on LAPACK.
    V *= np.sign(V[np.abs(V).argmax(0), np.arange(EMBED_DIM)])
    return (Xc @ V).astype(np.float32)


def write_predictions(records, pred, conf, out):
    with open(os.path.join(out, "predictions.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "label", "prediction", "split", "confidence"])
        for r, p, c in zip(records, pred, conf):
            w.writerow([r["path"], r["label"], CLASSES[p], r["split"], f"{c:.6f}"])


def write_embeddings(records, E, out):
    np.save(os.path.join(out, "embeddings.npy"), np.ascontiguousarray(E, dtype=np.float32))
    with open(os.path.join(out, "embeddings.paths.txt"), "w", newline="\n") as f:
        f.writelines(r["path"] + "\n" for r in records)


def write_classifier(clf, out):
    """The logistic regression as a TorchScript classifier Faultline can run and retrain: its
    penultimate features are the pixels in [0, 1] (ToTensor), its head the regression's weights.
    Returns False when python3-torch is missing (the CSV predictions do without it)."""
    try:
        import torch
    except ImportError:
        return False

    class PixelLogistic(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(28 * 28, len(CLASSES))

        @torch.jit.export
        def features(self, x):
            return x.flatten(1)

        def forward(self, x):
            return self.fc(self.features(x))

    model = PixelLogistic()
    # Output i is the i-th class folder in sorted order, as torchvision's ImageFolder (and
    # Faultline without --classes) numbers them; the regression's are Fashion-MNIST's labels.
    order = sorted(range(len(CLASSES)), key=lambda i: CLASSES[i])
    with torch.no_grad():
        model.fc.weight.copy_(torch.from_numpy(clf.coef_[order].astype(np.float32)))
        model.fc.bias.copy_(torch.from_numpy(clf.intercept_[order].astype(np.float32)))
    torch.jit.save(torch.jit.script(model.eval()), os.path.join(out, "classifier.pt"))
    return True


def write_subgroups(records, out):
    with open(os.path.join(out, "subgroups.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "class", "subgroup"])
        for r in records:
            if r["subgroup"]:
                w.writerow([r["path"], r["label"], r["subgroup"]])


def write_readme(out, seed, summary):
    lines = [
        "Faultline demo dataset (generated by resources/demo/make_demo_dataset.py, "
        f"seed {seed}) from Fashion-MNIST.",
        "",
        "Layout: <split>/<class>/<name>.png with splits " + ", ".join(SPLIT_SIZES) + ";",
        "per class: " + ", ".join(f"{s} {n}" for s, n in SPLIT_SIZES.items()) + " images.",
        "",
        "Planted subgroups (rare in train, so the base classifier fails on them):",
    ]
    for cls, (name, f_train, f_other) in PLANTED.items():
        lines.append(f"  {cls}: '{name}' - {f_train:.0%} of train, {f_other:.0%} of val/test/pool")
    lines += [
        "Every planted image is listed in subgroups.csv (path,class,subgroup).",
        "",
        "predictions.csv: a logistic regression on raw pixels, trained on train only;",
        "  confidence = its probability of the true label.",
        "classifier.pt: the same regression as TorchScript (features(x) = pixels, head fc):",
        "  faultline-cli predict --classifier classifier.pt --input-size 28 --resize-size 28"
        " --channels 1 --mean 0 --std 1",
        f"embeddings.npy: float32 [N, {EMBED_DIM}], PCA of pixels (label-free, fitted on all images);",
        "  row i belongs to line i of embeddings.paths.txt.",
        "",
        summary,
    ]
    with open(os.path.join(out, "README.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def summarise(records, correct):
    """Per-split counts and accuracies, and planted-vs-rest accuracy on the non-train splits."""
    split = np.array([r["split"] for r in records])
    label = np.array([r["label"] for r in records])
    sub = np.array([r["subgroup"] for r in records])
    lines = ["Images per split: " + ", ".join(f"{s} {int((split == s).sum())}" for s in SPLIT_SIZES)
             + f" (total {len(records)})"]
    lines.append("Accuracy per split: " + ", ".join(
        f"{s} {correct[split == s].mean():.3f}" for s in SPLIT_SIZES)
        + f" (overall {correct.mean():.3f})")
    held_out = split != "train"
    for cls, (name, _, _) in PLANTED.items():
        m = held_out & (label == cls)
        lines.append(f"{cls} (val/test/pool): '{name}' accuracy {correct[m & (sub == name)].mean():.3f}"
                     f" (n={int((m & (sub == name)).sum())}), rest {correct[m & (sub == '')].mean():.3f}"
                     f" (n={int((m & (sub == '')).sum())})")
    return "\n".join(lines)


def check_planted(records, correct, min_gap=0.5):
    """Fail loudly if a planted subgroup is not a clear failure mode; the demo is useless then."""
    split = np.array([r["split"] for r in records])
    label = np.array([r["label"] for r in records])
    sub = np.array([r["subgroup"] for r in records])
    for cls, (name, _, _) in PLANTED.items():
        m = (split != "train") & (label == cls)
        gap = correct[m & (sub == "")].mean() - correct[m & (sub == name)].mean()
        if gap < min_gap:
            raise SystemExit(f"planted subgroup {cls}/{name} is not a clear failure mode "
                             f"(accuracy gap {gap:.3f} < {min_gap})")


def ensure_empty_dir(path):
    """Refuse to mix with an older dataset: stale images would end up in an ImageFolder scan."""
    if os.path.isdir(path) and os.listdir(path):
        raise SystemExit(f"{path} is not empty; choose a new --out directory")
    os.makedirs(path, exist_ok=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    ensure_empty_dir(a.out)
    t0 = time.time()
    rng = np.random.default_rng(a.seed)

    images, labels = load_source()
    records = sample_dataset(images, labels, rng)
    write_images(records, a.out)

    X = pixel_matrix(records)
    y = np.array([CLASSES.index(r["label"]) for r in records])
    is_train = np.array([r["split"] == "train" for r in records])
    clf = train_classifier(X[is_train], y[is_train], a.seed)
    proba = clf.predict_proba(X)
    pred = clf.classes_[proba.argmax(1)]
    conf = proba[np.arange(len(y)), np.searchsorted(clf.classes_, y)]
    correct = (pred == y).astype(float)

    write_predictions(records, pred, conf, a.out)
    write_embeddings(records, make_embeddings(X), a.out)
    write_subgroups(records, a.out)
    if not write_classifier(clf, a.out):
        print("python3-torch is not installed: no classifier.pt (retrain needs it)")
    summary = summarise(records, correct)
    write_readme(a.out, a.seed, summary)
    print(summary)
    check_planted(records, correct)
    print(f"Wrote {a.out} in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
