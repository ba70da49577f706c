#!/usr/bin/env python3
"""`faultline-cli map` against scikit-learn on the same class embeddings (made here).

PCA: the coordinates equal sklearn.decomposition.PCA(2)'s up to each axis's sign (|Δ| ≤ 1e-3).
t-SNE: the optimisation is chaotic, so coordinates cannot match sklearn.manifold.TSNE's; what must
match is the quality — trustworthiness (k = 5 and 10) within 0.02 of scikit-learn's t-SNE with the
same defaults (perplexity 30, init 'pca', learning rate 'auto'), and the 5-NN accuracy of the
class's correct/incorrect label in the map within 0.05: exact on a class of 300 images, and
Barnes–Hut (angle 0.5) on the whole run's map (`map --all`) of 3,600 images, beyond the exact
method's 1,000.

  check_map_parity.py --cli build/app/cli/faultline-cli
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "parity"))
import make_parity_dataset as gen  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.manifold import TSNE, trustworthiness  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}\n{p.stderr}")


def read_map(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return {r["path"]: (float(r["x"]), float(r["y"])) for r in rows}


def knn_accuracy(points, labels):
    return cross_val_score(KNeighborsClassifier(5), points, labels, cv=5).mean()


def compare_tsne(X, ours, y, method, failures):
    ref = TSNE(2, method=method, init="pca", learning_rate="auto", perplexity=30,
               random_state=0).fit_transform(X)
    for k in (5, 10):
        t_ours, t_ref = trustworthiness(X, ours, n_neighbors=k), trustworthiness(X, ref, n_neighbors=k)
        print(f"t-SNE ({method}) trustworthiness k={k}: faultline {t_ours:.4f}, scikit-learn {t_ref:.4f}")
        if t_ours < t_ref - 0.02:
            failures.append(f"t-SNE ({method}) trustworthiness k={k}: {t_ours:.4f} vs {t_ref:.4f}")
    acc_ours, acc_ref = knn_accuracy(ours, y), knn_accuracy(ref, y)
    print(f"t-SNE ({method}) 5-NN accuracy of the label: faultline {acc_ours:.3f}, scikit-learn {acc_ref:.3f}")
    if acc_ours < acc_ref - 0.05:
        failures.append(f"t-SNE ({method}) 5-NN accuracy {acc_ours:.3f} vs {acc_ref:.3f}")


def load(data):
    E = np.load(os.path.join(data, "embeddings.npy"))
    with open(os.path.join(data, "embedding_paths.txt")) as f:
        rows = {p.strip(): i for i, p in enumerate(f) if p.strip()}
    with open(os.path.join(data, "predictions.csv")) as f:
        labels = {r["path"]: (r["label"], r["label"] != r["prediction"]) for r in csv.DictReader(f)}
    return E, rows, labels


def analyze(cli, data):
    run([cli, "analyze", "--dataset", data, "--embeddings", os.path.join(data, "embeddings.npy"),
         "--embedding-paths", os.path.join(data, "embedding_paths.txt"), "--threads", "2", "--no-hardness"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    a = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        spec = gen.make_uniform_spec(2, fit=150, train=60, test=90, pool=0, strength=(2.0, 3.0), seed=3)
        gen.generate(data, 11, spec, 24)
        analyze(a.cli, data)
        E, rows, labels = load(data)
        cls = spec[0]["name"]
        for method in ("pca", "tsne"):
            out = os.path.join(tmp, f"{method}.csv")
            run([a.cli, "map", "--dataset", data, "--class", cls, "--method", method, "--out", out])
            mapped = read_map(out)
            paths = sorted(mapped)
            X = E[[rows[p] for p in paths]].astype(np.float64)
            ours = np.array([mapped[p] for p in paths])
            if method == "pca":
                ref = PCA(2).fit_transform(X)
                for c in range(2):
                    d = min(np.abs(ours[:, c] - ref[:, c]).max(), np.abs(ours[:, c] + ref[:, c]).max())
                    print(f"pca axis {c + 1}: max |Δ| {d:.2e} (up to sign)")
                    if d > 1e-3:
                        failures.append(f"PCA axis {c + 1} differs by {d:.3g}")
                continue
            compare_tsne(X, ours, np.array([labels[p][1] for p in paths]), "exact", failures)

        # The whole run, above the exact method's limit: Barnes–Hut on both sides; the label to
        # keep apart is the class.
        big = os.path.join(tmp, "big")
        spec = gen.make_uniform_spec(2, fit=900, train=300, test=600, pool=0, strength=(2.0, 3.0), seed=4)
        gen.generate(big, 12, spec, 24)
        analyze(a.cli, big)
        E, rows, labels = load(big)
        out = os.path.join(tmp, "all.csv")
        run([a.cli, "map", "--dataset", big, "--all", "--method", "tsne", "--out", out])
        mapped = read_map(out)
        paths = sorted(mapped)
        if len(paths) <= 1000:
            failures.append(f"the whole-run map has {len(paths)} images, not more than the exact method's 1,000")
        X = E[[rows[p] for p in paths]].astype(np.float64)
        compare_tsne(X, np.array([mapped[p] for p in paths]), np.array([labels[p][0] for p in paths]), "barnes_hut",
                     failures)
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
