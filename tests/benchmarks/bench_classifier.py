#!/usr/bin/python3
"""Classifier runner throughput: `faultline-cli predict` vs the Python reference loop.

  /usr/bin/python3 tests/benchmarks/bench_classifier.py [--cli build/app/cli/faultline-cli] \
      [--images 2000] [--threads 2] [--batch 32] [--repeat 2] [--work /tmp/fl-classify-bench] [--no-split] \
      [--wait-idle]

What it does, in one run:
  1. writes --images realistic images (smooth colour fields plus texture and noise, about 375 x 500
     in both orientations, 90 % JPEG quality 90 and 10 % PNG) as an ImageFolder tree with 10
     classes under --work/images (deterministic: seed 1234; reused when already there);
  2. writes a ResNet-18 (torchvision's architecture written out by hand, as Debian has no
     torchvision; seeded random init, 10 outputs, BatchNorm running statistics calibrated on 64 of
     the images so that the predictions spread over the classes) as TorchScript (torch.jit.script);
  3. times, each in its own process (wall clock, peak RSS from wait4), --repeat times, alternating:
     a. faultline-cli predict --dataset D --project <fresh file> --classifier M --input-size 224
        --resize-size 256 --batch-size B --threads T --device cpu
        (a fresh project each run, so the process also scans the folder, as a first run does);
     b. the reference a Python user writes with Debian's python3-torch + PIL: ImageFolder order
        (sorted classes, sorted files), loader = PIL open + convert("RGB"), torchvision's
        Resize(256) (bilinear, PIL) + CenterCrop(224) + ToTensor + Normalize(ImageNet) re-implemented
        with PIL + numpy exactly as torchvision does them for PIL input, batches of B,
        torch.set_num_threads(T), torch.jit.load of the same file, inference_mode, argmax + softmax;
  4. checks that both agree: equal argmax per image, and |faultline's stored confidence - the
     reference's softmax of the true label|;
  5. (unless --no-split) measures where the time goes: faultline-cli predict with a trivial
     TorchScript model (mean over pixels + a 3 x 10 linear layer) = scan + decode + preprocessing;
     the reference's decode + preprocessing vs model time inside its loop.
Prints a table with images/s, wall seconds and peak RSS of both, and the ratios.
"""
import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import time

import numpy as np

from bench_support import machine, tv_center_crop, tv_resize

HERE = os.path.dirname(os.path.abspath(__file__))
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
CLASSES = 10


# --------------------------------------------------------------------------- data

def make_images(root, count, seed=1234):
    from PIL import Image, ImageFilter
    marker = os.path.join(root, f".complete-{count}-{seed}")
    if os.path.exists(marker):
        return image_folder(root)
    shutil.rmtree(root, ignore_errors=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        long_side, short_side = int(rng.integers(480, 513)), int(rng.integers(333, 385))
        w, h = (long_side, short_side) if rng.random() < 0.7 else (short_side, long_side)
        coarse = rng.integers(0, 256, size=(int(rng.integers(3, 9)), int(rng.integers(3, 9)), 3), dtype=np.uint8)
        img = Image.fromarray(coarse, "RGB").resize((w, h), Image.BICUBIC)
        fine = rng.normal(0, 1, size=(h // 8 + 1, w // 8 + 1, 3))
        texture = Image.fromarray(np.clip(128 + 40 * fine, 0, 255).astype(np.uint8), "RGB").resize((w, h), Image.BILINEAR)
        img = Image.blend(img, texture, 0.25)
        arr = np.asarray(img, dtype=np.int16) + rng.integers(-6, 7, size=(h, w, 3), dtype=np.int16)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
        if i % 3 == 0:
            img = img.filter(ImageFilter.GaussianBlur(1.5))
        folder = os.path.join(root, f"class_{i % CLASSES:02d}")
        os.makedirs(folder, exist_ok=True)
        if i % 10 == 9:
            img.save(os.path.join(folder, f"img_{i:05d}.png"))
        else:
            img.save(os.path.join(folder, f"img_{i:05d}.jpg"), quality=90)
    open(marker, "w").close()
    return image_folder(root)


def image_folder(root):
    """ImageFolder's samples: (relative path, class index), classes sorted, files sorted."""
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)) and not d.startswith("."))
    samples = []
    for ci, c in enumerate(classes):
        for f in sorted(os.listdir(os.path.join(root, c))):
            if f.lower().endswith((".jpg", ".jpeg", ".png")):
                samples.append((f"{c}/{f}", ci))
    return classes, samples


