#!/usr/bin/python3
r"""Before/after side by side: an old faultline-cli, a new one and the reference on the same data, one after the other.

  /usr/bin/python3 tests/benchmarks/bench_before_after.py --before OLD/faultline-cli --after build/app/cli/faultline-cli \
      [--work /tmp/speed-bench] D64:h B100:h A C20000:noref

SCENARIO[:flags] (bench_analysis.py's scenarios; data made there if missing): h also times both with hardness (the
default analyze), noref skips the reference. Both tools run --no-hardness otherwise; parity by check_parity.compare.
"""
import argparse, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE); sys.path.insert(0, os.path.join(HERE, "..", "parity"))
import bench_analysis as b, check_parity as parity, make_parity_dataset as gen
ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--before", required=True); ap.add_argument("--after", required=True)
ap.add_argument("--work", default="/tmp/speed-bench"); ap.add_argument("--seed", type=int, default=7)
ap.add_argument("scenarios", nargs="+")
a = ap.parse_args()
work = a.work
clis = {"before": a.before, "after": a.after}
ref = parity.DEFAULT_REFERENCE
env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
def run_cli(name, tag, cli, hardness, data):
    case = os.path.join(work, name); out = os.path.join(case, f"out-{tag}"); proj = os.path.join(case, f"proj-{tag}.sqlite")
    for p in (proj, proj + "-wal", proj + "-shm"):
        if os.path.exists(p): os.remove(p)
    cmd = [cli, "analyze", "--dataset", data, "--project", proj, "--embeddings", os.path.join(data, "embeddings.npy"),
           "--embedding-paths", os.path.join(data, "embedding_paths.txt"), "--out", out] + ([] if hardness else ["--no-hardness"])
    s, rss, rc = b.timed(cmd, env=env, log=os.path.join(case, f"{tag}.log"))
    assert rc == 0, open(os.path.join(case, f"{tag}.log")).read()[-2000:]
    return s, rss, out
for spec in a.scenarios:
    name, _, flags = spec.partition(":")
    data = os.path.join(work, name, "data")
    if not os.path.exists(os.path.join(data, "predictions.csv")):
        s = b.SCENARIOS[name]
        gen.generate(data, a.seed, gen.make_uniform_spec(s["classes"], s["fit"], s["train"], seed=a.seed,
                                                         test=s.get("test", 0)), s.get("dim", 512))
    load = open("/proc/loadavg").read().split()[:3]
    row = {}
    for tag in ("before", "after"):
        row[tag] = run_cli(name, tag, clis[tag], False, data)
        print(f"{name} {tag}: {row[tag][0]:.2f} s {row[tag][1]:.0f} MiB", flush=True)
    if "h" in flags:
        for tag in ("before", "after"):
            row[tag + "+h"] = run_cli(name, tag + "-h", clis[tag], True, data)
            print(f"{name} {tag} with hardness: {row[tag+'+h'][0]:.2f} s", flush=True)
    if "noref" not in flags:
        refout = os.path.join(work, name, "reference")
        cmd = ["/usr/bin/python3", ref, "--predictions", os.path.join(data, "predictions.csv"), "--embeddings",
               os.path.join(data, "embeddings.npy"), "--embedding-paths", os.path.join(data, "embedding_paths.txt"), "--out", refout]
        rs, rrss, rc = b.timed(cmd, timeout=1200, log=os.path.join(work, name, "reference.log"))
        assert rc == 0
        print(f"{name} reference: {rs:.2f} s {rrss:.0f} MiB", flush=True)
        for tag in ("before", "after"):
            rows, failures, worst = parity.compare(refout, row[tag][2])
            ok = sum(1 for r in rows if r[3] == "ok"); same = sum(1 for r in rows if r[3] == "ok" and "differs" not in r[8])
            print(f"RESULT {name} {tag}: fl {row[tag][0]:.2f} s ({row[tag][1]:.0f} MiB)  ref {rs:.2f} s  ratio {rs/row[tag][0]:.2f}x  "
                  f"parity {'PASS' if not failures else 'FAIL'} C same {same}/{ok} max|cvΔ| {worst['cv']:.4f}  load {' '.join(load)}", flush=True)
            if tag + "+h" in row:
                print(f"RESULT {name} {tag}+hardness: fl {row[tag+'+h'][0]:.2f} s  ratio {rs/row[tag+'+h'][0]:.2f}x", flush=True)
    else:
        print(f"RESULT {name}: before {row['before'][0]:.2f} s after {row['after'][0]:.2f} s (reference not run)  load {' '.join(load)}", flush=True)
