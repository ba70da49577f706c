#!/usr/bin/python3
"""Parity check: faultline-cli analyze against the paper's reference recipe on synthetic data.

  /usr/bin/python3 tests/parity/check_parity.py --cli build/app/cli/faultline-cli \
      [--reference tests/parity/reference_analysis.py] [--seeds 1,2,3] [--keep DIR]

The reference is the project's own scikit-learn implementation of the paper's public code recipe,
reference_analysis.py next to this script (the default); --reference takes any script with the
same command line and outputs.

For each case (a seed, default options; plus one with --folds 3 --fit-split test) it generates a
dataset (make_parity_dataset.py), runs both tools on it and compares, per class:
  - status (ok / skipped), n_val and n_val_errors: must match;
  - CV balanced accuracy at the chosen C: |difference| <= 0.01;
  - chosen C: reported, a difference alone does not fail;
  - Spearman rank correlation of the decision values over every row of the class (all splits)
    >= 0.99, and both tools must score exactly the same rows.
Prints a table per case and exits non-zero, naming every failure, if anything differs.
Needs Debian's python3-numpy, python3-sklearn and python3-pil (run with /usr/bin/python3).
"""
import argparse
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

DEFAULT_REFERENCE = os.path.join(HERE, "reference_analysis.py")

CV_TOLERANCE = 0.01
MIN_SPEARMAN = 0.99
PRINT_TOLERANCE = 2.5e-6  # decision values are written with 6 decimals


def fail_setup(message):
    print(f"test_reference_parity: FAILED: {message}", file=sys.stderr)
    sys.exit(2)


try:
    import numpy as np
    import make_parity_dataset as gen
except ImportError as e:  # pragma: no cover
    fail_setup(f"{e}; run this with /usr/bin/python3 (Debian's python3-numpy, python3-sklearn, python3-pil)")


