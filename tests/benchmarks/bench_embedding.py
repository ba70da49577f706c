#!/usr/bin/python3
"""End-to-end CLIP image-embedding throughput: faultline-cli embed vs a Python reference pipeline.

  /usr/bin/python3 tests/benchmarks/bench_embedding.py --cli build/app/cli/faultline-cli \
      [--model /tmp/fl-embed-bench/vit_b32.safetensors] [--images 500] [--repeat 2] [--threads 2] \
      [--batch 64] [--work /tmp/fl-embed-bench] [--reference-limit N] [--mkldnn-reference]

What it does, in one run:
  1. makes (or reuses) a random-weight full-size ViT-B/32 checkpoint (make_vit_b32.py: OpenAI key
     layout, F16 matrices as OpenAI ships them) — random weights cost the same FLOPs as real ones;
  2. writes --images realistic JPEGs (smooth colour fields plus texture and noise, 300-640 px per
     side, quality 90) as an ImageFolder tree (10 classes) under --work;
  3. times the Python reference the way CLIP users run it on Debian's python3-torch: a ViT defined
     like OpenAI's clip/model.py (conv1 without bias, class token, positional embedding, ln_pre,
     residual blocks with nn.MultiheadAttention and QuickGELU, ln_post, proj) loaded from the same
     safetensors (as float32, what clip.load(device="cpu") runs), fed by a plain loop doing
     PIL open -> Resize(224, bicubic) -> CenterCrop(224) -> convert("RGB") -> ToTensor -> Normalize
     (torchvision's transforms re-implemented with PIL + numpy exactly as torchvision does them),
     batches of --batch, torch.set_num_threads(--threads), under torch.inference_mode();
  4. times `faultline-cli embed` on the same folder (a fresh project file each run, --threads);
  5. checks that both produce the same embeddings (cosine >= 0.999 for every image);
  6. measures this machine's sustained fp32 GEMM rate (oneDNN inner product, the fastest fp32
     GEMM this torch has, and torch.mm, i.e. the system BLAS) on --threads threads and derives the
     FLOP-bound ceiling in images/s from the ViT-B/32 image tower's FLOP count.

--mkldnn-reference additionally times the reference with torch.nn.functional.linear routed
through oneDNN (torch._C._nn.mkldnn_linear; what a CPU-savvy user could do), to show how much of
the gap is the system BLAS. --reference-limit N times the reference on the first N images only (it is slow
on a reference BLAS); the cosine check then covers those N.
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import time
from collections import OrderedDict

import numpy as np
import torch
from PIL import Image, ImageFilter
from torch import nn

from bench_support import machine, tv_center_crop, tv_resize

HERE = os.path.dirname(os.path.abspath(__file__))
MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)


# --------------------------------------------------------------------------- data

def make_images(root, count, seed=1234, classes=10):
    """Smooth random colour fields with texture, varied sizes, as JPEG in class folders."""
    marker = os.path.join(root, f".complete-{count}-{seed}")
    if os.path.exists(marker):
        return sorted_images(root)
    shutil.rmtree(root, ignore_errors=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        w, h = (int(v) for v in rng.integers(300, 641, size=2))
        coarse = rng.integers(0, 256, size=(int(rng.integers(3, 9)), int(rng.integers(3, 9)), 3), dtype=np.uint8)
        img = Image.fromarray(coarse, "RGB").resize((w, h), Image.BICUBIC)
        fine = rng.normal(0, 1, size=(h // 8 + 1, w // 8 + 1, 3))
        texture = Image.fromarray(np.clip(128 + 40 * fine, 0, 255).astype(np.uint8), "RGB").resize((w, h), Image.BILINEAR)
        img = Image.blend(img, texture, 0.25)
        arr = np.asarray(img, dtype=np.int16) + rng.integers(-6, 7, size=(h, w, 3), dtype=np.int16)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
        if i % 3 == 0:
            img = img.filter(ImageFilter.GaussianBlur(1.5))
        folder = os.path.join(root, f"class_{i % classes:02d}")
        os.makedirs(folder, exist_ok=True)
        img.save(os.path.join(folder, f"img_{i:05d}.jpg"), quality=90)
    open(marker, "w").close()
    return sorted_images(root)


def sorted_images(root):
    paths = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.lower().endswith(".jpg"):
                paths.append(os.path.relpath(os.path.join(dirpath, f), root))
    return sorted(paths)


# --------------------------------------------------------------------------- reference model

def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dt = {"F16": np.float16, "F32": np.float32, "BF16": None}[meta["dtype"]]
        b, e = meta["data_offsets"]
        arr = np.frombuffer(data, dtype=dt, count=(e - b) // np.dtype(dt).itemsize, offset=b)
        out[name] = torch.from_numpy(arr.reshape(meta["shape"]).astype(np.float32))
    return out


class LayerNorm(nn.LayerNorm):
    def forward(self, x):
        orig_type = x.dtype
        return super().forward(x.type(torch.float32)).type(orig_type)


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, d_model, n_head):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, n_head)
        self.ln_1 = LayerNorm(d_model)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(d_model, d_model * 4)),
            ("gelu", QuickGELU()),
            ("c_proj", nn.Linear(d_model * 4, d_model)),
        ]))
        self.ln_2 = LayerNorm(d_model)

    def attention(self, x):
        return self.attn(x, x, x, need_weights=False, attn_mask=None)[0]

    def forward(self, x):
        x = x + self.attention(self.ln_1(x))
        x = x + self.mlp(self.ln_2(x))
        return x


class Transformer(nn.Module):
    def __init__(self, width, layers, heads):
        super().__init__()
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads) for _ in range(layers)])

    def forward(self, x):
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    def __init__(self, input_resolution, patch_size, width, layers, heads, output_dim):
        super().__init__()
        self.input_resolution = input_resolution
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch_size, stride=patch_size, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn((input_resolution // patch_size) ** 2 + 1, width))
        self.ln_pre = LayerNorm(width)
        self.transformer = Transformer(width, layers, heads)
        self.ln_post = LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x):
        x = self.conv1(x)
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)
        x = torch.cat([self.class_embedding.to(x.dtype)
                       + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype, device=x.device), x], dim=1)
        x = x + self.positional_embedding.to(x.dtype)
        x = self.ln_pre(x)
        x = x.permute(1, 0, 2)  # NLD -> LND
        x = self.transformer(x)
        x = x.permute(1, 0, 2)  # LND -> NLD
        x = self.ln_post(x[:, 0, :])
        return x @ self.proj


def load_visual(path):
    """build_model()'s shape inference for the image tower, then float32 weights (CPU)."""
    sd = {k[len("visual."):]: v for k, v in read_safetensors(path).items() if k.startswith("visual.")}
    width = sd["conv1.weight"].shape[0]
    patch = sd["conv1.weight"].shape[-1]
    layers = len({k.split(".")[2] for k in sd if k.startswith("transformer.resblocks.") and k.endswith(".attn.in_proj_weight")})
    grid = round((sd["positional_embedding"].shape[0] - 1) ** 0.5)
    model = VisionTransformer(grid * patch, patch, width, layers, width // 64, sd["proj"].shape[1])
    model.load_state_dict(sd)
    return model.float().eval()


MEAN_T = torch.tensor(MEAN).view(-1, 1, 1)
STD_T = torch.tensor(STD).view(-1, 1, 1)


def clip_transform(img, size):
    img = tv_center_crop(tv_resize(img, size, Image.BICUBIC), size).convert("RGB")
    t = torch.from_numpy(np.array(img, np.uint8, copy=True)).permute(2, 0, 1).contiguous()
    t = t.to(torch.float32).div(255)
    return t.sub_(MEAN_T).div_(STD_T)


def onednn_linear(x, weight, bias=None):
    rows = x.reshape(-1, x.shape[-1]).contiguous().to_mkldnn()
    y = torch._C._nn.mkldnn_linear(rows, weight, bias).to_dense()
    return y.view(*x.shape[:-1], weight.shape[0])


def run_reference(model, root, paths, batch, threads):
    torch.set_num_threads(threads)
    size = model.input_resolution
    out = []
    t0 = time.perf_counter()
    t_pre = t_model = 0.0
    with torch.inference_mode():
        for begin in range(0, len(paths), batch):
            a = time.perf_counter()
            pixels = torch.stack([clip_transform(Image.open(os.path.join(root, p)), size) for p in paths[begin:begin + batch]])
            b = time.perf_counter()
            out.append(model(pixels))
            c = time.perf_counter()
            t_pre += b - a
            t_model += c - b
    total = time.perf_counter() - t0
    return torch.cat(out).numpy(), total, t_pre, t_model


# --------------------------------------------------------------------------- faultline

def run_faultline(cli, model_path, root, work, batch, threads, out_npy):
    project = os.path.join(work, "bench-project.sqlite")
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(project + suffix):
            os.remove(project + suffix)
    cmd = [cli, "embed", "--dataset", root, "--project", project, "--model", model_path, "--batch", str(batch),
           "--threads", str(threads), "--device", "cpu", "--out", out_npy]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"faultline-cli failed ({proc.returncode}):\n{proc.stderr}")
    embed_s = None
    for line in proc.stderr.splitlines():
        if line.startswith("model: "):
            print("  " + line, flush=True)
        if line.startswith("embeddings "):
            # "... computed, ... ; 12.3 s (40.6 images/s)"
            embed_s = float(line.rsplit(";", 1)[1].split(" s")[0])
    return wall, embed_s, proc.stderr


