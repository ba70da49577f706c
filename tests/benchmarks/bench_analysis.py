#!/usr/bin/python3
"""Benchmark faultline-cli analyze against the paper's reference recipe on identical data.

  /usr/bin/python3 tests/benchmarks/bench_analysis.py --cli build/app/cli/faultline-cli \
      [--reference tests/parity/reference_analysis.py] --scenario A [--scenario B100 ...] \
      [--repeat 2] [--reference-timeout 600] [--skip-reference-over 600] [--work /tmp/fl-bench]

The reference defaults to the project's scikit-learn implementation of the paper's public code
recipe (tests/parity/reference_analysis.py); any script with the same command line and outputs works.

Scenarios (the issue's goals: >= 5x faster at A; growth with classes and with fit images):
  A        10 classes x 2,000 val (+500 train/class for whitening) x 512 dims
  B100     100 classes x 200 val (+50 train) x 512          (class-count scaling)
  B1000    1,000 classes x 200 val (+50 train) x 512
  C2000    1 class x 2,000 val (+500 train) x 512           (per-class scaling; LIBSVM precomputed kernel)
  C5000    1 class x 5,000 val (+500 train) x 512           (n > 4096: LIBSVM linear kernel)
  C20000   1 class x 20,000 val (+500 train) x 512
  D64      4 classes x 3,000 val (+500 train, +11,750 test) x 64   (61,000 images, low d)
Data: make_parity_dataset.generate (planted failure direction per class, 10-30 % errors, tiny PNGs).
Both tools run one after the other on the same files; wall time and peak RSS (of the child, from
wait4) are measured for each; the outputs are compared with the parity test's rules.
The reference gets --reference-timeout seconds and is reported as 'did not finish' past it; with
--skip-reference-over S a scenario whose estimated reference time exceeds S is not run for it.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "parity"))

import make_parity_dataset as gen  # noqa: E402
import check_parity as parity  # noqa: E402

SCENARIOS = {
    "A": dict(classes=10, fit=2000, train=500),
    "B100": dict(classes=100, fit=200, train=50),
    "B1000": dict(classes=1000, fit=200, train=50),
    "C2000": dict(classes=1, fit=2000, train=500),
    "C5000": dict(classes=1, fit=5000, train=500),
    "C20000": dict(classes=1, fit=20000, train=500),
    # low-d, few large classes (Fashion-MNIST-like: 61,000 images, most of them scored only)
    "D64": dict(classes=4, fit=3000, train=500, test=11750, dim=64),
}
# Rough reference cost model (seconds) used only by --skip-reference-over: 15 SVC fits per class,
# each ~ a * n^2 * d; calibrated on scenario A on a 2-core machine (about 7 s per 2,000-image class).
def estimate_reference_seconds(classes, fit, dim=512):
    per_class = 7.0 * (fit / 2000.0) ** 2.1 * (dim / 512.0)
    return classes * per_class + 2.0


def timed(cmd, timeout=None, env=None, log=None):
    """Runs cmd; returns (wall seconds, peak RSS MiB, return code or None when timed out)."""
    t0 = time.monotonic()
    with open(log or os.devnull, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        deadline = None if timeout is None else t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                return time.monotonic() - t0, usage.ru_maxrss / 1024.0, proc.returncode
            if deadline and time.monotonic() > deadline:
                proc.kill()
                _, _, usage = os.wait4(proc.pid, 0)
                return time.monotonic() - t0, usage.ru_maxrss / 1024.0, None
            time.sleep(0.02)


def run_scenario(name, a, results):
    s = SCENARIOS[name]
    case = os.path.join(a.work, name)
    data = os.path.join(case, "data")
    t0 = time.monotonic()
    if not os.path.exists(os.path.join(data, "predictions.csv")) or a.regenerate:
        shutil.rmtree(case, ignore_errors=True)
        spec = gen.make_uniform_spec(s["classes"], s["fit"], s["train"], seed=a.seed, test=s.get("test", 0))
        gen.generate(data, a.seed, spec, s.get("dim", a.dim))
    n_images = sum(1 for _ in open(os.path.join(data, "embedding_paths.txt")))
    print(f"\n== {name}: {s['classes']} classes × {s['fit']} fit (+{s['train']} train) × {s.get('dim', a.dim)} dims, "
          f"{n_images} images (data ready in {time.monotonic() - t0:.1f} s)", flush=True)

    pred, emb, paths = (os.path.join(data, f) for f in ("predictions.csv", "embeddings.npy", "embedding_paths.txt"))
    for rep in range(a.repeat):
        row = {"scenario": name, "rep": rep + 1, "images": n_images}
        # faultline first (fresh project each time: the scan, imports and fit are all timed)
        fl_out = os.path.join(case, f"faultline{rep}")
        project = os.path.join(case, f"project{rep}.sqlite")
        for p in (project, project + "-wal", project + "-shm"):
            if os.path.exists(p):
                os.remove(p)
        cmd = [a.cli, "analyze", "--dataset", data, "--project", project, "--embeddings", emb,
               "--embedding-paths", paths, "--out", fl_out] + (["--no-hardness"] if a.no_hardness else [])
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        row["fl_s"], row["fl_rss"], rc = timed(cmd, env=env, log=os.path.join(case, f"faultline{rep}.log"))
        if rc != 0:
            print(open(os.path.join(case, f"faultline{rep}.log")).read()[-2000:])
            raise SystemExit(f"faultline-cli failed ({rc}) on {name}")
        print(f"   faultline  run {rep + 1}: {row['fl_s']:8.1f} s  peak RSS {row['fl_rss']:7.0f} MiB", flush=True)

        est = estimate_reference_seconds(s["classes"], s["fit"], s.get("dim", a.dim))
        ref_out = os.path.join(case, f"reference{rep}")
        if a.skip_reference_over and est > a.skip_reference_over:
            row["ref_s"] = None
            row["ref_note"] = f"skipped (estimated {est:.0f} s > {a.skip_reference_over:.0f} s)"
        elif rep > 0 and a.reference_once:
            row["ref_s"], row["ref_rss"], row["ref_note"] = results[-1]["ref_s"], results[-1]["ref_rss"], "(run 1)"
            ref_out = os.path.join(case, "reference0")
        else:
            cmd = ["/usr/bin/python3", a.reference, "--predictions", pred, "--embeddings", emb,
                   "--embedding-paths", paths, "--out", ref_out]
            row["ref_s"], row["ref_rss"], rc = timed(cmd, timeout=a.reference_timeout,
                                                     log=os.path.join(case, f"reference{rep}.log"))
            if rc is None:
                row["ref_note"] = f"did not finish in {a.reference_timeout:.0f} s"
                row["ref_s"] = None
            elif rc != 0:
                print(open(os.path.join(case, f"reference{rep}.log")).read()[-2000:])
                raise SystemExit(f"the reference failed ({rc}) on {name}")
            else:
                row["ref_note"] = ""
        if row["ref_s"] is not None:
            print(f"   reference  run {rep + 1}: {row['ref_s']:8.1f} s  peak RSS {row['ref_rss']:7.0f} MiB "
                  f"{row['ref_note']}", flush=True)
            rows, failures, worst = parity.compare(ref_out, fl_out)
            ok = sum(1 for r in rows if r[3] == "ok")
            same_c = sum(1 for r in rows if r[3] == "ok" and "differs" not in r[8])
            row["parity"] = (f"{'PASS' if not failures else f'{len(failures)} FAIL'}: {ok} fitted, C same "
                             f"{same_c}/{ok}, max|cv Δ| {worst['cv']:.4f}")
            if failures:
                for f in failures[:5]:
                    print(f"     parity: {f}")
        else:
            print(f"   reference  run {rep + 1}: {row['ref_note']}", flush=True)
            row["parity"] = "-"
        results.append(row)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--reference", default=parity.DEFAULT_REFERENCE,
                    help="reference script (default: tests/parity/reference_analysis.py)")
    ap.add_argument("--scenario", action="append", choices=sorted(SCENARIOS), help="repeatable (default: A)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each tool per scenario")
    ap.add_argument("--reference-once", action="store_true", help="run the reference only on the first repeat")
    ap.add_argument("--reference-timeout", type=float, default=600)
    ap.add_argument("--skip-reference-over", type=float, default=0, help="skip the reference when its estimate "
                    "exceeds this many seconds (0: always run it, up to --reference-timeout)")
    ap.add_argument("--dim", type=int, default=512, help="embedding width (scenarios with their own keep it)")
    ap.add_argument("--no-hardness", action="store_true",
                    help="faultline-cli analyze --no-hardness: the paper's recipe alone, as the reference runs it")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", default="/tmp/faultline-bench")
    ap.add_argument("--regenerate", action="store_true")
    a = ap.parse_args()
    if not os.path.isfile(a.reference):
        raise SystemExit(f"the reference script was not found at {os.path.abspath(a.reference)}")
    print(f"machine: {os.cpu_count()} cores; {open('/proc/loadavg').read().split()[:3]} load average")
    results = []
    for name in a.scenario or ["A"]:
        run_scenario(name, a, results)

    print("\nscenario  run  images   faultline s  RSS MiB   reference s  RSS MiB   speed-up  parity")
    for r in results:
        ref = f"{r['ref_s']:11.1f}  {r['ref_rss']:7.0f}" if r.get("ref_s") is not None else f"{r['ref_note']:>20}"
        ratio = f"{r['ref_s'] / r['fl_s']:7.1f}x" if r.get("ref_s") is not None else "      -"
        print(f"{r['scenario']:8}  {r['rep']:3}  {r['images']:6}  {r['fl_s']:11.1f}  {r['fl_rss']:7.0f}   {ref}  "
              f"{ratio}  {r['parity']}")


if __name__ == "__main__":
    main()