def transform(img, resize, crop, mean_t, std_t):
    import torch
    img = tv_center_crop(tv_resize(img, resize), crop)
    t = torch.from_numpy(np.array(img, np.uint8, copy=True)).permute(2, 0, 1).contiguous()
    t = t.to(torch.float32).div(255)
    return t.sub_(mean_t).div_(std_t)


def load_image(path):
    from PIL import Image
    with open(path, "rb") as f:  # torchvision's pil_loader
        img = Image.open(f)
        return img.convert("RGB")


# --------------------------------------------------------------------------- ResNet-18, by hand

def make_resnet18(path, root, samples, seed=0):
    import torch
    from torch import nn

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            identity = x
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            if self.downsample is not None:
                identity = self.downsample(x)
            return self.relu(out + identity)

    class ResNet18(nn.Module):
        def __init__(self, num_classes):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(3, 2, 1)
            self.layer1 = nn.Sequential(BasicBlock(64, 64, 1), BasicBlock(64, 64, 1))
            self.layer2 = nn.Sequential(BasicBlock(64, 128, 2), BasicBlock(128, 128, 1))
            self.layer3 = nn.Sequential(BasicBlock(128, 256, 2), BasicBlock(256, 256, 1))
            self.layer4 = nn.Sequential(BasicBlock(256, 512, 2), BasicBlock(512, 512, 1))
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(512, num_classes)
            for m in self.modules():  # torchvision's init
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(torch.flatten(self.avgpool(x), 1))

    torch.manual_seed(seed)
    model = ResNet18(CLASSES)
    # Calibrate BatchNorm on real inputs (cumulative average), so activations are normalised and
    # the random network's argmax varies from image to image instead of naming one class.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = None
    mean_t, std_t = torch.tensor(MEAN).view(-1, 1, 1), torch.tensor(STD).view(-1, 1, 1)
    picks = samples[:: max(1, len(samples) // 64)][:64]
    x = torch.stack([transform(load_image(os.path.join(root, p)), 256, 224, mean_t, std_t) for p, _ in picks])
    model.train()
    with torch.no_grad():
        for i in range(0, len(x), 16):
            model(x[i:i + 16])
    model.eval()
    # Standardise each output over the same images (a random fc favours one class everywhere).
    with torch.no_grad():
        logits = torch.cat([model(x[i:i + 16]) for i in range(0, len(x), 16)])
        mu, sd = logits.mean(0), logits.std(0)
        model.fc.weight.div_(sd[:, None])
        model.fc.bias.sub_(mu).div_(sd)
    torch.jit.save(torch.jit.script(model), path)


def make_tiny(path):
    """A model that costs nothing: per-channel mean + Linear(3, 10). Times everything but the network."""
    import torch
    from torch import nn

    class Tiny(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, CLASSES)

        def forward(self, x):
            return self.fc(x.mean(dim=(2, 3)))

    torch.manual_seed(0)
    torch.jit.save(torch.jit.script(Tiny().eval()), path)


# --------------------------------------------------------------------------- the reference (own process)

def reference_worker(args):
    import torch
    torch.set_num_threads(args.threads)
    t_start = time.perf_counter()
    classes, samples = image_folder(args.dataset)
    model = torch.jit.load(args.classifier).eval()
    mean_t, std_t = torch.tensor(MEAN).view(-1, 1, 1), torch.tensor(STD).view(-1, 1, 1)
    preds, probs = [], []
    t_pre = t_model = 0.0
    t0 = time.perf_counter()
    with torch.inference_mode():
        for begin in range(0, len(samples), args.batch):
            a = time.perf_counter()
            x = torch.stack([transform(load_image(os.path.join(args.dataset, p)), args.resize, args.crop, mean_t, std_t)
                             for p, _ in samples[begin:begin + args.batch]])
            b = time.perf_counter()
            if not args.preprocess_only:
                p = model(x).softmax(1)
                preds.append(p.argmax(1).numpy())
                probs.append(p.numpy())
            c = time.perf_counter()
            t_pre += b - a
            t_model += c - b
    loop = time.perf_counter() - t0
    if not args.preprocess_only:
        np.save(args.out + ".pred.npy", np.concatenate(preds))
        np.save(args.out + ".prob.npy", np.concatenate(probs))
    with open(args.out + ".times", "w") as f:
        f.write(f"{loop} {t_pre} {t_model} {t0 - t_start}\n")


def wait_idle(enabled):
    """--wait-idle: before each timed run, wait while a ctest or `cmake --build` runs (shared cores)."""
    def busy():
        return (subprocess.run(["pgrep", "-x", "ctest"], stdout=subprocess.DEVNULL).returncode == 0
                or subprocess.run(["pgrep", "-f", "cmake --build"], stdout=subprocess.DEVNULL).returncode == 0)
    if not enabled:
        return
    waited = 0
    while busy():
        time.sleep(20)
        waited += 20
    if waited:
        print(f"  (waited {waited} s for builds/tests to finish)", flush=True)


def run_measured(cmd, work):
    """Runs cmd under /usr/bin/time; returns (wall s, peak RSS MiB, stderr). (Not wait4 on our own
    child: Linux folds the forked copy of this torch-loaded script into the child's ru_maxrss.)"""
    stats = os.path.join(work, "time.txt")
    proc = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", stats] + cmd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    with open(stats) as f:
        elapsed, max_kb = f.read().split()[-2:]
    return float(elapsed), int(max_kb) / 1024.0, proc.stderr


def run_reference(args, dataset, model, out, preprocess_only=False):
    wait_idle(args.wait_idle)
    cmd = [sys.executable, os.path.abspath(__file__), "--reference-worker", "--dataset", dataset, "--classifier", model,
           "--threads", str(args.threads), "--batch", str(args.batch), "--out", out]
    if preprocess_only:
        cmd.append("--preprocess-only")
    wall, rss, _ = run_measured(cmd, args.work)
    with open(out + ".times") as f:
        loop, t_pre, t_model, startup = (float(v) for v in f.read().split())
    return {"wall": wall, "rss": rss, "loop": loop, "pre": t_pre, "model": t_model, "startup": startup}


def run_faultline(args, dataset, model, project):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(project + suffix):
            os.remove(project + suffix)
    wait_idle(args.wait_idle)
    cmd = [args.cli, "predict", "--dataset", dataset, "--project", project, "--classifier", model,
           "--input-size", "224", "--resize-size", "256", "--batch-size", str(args.batch),
           "--threads", str(args.threads), "--device", "cpu"]
    wall, rss, err = run_measured(cmd, args.work)
    phase = None
    for line in err.splitlines():
        if line.startswith("model '"):
            phase = float(line.rsplit(";", 1)[1].strip().split(" s")[0])
            summary = line
    return {"wall": wall, "rss": rss, "phase": phase, "summary": summary, "cmd": cmd}


def faultline_predictions(project, classes):
    index = {c: i for i, c in enumerate(classes)}
    con = sqlite3.connect(project)
    rows = con.execute("SELECT i.path, p.prediction, p.confidence FROM predictions p JOIN images i ON i.id = p.image_id")
    out = {path: (index[pred], conf) for path, pred, conf in rows}
    con.close()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", default=os.path.join(HERE, "..", "..", "build", "app", "cli", "faultline-cli"))
    ap.add_argument("--work", default="/tmp/fl-classify-bench")
    ap.add_argument("--images", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-split", action="store_true", help="skip the decode/preprocessing-only runs")
    ap.add_argument("--wait-idle", action="store_true",
                    help="before each timed run, wait while ctest or `cmake --build` runs")
    # internal: the reference loop in its own process
    ap.add_argument("--reference-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--dataset", help=argparse.SUPPRESS)
    ap.add_argument("--classifier", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--resize", type=int, default=256, help=argparse.SUPPRESS)
    ap.add_argument("--crop", type=int, default=224, help=argparse.SUPPRESS)
    ap.add_argument("--preprocess-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reference_worker:
        return reference_worker(args)

    args.cli = os.path.abspath(args.cli)
    os.makedirs(args.work, exist_ok=True)
    root = os.path.join(args.work, f"images-{args.images}")
    t0 = time.perf_counter()
    classes, samples = make_images(root, args.images)
    n = len(samples)
    jpeg = sum(p.endswith(".jpg") for p, _ in samples)
    mb = sum(os.path.getsize(os.path.join(root, p)) for p, _ in samples) / 2**20
    print(f"machine: {machine()}; load average {os.getloadavg()}", flush=True)
    print(f"data: {n} images ({jpeg} JPEG, {n - jpeg} PNG, {mb:.0f} MiB) in {len(classes)} classes under {root}"
          f" ({time.perf_counter() - t0:.0f} s)", flush=True)
    model = os.path.join(args.work, f"resnet18-{args.images}.pt")
    if not os.path.exists(model):
        make_resnet18(model, root, samples)
    tiny = os.path.join(args.work, "tiny.pt")
    if not os.path.exists(tiny):
        make_tiny(tiny)
    print(f"classifier: {model} (ResNet-18, 10 outputs, TorchScript)", flush=True)

    project = os.path.join(args.work, "bench-project.sqlite")
    ref_out = os.path.join(args.work, "reference")
    fl_runs, ref_runs = [], []
    for i in range(args.repeat):
        fl = run_faultline(args, root, model, project)
        fl_runs.append(fl)
        if i == 0:
            print("faultline command: " + " ".join(fl["cmd"]), flush=True)
        print(f"faultline run {i + 1}: wall {fl['wall']:.1f} s ({n / fl['wall']:.1f} images/s), predict phase"
              f" {fl['phase']:.1f} s ({n / fl['phase']:.1f} images/s), peak RSS {fl['rss']:.0f} MiB;"
              f" load {os.getloadavg()[0]:.2f}\n  {fl['summary']}", flush=True)
        ref = run_reference(args, root, model, ref_out)
        ref_runs.append(ref)
        print(f"reference run {i + 1}: wall {ref['wall']:.1f} s ({n / ref['wall']:.1f} images/s), loop {ref['loop']:.1f} s"
              f" ({n / ref['loop']:.1f} images/s: decode+preprocess {ref['pre']:.1f} s, model {ref['model']:.1f} s),"
              f" peak RSS {ref['rss']:.0f} MiB; load {os.getloadavg()[0]:.2f}", flush=True)

    # agreement (predictions of the last runs)
    fl_pred = faultline_predictions(project, classes)
    ref_pred = np.load(ref_out + ".pred.npy")
    ref_prob = np.load(ref_out + ".prob.npy")
    equal, conf_diff = 0, []
    for k, (path, label) in enumerate(samples):
        pred, conf = fl_pred[path]
        equal += int(pred == ref_pred[k])
        conf_diff.append(abs(conf - float(ref_prob[k, label])))
    spread = np.bincount(ref_pred, minlength=len(classes))
    print(f"agreement: equal argmax {equal}/{n} ({100.0 * equal / n:.2f} %); max |confidence diff|"
          f" {max(conf_diff):.2e} (mean confidence {np.mean([c for _, c in fl_pred.values()]):.4f}); reference predicts {int((spread > 0).sum())} classes"
          f" (counts {spread.tolist()})", flush=True)

    split = {}
    if not args.no_split:
        fl = run_faultline(args, root, tiny, project)
        split["fl"] = fl
        print(f"faultline, trivial model (scan + decode + preprocessing): wall {fl['wall']:.1f} s, predict phase"
              f" {fl['phase']:.1f} s ({n / fl['phase']:.1f} images/s), peak RSS {fl['rss']:.0f} MiB", flush=True)
        ref = run_reference(args, root, tiny, ref_out + "-pre", preprocess_only=True)
        split["ref"] = ref
        print(f"reference, decode + preprocessing only: loop {ref['loop']:.1f} s ({n / ref['loop']:.1f} images/s),"
              f" peak RSS {ref['rss']:.0f} MiB", flush=True)

    fl_best = min(fl_runs, key=lambda r: r["wall"])
    ref_best = min(ref_runs, key=lambda r: r["wall"])
    print()
    print(f"best of {args.repeat}, {n} images, batch {args.batch}, {args.threads} threads, CPU:")
    print("| pipeline | images/s (whole process) | wall s | in-loop images/s | peak RSS MiB |")
    print("|---|---|---|---|---|")
    print(f"| faultline-cli predict | {n / fl_best['wall']:.1f} | {fl_best['wall']:.1f} |"
          f" {n / fl_best['phase']:.1f} | {fl_best['rss']:.0f} |")
    print(f"| Python reference | {n / ref_best['wall']:.1f} | {ref_best['wall']:.1f} |"
          f" {n / ref_best['loop']:.1f} | {ref_best['rss']:.0f} |")
    print(f"| ratio faultline/reference | {ref_best['wall'] / fl_best['wall']:.2f}x | |"
          f" {ref_best['loop'] / fl_best['phase']:.2f}x | {fl_best['rss'] / ref_best['rss']:.2f}x |")


if __name__ == "__main__":
    main()