# --------------------------------------------------------------------------- FLOPs

def vit_flops_per_image(res=224, patch=32, width=768, layers=12, embed=512):
    """Multiply-adds x 2 of the image tower (matrix products only; norms/softmax/GELU are < 1 %)."""
    tokens = (res // patch) ** 2 + 1
    patch_embed = 2 * (res // patch) ** 2 * (3 * patch * patch) * width
    per_layer = (2 * tokens * width * 3 * width      # q, k, v projections
                 + 2 * tokens * tokens * width * 2   # scores QK^T and scores x V (all heads)
                 + 2 * tokens * width * width        # out projection
                 + 2 * tokens * width * 4 * width * 2)  # MLP c_fc and c_proj
    return patch_embed + layers * per_layer + 2 * width * embed


def gemm_rate(threads, seconds=3.0):
    torch.set_num_threads(threads)
    m, k, n = 3200, 768, 3072  # one ViT-B/32 MLP product of a 64-image batch
    a, w, bias = torch.randn(m, k), torch.randn(n, k), torch.randn(n)
    flops = 2.0 * m * k * n
    rates = {}
    wm = w.to_mkldnn()

    def onednn():
        torch._C._nn.mkldnn_linear(a.to_mkldnn(), wm, bias).to_dense()

    for name, fn in (("oneDNN inner product", onednn), ("torch.mm (system BLAS)", lambda: torch.mm(a, w.t()))):
        fn()
        reps, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds or reps < 2:
            fn()
            reps += 1
        rates[name] = flops * reps / (time.perf_counter() - t0) / 1e9
    return rates


# --------------------------------------------------------------------------- main


def cosine_rows(a, b):
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", default=os.path.join(HERE, "..", "..", "build", "app", "cli", "faultline-cli"))
    ap.add_argument("--work", default="/tmp/fl-embed-bench")
    ap.add_argument("--model", default=None, help="ViT-B/32 safetensors (default: make one under --work)")
    ap.add_argument("--images", type=int, default=500)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--reference-limit", type=int, default=0)
    ap.add_argument("--mkldnn-reference", action="store_true")
    ap.add_argument("--skip-reference", action="store_true")
    ap.add_argument("--skip-faultline", action="store_true")
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    model_path = args.model or os.path.join(args.work, "vit_b32.safetensors")
    if not os.path.exists(model_path):
        subprocess.run([sys.executable, os.path.join(HERE, "make_vit_b32.py"), model_path], check=True)
    root = os.path.join(args.work, "images")
    paths = make_images(root, args.images)
    print(f"machine: {machine()}; load average {os.getloadavg()}", flush=True)
    print(f"{len(paths)} JPEGs under {root}; model {model_path}", flush=True)

    gflop = vit_flops_per_image() / 1e9
    rates = gemm_rate(args.threads)
    print(f"ViT-B/32 image tower: {gflop:.2f} GFLOP per image", flush=True)
    for name, r in rates.items():
        print(f"sustained fp32 GEMM on {args.threads} threads, {name}: {r:.1f} GFLOP/s"
              f" -> FLOP-bound ceiling {r / gflop:.1f} images/s", flush=True)

    results = {"faultline": [], "reference": [], "reference_mkldnn": []}
    fl_out = os.path.join(args.work, "faultline.npy")
    if not args.skip_faultline:
        for i in range(args.repeat):
            wall, embed_s, log = run_faultline(args.cli, model_path, root, args.work, args.batch, args.threads, fl_out)
            results["faultline"].append((wall, embed_s))
            print(f"faultline run {i + 1}: {len(paths) / embed_s:.2f} images/s in the embed phase ({embed_s:.1f} s);"
                  f" {len(paths) / wall:.2f} images/s for the whole process ({wall:.1f} s, incl. model load and scan)",
                  flush=True)

    ref_paths = paths[:args.reference_limit] if args.reference_limit else paths
    ref = None
    if not args.skip_reference:
        t0 = time.perf_counter()
        model = load_visual(model_path)
        load_s = time.perf_counter() - t0
        print(f"reference model load: {load_s:.1f} s", flush=True)
        variants = [("reference", model)]
        if args.mkldnn_reference:
            variants.append(("reference_mkldnn", model))
        for key, m in variants:
            if key == "reference_mkldnn":
                # Every F.linear (nn.Linear and nn.MultiheadAttention's projections) through oneDNN;
                # the attention bmm stays on the system BLAS.
                torch.nn.functional.linear = onednn_linear
            these = ref_paths if key == "reference" else paths  # the oneDNN variant is fast enough for all
            for i in range(args.repeat):
                emb, total, t_pre, t_model = run_reference(m, root, these, args.batch, args.threads)
                results[key].append((total, t_pre, t_model))
                if key == "reference":
                    ref = emb
                print(f"{key} run {i + 1}: {len(these) / total:.2f} images/s ({total:.1f} s for {len(these)}"
                      f" images: decode+preprocess {t_pre:.1f} s = {len(these) / t_pre:.1f} images/s,"
                      f" model {t_model:.1f} s = {len(these) / t_model:.2f} images/s)", flush=True)
                if key == "reference_mkldnn" and ref is not None:
                    print(f"  {key} vs reference: min cosine {cosine_rows(emb[:len(ref)], ref).min():.6f}", flush=True)

    if ref is not None and os.path.exists(fl_out) and not args.skip_faultline:
        fl = np.load(fl_out)
        with open(os.path.splitext(fl_out)[0] + ".paths.txt") as f:
            fl_paths = [line.rstrip("\n") for line in f]
        index = {p: i for i, p in enumerate(fl_paths)}
        fl_rows = fl[[index[p] for p in ref_paths]]
        cos = cosine_rows(fl_rows.astype(np.float64), ref.astype(np.float64))
        print(f"parity on {len(ref_paths)} images: min cosine {cos.min():.6f}, mean {cos.mean():.6f},"
              f" max |diff| {np.abs(fl_rows - ref).max():.2e}", flush=True)
        if cos.min() < 0.999:
            sys.exit("FAIL: faultline and the reference disagree (cosine < 0.999)")

    if results["faultline"] and results["reference"]:
        fl_rate = max(len(paths) / e for _, e in results["faultline"])
        ref_rate = max(len(ref_paths) / t for t, _, _ in results["reference"])
        print(f"best of {args.repeat}: faultline {fl_rate:.2f} images/s, reference {ref_rate:.2f} images/s,"
              f" ratio {fl_rate / ref_rate:.1f}x", flush=True)
        if results["reference_mkldnn"]:
            mk_rate = max(len(paths) / t for t, _, _ in results["reference_mkldnn"])
            print(f"best of {args.repeat}: reference with oneDNN Linear layers {mk_rate:.2f} images/s,"
                  f" faultline/that {fl_rate / mk_rate:.2f}x", flush=True)


if __name__ == "__main__":
    main()
