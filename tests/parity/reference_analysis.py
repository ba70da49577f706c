#!/usr/bin/python3
"""Faultline's own reference for the failure-directions analysis, written with scikit-learn.

It follows the paper's public code recipe ("Distilling Model Failures as Directions in Latent
Space", Appendix A: A.1 for the decision values and the CV balanced accuracy, A.3 for the SVM
training) so that faultline-cli's C++ analysis can be checked against an independent
implementation without anything outside this repository:

  /usr/bin/python3 tests/parity/reference_analysis.py --predictions P.csv --embeddings E.npy \
      --embedding-paths E.txt --out OUT [--fit-split val] [--whiten-split train] [--folds 2]

Inputs
  --predictions      CSV with (at least) the columns path, label, prediction, split
  --embeddings       .npy array [N, D], one embedding per line of --embedding-paths
  --embedding-paths  text file, one path per line (matched to the predictions' path column)

Recipe
  1. Whitening: mean and unbiased (n - 1) standard deviation per dimension over the rows of the
     --whiten-split (every row when that split has none); then every embedding is centred,
     divided by the std and scaled to unit L2 norm.
  2. Per class (classes in sorted order), on its rows in --fit-split: target 1 where the model's
     prediction equals the label (correct, "easy"), 0 otherwise.  A class with fewer than --folds
     examples of either outcome is reported as skipped and left unscored.
  3. sklearn SVC(kernel="linear", class_weight="balanced") for each C in logspace(-6, 0, 7);
     score = mean balanced accuracy over an unshuffled StratifiedKFold(--folds); the first C
     with the highest score wins (strictly better scores replace it, ascending C).
  4. Refit at that C on all of the class's fit-split rows; the decision value (positive = easy,
     negative = hard) is written for every row of the class, whatever its split.

Outputs
  OUT/classes.csv  class, n_val, n_val_errors, cv_balanced_accuracy (6 decimals), C (%g), status
  OUT/scores.csv   path, split, label, prediction, correct, decision_value (6 decimals or empty),
                   in the order of the predictions file

Needs Debian's python3-numpy and python3-sklearn (run it with /usr/bin/python3).
"""
import argparse
import csv
import os
import sys
import time

import numpy as np
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import SVC

# The paper's code grid, np.logspace(-6, 0, 7), as exact decades: numpy's SIMD power() makes
# logspace one ulp lower at 1e-5, 1e-4 and 0.1 on AVX-512 machines than on AVX2 ones, and small,
# nearly separable folds flip their all-at-bound SVM solutions with a one-ulp change of C.
C_GRID = np.array([1e-06, 1e-05, 1e-04, 1e-03, 1e-02, 1e-01, 1.0])

CLASS_COLUMNS = ["class", "n_val", "n_val_errors", "cv_balanced_accuracy", "C", "status"]
SCORE_COLUMNS = ["path", "split", "label", "prediction", "correct", "decision_value"]


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--predictions", required=True, help="CSV: path,label,prediction,split[,...]")
    ap.add_argument("--embeddings", required=True, help=".npy [N, D] embedding matrix")
    ap.add_argument("--embedding-paths", required=True, help="one path per embedding row")
    ap.add_argument("--out", required=True, help="folder for classes.csv and scores.csv")
    ap.add_argument("--fit-split", default="val", help="split the SVMs are fitted on (default val)")
    ap.add_argument("--whiten-split", default="train",
                    help="split whose statistics whiten the embeddings (default train; all rows if absent)")
    ap.add_argument("--folds", type=int, default=2, help="cross-validation folds (default 2)")
    return ap.parse_args(argv)


