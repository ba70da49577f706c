#!/usr/bin/python3
"""Fault soak (issue 12 B3): kills, a full disk and a second process against one project.

  fault_soak.py --cli build/app/cli/faultline-cli [--kills 100] [--seed 1] [--keep DIR]

Works on a 960-image slice of the demo dataset (4 classes x 4 splits x 60 images; bash .ci/run
demo makes it) with the tiny reference CLIP (tests/data) and a tiny TorchScript classifier
(tests/classify/make_tiny_classifier.py), all local (generate uses the retrieval backend):
- kill -9 at a random moment of scan, analyze, embed, predict, generate (retrieval backend) and
  export, --kills times; after each: PRAGMA integrity_check is ok, every run that was complete
  before is still listed as done and exports, and the killed command, run again, completes;
- a full disk (a small tmpfs, root only) under analyze and export: a clear error, the store
  intact, and the same command succeeds once there is room;
- two processes analysing the same project at once: both finish (or one says the store is
  busy, naming it), and the store is intact.
Prints the figures and exits 1 on any loss.
"""
import argparse, csv, os, random, shutil, signal, sqlite3, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CLASSES = ["Bag", "Sandal", "Shirt", "Trouser"]
PER_SPLIT = 60


def make_dataset(demo, out):
    """The slice: the first PER_SPLIT images of each class and split, with their predictions
    (predictions of the other demo classes stay: wrong predictions)."""
    keep = []
    for split in ["train", "val", "test", "pool"]:
        for cls in CLASSES:
            names = sorted(os.listdir(os.path.join(demo, split, cls)))[:PER_SPLIT]
            os.makedirs(os.path.join(out, split, cls), exist_ok=True)
            for n in names:
                shutil.copy(os.path.join(demo, split, cls, n), os.path.join(out, split, cls, n))
                keep.append(f"{split}/{cls}/{n}")
    kept = set(keep)
    with open(os.path.join(demo, "predictions.csv"), newline="") as f, \
         open(os.path.join(out, "predictions.csv"), "w", newline="") as g:
        reader = csv.DictReader(f)
        writer = csv.DictWriter(g, fieldnames=reader.fieldnames)
        writer.writeheader()
        for row in reader:
            if row["path"] in kept:
                writer.writerow(row)