def rankdata(values):
    """Average ranks (ties share their mean rank), like scipy.stats.rankdata."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and sorted_values[j + 1] == sorted_values[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def spearman(a, b):
    if len(a) < 2:
        return float("nan")
    ra, rb = rankdata(a), rankdata(b)
    ra -= ra.mean()
    rb -= rb.mean()
    denom = math.sqrt(float((ra * ra).sum() * (rb * rb).sum()))
    return float((ra * rb).sum() / denom) if denom > 0 else float("nan")


def read_classes(path):
    with open(path, newline="") as f:
        return {r["class"]: r for r in csv.DictReader(f)}


def read_scores(path):
    with open(path, newline="") as f:
        return {r["path"]: r for r in csv.DictReader(f)}


def run(cmd, what, env=None):
    t0 = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    elapsed = time.monotonic() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{what} exited with {proc.returncode}:\n  $ {' '.join(cmd)}\n"
                           f"{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return elapsed


def run_reference(reference, data, out, folds=None, fit_split=None):
    cmd = ["/usr/bin/python3", reference, "--predictions", os.path.join(data, "predictions.csv"),
           "--embeddings", os.path.join(data, "embeddings.npy"),
           "--embedding-paths", os.path.join(data, "embedding_paths.txt"), "--out", out]
    if folds:
        cmd += ["--folds", str(folds)]
    if fit_split:
        cmd += ["--fit-split", fit_split]
    return run(cmd, "the reference pipeline")


def run_cli(cli, data, out, project, folds=None, fit_split=None, threads=None):
    cmd = [cli, "analyze", "--dataset", data, "--project", project,
           "--embeddings", os.path.join(data, "embeddings.npy"),
           "--embedding-paths", os.path.join(data, "embedding_paths.txt"), "--out", out]
    if folds:
        cmd += ["--folds", str(folds)]
    if fit_split:
        cmd += ["--fit-split", fit_split]
    if threads:
        cmd += ["--threads", str(threads)]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return run(cmd, "faultline-cli analyze", env=env)


def compare(ref_dir, fl_dir, label=""):
    """Compares two output folders; returns (table rows, failures, summary dict)."""
    failures = []
    ref_classes = read_classes(os.path.join(ref_dir, "classes.csv"))
    fl_classes = read_classes(os.path.join(fl_dir, "classes.csv"))
    ref_scores = read_scores(os.path.join(ref_dir, "scores.csv"))
    fl_scores = read_scores(os.path.join(fl_dir, "scores.csv"))

    for name in sorted(set(ref_classes) ^ set(fl_classes)):
        where = "the reference" if name in ref_classes else "faultline"
        failures.append(f"{label}class {name!r} appears only in {where}'s classes.csv")
    missing = sorted(set(ref_scores) ^ set(fl_scores))
    if missing:
        failures.append(f"{label}{len(missing)} rows appear in only one scores.csv, e.g. {missing[:3]}")

    by_class = {}
    for path, r in ref_scores.items():
        by_class.setdefault(r["label"], []).append(path)

    rows = []
    worst = {"cv": 0.0, "rho": 1.0}
    for name in sorted(set(ref_classes) & set(fl_classes)):
        r, f = ref_classes[name], fl_classes[name]
        problems = []
        if r["status"] != f["status"]:
            problems.append(f"status {f['status']} != reference {r['status']}")
        for col in ("n_val", "n_val_errors"):
            if r[col] != f[col]:
                problems.append(f"{col} {f[col]} != reference {r[col]}")
        cv_diff = rho = max_diff = None
        c_note = ""
        if r["status"] == "ok" and f["status"] == "ok":
            cv_diff = abs(float(r["cv_balanced_accuracy"]) - float(f["cv_balanced_accuracy"]))
            if cv_diff > CV_TOLERANCE:
                problems.append(f"CV balanced accuracy {f['cv_balanced_accuracy']} vs reference "
                                f"{r['cv_balanced_accuracy']} (|diff| {cv_diff:.4f} > {CV_TOLERANCE})")
            if not math.isclose(float(r["C"]), float(f["C"]), rel_tol=1e-6):
                c_note = " (C differs)"
            a, b, unscored = [], [], []
            for path in by_class.get(name, []):
                if path not in fl_scores:
                    continue
                rv, fv = ref_scores[path]["decision_value"], fl_scores[path]["decision_value"]
                if (rv == "") != (fv == ""):
                    unscored.append(path)
                    continue
                if ref_scores[path]["correct"] != fl_scores[path]["correct"]:
                    problems.append(f"{path}: correct {fl_scores[path]['correct']} != reference "
                                    f"{ref_scores[path]['correct']}")
                if rv != "":
                    a.append(float(rv))
                    b.append(float(fv))
            if unscored:
                problems.append(f"{len(unscored)} rows scored by only one tool, e.g. {unscored[0]}")
            rho = spearman(a, b)
            max_diff = float(np.max(np.abs(np.subtract(a, b)))) if a else 0.0
            # At tiny C the decision values differ from the bias by less than the 6 printed
            # decimals, so their ranks are rounding noise: identical printed values also pass.
            if not (rho >= MIN_SPEARMAN or max_diff <= PRINT_TOLERANCE):
                problems.append(f"Spearman of decision values {rho:.4f} < {MIN_SPEARMAN} over {len(a)} rows "
                                f"(max |difference| {max_diff:.6f})")
            worst["cv"] = max(worst["cv"], cv_diff)
            if max_diff > PRINT_TOLERANCE:
                worst["rho"] = min(worst["rho"], rho) if not math.isnan(rho) else float("nan")
        elif r["status"] != "ok" and f["status"] != "ok":
            scored = [p for p in by_class.get(name, []) if fl_scores.get(p, {}).get("decision_value")]
            if scored:
                problems.append(f"skipped, yet faultline scores {len(scored)} of its rows")
        rows.append((name, r["n_val"], r["n_val_errors"], r["status"], f["status"],
                     r["cv_balanced_accuracy"] or "-", f["cv_balanced_accuracy"] or "-",
                     (r["C"] or "-"), (f["C"] or "-") + c_note,
                     "-" if rho is None else f"{rho:.5f}", "-" if max_diff is None else f"{max_diff:.6f}",
                     "FAIL" if problems else "ok"))
        failures += [f"{label}class {name!r}: {p}" for p in problems]
    return rows, failures, worst


def print_table(title, rows):
    head = ("class", "n_fit", "errors", "ref", "fl", "ref cv", "fl cv", "ref C", "fl C", "spearman", "max|Δ|", "result")
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    print(f"\n== {title}")
    for row in (head, *rows):
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True, help="the faultline-cli executable")
    ap.add_argument("--reference", default=DEFAULT_REFERENCE,
                    help="reference script (default: reference_analysis.py next to this script)")
    ap.add_argument("--seeds", default="1,2,3", help="seeds run with the default options")
    ap.add_argument("--extra-seed", type=int, default=4, help="seed of the --folds 3 --fit-split test case")
    ap.add_argument("--keep", help="keep the generated data and outputs under this folder")
    a = ap.parse_args()

    if not os.path.isfile(a.reference):
        fail_setup(f"the reference script was not found at {os.path.abspath(a.reference)}")
    if not (os.path.isfile(a.cli) and os.access(a.cli, os.X_OK)):
        fail_setup(f"faultline-cli was not found (or is not executable) at {os.path.abspath(a.cli)}")
    try:
        import sklearn  # noqa: F401  (the reference needs it; say so up front)
    except ImportError:
        fail_setup("scikit-learn is missing for /usr/bin/python3; install Debian's python3-sklearn")

    cases = [(int(s), None, None) for s in a.seeds.split(",") if s.strip()]
    cases.append((a.extra_seed, 3, "test"))

    root = a.keep or tempfile.mkdtemp(prefix="faultline-parity-")
    os.makedirs(root, exist_ok=True)
    all_failures = []
    started = time.monotonic()
    try:
        for seed, folds, fit_split in cases:
            title = f"seed {seed}" + (f", --folds {folds}" if folds else "") + \
                    (f", --fit-split {fit_split}" if fit_split else "")
            case = os.path.join(root, f"seed{seed}" + (f"-folds{folds}-{fit_split}" if folds else ""))
            shutil.rmtree(case, ignore_errors=True)
            data = os.path.join(case, "data")
            dim = int(np.random.default_rng(seed).choice([64, 96, 128]))
            n = gen.generate(data, seed, gen.make_parity_spec(seed), dim)
            try:
                t_ref = run_reference(a.reference, data, os.path.join(case, "reference"), folds, fit_split)
                t_fl = run_cli(a.cli, data, os.path.join(case, "faultline"), os.path.join(case, "project.sqlite"),
                               folds, fit_split)
            except RuntimeError as e:
                all_failures.append(f"[{title}] {e}")
                print(f"\n== {title}: could not run: {e}")
                continue
            rows, failures, worst = compare(os.path.join(case, "reference"), os.path.join(case, "faultline"),
                                            f"[{title}] ")
            print_table(f"{title}: {n} images × {dim} dims; reference {t_ref:.2f} s, faultline {t_fl:.2f} s; "
                        f"max |cv diff| {worst['cv']:.4f}, min spearman {worst['rho']:.5f} (classes whose values differ beyond print precision)", rows)
            ok_classes = sum(1 for r in rows if r[3] == "ok")
            if ok_classes == 0:
                failures.append(f"[{title}] no class was fitted: the generator is broken")
            all_failures += failures
    finally:
        if not a.keep:
            shutil.rmtree(root, ignore_errors=True)

    print(f"\n{len(cases)} cases in {time.monotonic() - started:.1f} s")
    if all_failures:
        print(f"\ntest_reference_parity: FAILED ({len(all_failures)} problems):", file=sys.stderr)
        for f in all_failures:
            print(f"  - {f}", file=sys.stderr)
        sys.exit(1)
    print("test_reference_parity: faultline-cli matches the reference pipeline")


if __name__ == "__main__":
    main()