def load_table(predictions_csv):
    with open(predictions_csv, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_embeddings_for(table, embeddings_npy, paths_txt):
    """The embedding of every prediction row, in the table's order, as float64."""
    matrix = np.load(embeddings_npy)
    row_of = {}
    with open(paths_txt, encoding="utf-8") as f:
        for number, line in enumerate(f):
            row_of[line.rstrip("\n")] = number  # a repeated path: its last line wins
    try:
        order = [row_of[entry["path"]] for entry in table]
    except KeyError as missing:
        sys.exit(f"reference_analysis: no embedding for {missing.args[0]!r} in {paths_txt}")
    return matrix.astype(np.float64)[order]


def whiten_and_normalise(embeddings, reference_rows):
    """Centre and scale by the reference rows' mean / unbiased std, then unit-normalise each row.

    Degenerate inputs, which the recipe leaves undefined, are handled as faultline does: a constant
    dimension keeps std 1 (it whitens to zero) and an all-zero row stays zero.
    """
    ref = embeddings[reference_rows] if reference_rows.any() else embeddings
    if len(ref) < 2:
        sys.exit(f"reference_analysis: whitening needs at least two embeddings, found {len(ref)}")
    centre = ref.mean(axis=0)
    spread = np.std(ref - centre, axis=0, ddof=1)
    spread[spread == 0] = 1.0
    whitened = (embeddings - centre) / spread
    lengths = np.linalg.norm(whitened, axis=1, keepdims=True)
    lengths[lengths == 0] = 1.0
    return whitened / lengths


def linear_svm(c):
    return SVC(kernel="linear", C=c, class_weight="balanced")


def cv_balanced_accuracy(features, target, c, folds):
    """Mean balanced accuracy of the SVM at C over unshuffled stratified folds."""
    per_fold = []
    for fit_idx, held_idx in StratifiedKFold(n_splits=folds).split(features, target):
        model = linear_svm(c).fit(features[fit_idx], target[fit_idx])
        per_fold.append(balanced_accuracy_score(target[held_idx], model.predict(features[held_idx])))
    return float(np.mean(per_fold))


def choose_c(features, target, folds):
    """(score, C) of the first C in the grid reaching the best cross-validated score."""
    best_score, best_c = -np.inf, None
    for c in C_GRID:
        score = cv_balanced_accuracy(features, target, c, folds)
        if score > best_score:
            best_score, best_c = score, c
    return best_score, best_c


def analyse(table, features, fit_split, folds):
    """Per-class summary rows and the decision value of every row (NaN where unscored)."""
    labels = np.array([entry["label"] for entry in table])
    splits = np.array([entry["split"] for entry in table])
    correct = np.array([int(entry["prediction"] == entry["label"]) for entry in table])
    decision = np.full(len(table), np.nan)
    summary = []
    for name in sorted(set(labels.tolist())):
        in_class = labels == name
        fitting = in_class & (splits == fit_split)
        target = correct[fitting]
        n_fit, n_errors = int(fitting.sum()), int(len(target) - target.sum())
        if min(n_errors, n_fit - n_errors) < folds:
            summary.append([name, n_fit, n_errors, "", "", "skipped"])
            continue
        score, c = choose_c(features[fitting], target, folds)
        direction = linear_svm(c).fit(features[fitting], target)
        decision[in_class] = direction.decision_function(features[in_class])
        summary.append([name, n_fit, n_errors, f"{score:.6f}", f"{c:g}", "ok"])
    return summary, correct, decision


def write_outputs(out_dir, summary, table, correct, decision):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "classes.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CLASS_COLUMNS)
        writer.writerows(summary)
    with open(os.path.join(out_dir, "scores.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(SCORE_COLUMNS)
        for entry, is_correct, value in zip(table, correct, decision):
            writer.writerow([entry["path"], entry["split"], entry["label"], entry["prediction"], int(is_correct),
                             "" if np.isnan(value) else f"{value:.6f}"])


def main(argv=None):
    args = parse_args(argv)
    if args.folds < 2:
        sys.exit("reference_analysis: --folds must be at least 2")
    started = time.monotonic()
    table = load_table(args.predictions)
    embeddings = load_embeddings_for(table, args.embeddings, args.embedding_paths)
    whiten_rows = np.array([entry["split"] == args.whiten_split for entry in table], dtype=bool)
    features = whiten_and_normalise(embeddings, whiten_rows)
    summary, correct, decision = analyse(table, features, args.fit_split, args.folds)
    write_outputs(args.out, summary, table, correct, decision)
    fitted = sum(1 for row in summary if row[-1] == "ok")
    print(f"reference analysis: {len(table)} rows, {fitted}/{len(summary)} classes fitted, "
          f"{time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