class Soak:
    def __init__(self, cli, work, rng):
        self.cli, self.work, self.rng = cli, work, rng
        self.data = os.path.join(work, "data")
        self.store = os.path.join(self.data, ".faultline", "project.sqlite")
        self.failures = []
        self.counts = {}

    def run(self, args, timeout=600, data=None):
        return subprocess.run([self.cli] + args, capture_output=True, text=True, timeout=timeout)

    def commands(self):
        d = self.data
        clip = os.path.join(ROOT, "tests", "data", "clip-reference", "tiny_clip.safetensors")
        out = lambda name: os.path.join(self.work, name + str(self.rng.randrange(10**9)))
        return {
            "scan": ["scan", "--dataset", d],
            "analyze": ["analyze", "--dataset", d],  # on the tiny CLIP's embeddings (set-up embeds)
            "embed": ["embed", "--dataset", d, "--model", clip, "--batch", "32"],
            "predict": ["predict", "--dataset", d, "--classifier", os.path.join(self.work, "classifier", "tiny_rgb.pt"),
                        "--input-size", "16", "--resize-size", "16"],
            "generate": ["generate", "--dataset", d, "--class", self.rng.choice(self.fitted_classes()), "--from", "caption",
                         "--captions", "1", "--count", "2", "--model", clip],
            "export": ["export", "--dataset", d, "--split", "pool", "--per-class", "10", "--to", out("export")],
        }

    def fitted_classes(self):
        """The classes the newest complete run fitted (a skipped class has no direction to
        generate along: generate refuses it, rightly)."""
        if not os.path.exists(self.store):
            return CLASSES
        con = sqlite3.connect(f"file:{self.store}?mode=ro", uri=True, timeout=30)
        try:
            rows = con.execute("SELECT class FROM run_classes WHERE status = 'ok' AND run_id = "
                               "(SELECT MAX(id) FROM runs WHERE status = 'done') ORDER BY class").fetchall()
        finally:
            con.close()
        return [r[0] for r in rows] or CLASSES

    def done_runs(self):
        con = sqlite3.connect(f"file:{self.store}?mode=ro", uri=True, timeout=30)
        try:
            return [r[0] for r in con.execute("SELECT id FROM runs WHERE status = 'done' ORDER BY id")]
        finally:
            con.close()

    def check_store(self, when, before):
        con = sqlite3.connect(f"file:{self.store}?mode=ro", uri=True, timeout=30)
        try:
            result = con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
        if result != "ok":
            self.failures.append(f"{when}: integrity_check says {result}")
        now = self.done_runs()
        lost = [r for r in before if r not in now]
        if lost:
            self.failures.append(f"{when}: completed runs {lost} are gone")
        for run_id in before[-2:]:  # the newest complete runs still export
            r = self.run(["export", "--dataset", self.data, "--run", str(run_id), "--split", "pool",
                          "--per-class", "3", "--to", os.path.join(self.work, f"check-{run_id}-{time.time_ns()}"),
                          "--mode", "manifest"])
            if r.returncode != 0:
                self.failures.append(f"{when}: run {run_id} no longer exports: {r.stderr.strip()[-200:]}")

    def kill_soak(self, kills):
        names = list(self.commands())
        for i in range(kills):
            name = names[i % len(names)] if i < len(names) else self.rng.choice(names)
            before = self.done_runs()
            args = self.commands()[name]
            proc = subprocess.Popen([self.cli] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(self.rng.uniform(0.05, 2.5))
            killed = proc.poll() is None
            if killed:
                proc.send_signal(signal.SIGKILL)
            proc.wait()
            self.counts[name] = self.counts.get(name, 0) + 1
            self.counts["killed mid-run"] = self.counts.get("killed mid-run", 0) + int(killed)
            self.check_store(f"kill {i + 1} ({name})", before)
            again = self.run(self.commands()[name])
            if again.returncode != 0:
                self.failures.append(f"kill {i + 1}: {name} run again failed ({again.returncode}): "
                                     f"{again.stderr.strip()[-300:]}")

    def disk_full(self):
        if os.geteuid() != 0:
            print("SKIP disk full: needs root to mount a tmpfs")
            return
        mnt = os.path.join(self.work, "small-disk")
        os.makedirs(mnt)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt], check=True)
        try:
            data = os.path.join(mnt, "data")
            shutil.copytree(self.data, data, ignore=shutil.ignore_patterns("generated"))
            store = os.path.join(data, ".faultline", "project.sqlite")
            before = [r for r in sqlite3.connect(store).execute("SELECT id FROM runs WHERE status='done'")]
            filler = os.path.join(mnt, "filler")
            subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
            for name, args in [("analyze", ["analyze", "--dataset", data]),
                               ("export", ["export", "--dataset", data, "--split", "pool", "--per-class", "40",
                                           "--to", os.path.join(mnt, "export")])]:
                r = self.run(args)
                self.counts[f"disk full: {name}"] = r.returncode
                if r.returncode == 0:
                    print(f"note: {name} fitted in the space left")
                elif not r.stderr.strip() or "Traceback" in r.stderr or r.returncode < 0:
                    self.failures.append(f"disk full: {name} ended without a clear message (rc {r.returncode})")
                con = sqlite3.connect(store)
                ok = con.execute("PRAGMA integrity_check").fetchone()[0]
                after = [x for x in con.execute("SELECT id FROM runs WHERE status='done'")]
                con.close()
                if ok != "ok" or any(b not in after for b in before):
                    self.failures.append(f"disk full: {name} damaged the store ({ok})")
            os.remove(filler)
            shutil.rmtree(os.path.join(mnt, "export"), ignore_errors=True)
            r = self.run(["analyze", "--dataset", data])
            if r.returncode != 0:
                self.failures.append(f"disk full: analyze after freeing space failed: {r.stderr.strip()[-200:]}")
        finally:
            subprocess.run(["umount", "-l", mnt])

    def two_processes(self):
        args = self.commands()["analyze"]
        before = self.done_runs()
        procs = [subprocess.Popen([self.cli] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
        self.counts["two processes: exit codes"] = [rc for rc, _ in results]
        # One writes at a time: the other waits for the lock, saying so, and then finishes too.
        for rc, err in results:
            if rc != 0:
                self.failures.append(f"two processes: one failed instead of waiting: {err.strip()[-200:]}")
        self.counts["two processes: waited with a message"] = sum("waiting for it" in err for _, err in results)
        self.check_store("two processes", before)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--demo", default=os.path.join(ROOT, "demo-data", "fashion-mnist"))
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep")
    a = ap.parse_args()
    work = a.keep or tempfile.mkdtemp(prefix="faultline-soak-")
    os.makedirs(work, exist_ok=True)
    try:
        make_dataset(a.demo, os.path.join(work, "data"))
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "classify", "make_tiny_classifier.py"),
                        os.path.join(work, "classifier")], check=True, capture_output=True)
        soak = Soak(os.path.abspath(a.cli), work, random.Random(a.seed))
        started = time.time()
        # A complete run to protect, on CLIP embeddings (generate's retrieval needs the text tower).
        for name in ["embed", "analyze", "predict"]:
            r = soak.run(soak.commands()[name])
            if r.returncode != 0:
                sys.exit(f"set-up: {name} failed: {r.stderr.strip()[-300:]}")
        soak.kill_soak(a.kills)
        soak.disk_full()
        soak.two_processes()
        runs = soak.done_runs()
        print(f"fault soak: {a.kills} kill -9s, disk full, two processes in {time.time() - started:.0f} s; "
              f"{len(runs)} complete runs at the end")
        for k, v in soak.counts.items():
            print(f"  {k}: {v}")
        for f in soak.failures:
            print("FAIL", f)
        print("nothing lost" if not soak.failures else f"{len(soak.failures)} failure(s)")
        sys.exit(1 if soak.failures else 0)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
