#!/usr/bin/python3
"""t-SNE for the embedding map, side by side with scikit-learn on the same rows (docs/BENCHMARKS.md).

  /usr/bin/python3 tests/benchmarks/bench_tsne.py --bench build/tests/bench_tsne
      [--shapes 2000x512,5000x512,20000x64,20000x512,50000x64] [--threads 2]

Data per shape N x D (seed 0): 20 Gaussian clusters of CLIP-like rows (unit centres, noise 0.6 /
sqrt(D) per dimension, so clusters touch), float32. Faultline: bench_tsne (tsneProjection: exact
up to 1,000 rows, Barnes–Hut above). Reference: sklearn.manifold.TSNE(2, init="pca",
learning_rate="auto", perplexity=30, random_state=0), method "exact" up to 1,000 rows and
"barnes_hut" (angle 0.5) above, n_jobs = --threads. Reported: wall seconds of each, the ratio, and
trustworthiness at k = 10 of each map (skipped above 20,000 rows: it needs the N x N distances).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.manifold import TSNE, trustworthiness


def rows(n, d, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(20, d))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    label = rng.integers(0, 20, n)
    return (centres[label] + rng.normal(scale=0.6 / np.sqrt(d), size=(n, d))).astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, help="build/tests/bench_tsne")
    ap.add_argument("--shapes", default="2000x512,5000x512,20000x64,20000x512,50000x64")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    print("| rows × dim | method | Faultline s | scikit-learn s | ratio | trust. Faultline | trust. scikit-learn |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in a.shapes.split(","):
            n, d = (int(v) for v in shape.split("x"))
            X = rows(n, d)
            src, out = os.path.join(tmp, "in.npy"), os.path.join(tmp, "out.npy")
            np.save(src, X)
            p = subprocess.run([a.bench, src, out], capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(p.stderr)
            ours_s = float(p.stdout.split()[1])
            ours = np.load(out)
            method = "exact" if n <= 1000 else "barnes_hut"
            start = time.perf_counter()
            ref = TSNE(2, method=method, init="pca", learning_rate="auto", perplexity=30, random_state=0,
                       n_jobs=a.threads).fit_transform(X)
            ref_s = time.perf_counter() - start
            if n <= 20000:
                t_ours = f"{trustworthiness(X, ours, n_neighbors=10):.4f}"
                t_ref = f"{trustworthiness(X, ref, n_neighbors=10):.4f}"
            else:
                t_ours = t_ref = "—"
            print(f"| {n:,} × {d} | {method} | {ours_s:.1f} | {ref_s:.1f} | {ref_s / ours_s:.2f}× | {t_ours} | {t_ref} |",
                  flush=True)


if __name__ == "__main__":
    main()
