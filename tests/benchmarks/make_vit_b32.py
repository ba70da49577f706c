#!/usr/bin/python3
"""Write a random-weight, full-size CLIP ViT-B/32 checkpoint (OpenAI key layout) as safetensors.

  /usr/bin/python3 tests/benchmarks/make_vit_b32.py OUT.safetensors [--seed 0] [--dtype openai|f32]

Keys, shapes and dtypes come from vit_b32_state_dict_keys.tsv (OpenAI's ViT-B-32 after
clip.model.build_model()/convert_weights: matrices F16, embeddings and layer norms F32); with
--dtype f32 everything is F32. Random weights cost the same FLOPs as the real ones, which is all
a throughput benchmark needs. Initialisation keeps activations finite: matrices and embeddings
N(0, 0.02²), layer-norm weights 1, biases 0, logit_scale log(1/0.07).
The safetensors file is written by hand (8-byte little-endian header length, JSON header padded
to 8 bytes, then the raw little-endian tensors), so only torch (Debian's python3-torch) is needed.
"""
import argparse
import json
import math
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS_CANDIDATES = [
    os.path.join(HERE, "..", "data", "clip-reference", "set-b", "vit_b32_state_dict_keys.tsv"),
]


def read_keys(path):
    keys = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            name, shape, dtype = line.rstrip("\n").split("\t")
            dims = [int(d) for d in shape.strip("[]").split(",") if d.strip()]
            keys.append((name, dims, dtype))
    return keys


def init_tensor(name, shape, gen):
    if name == "logit_scale":
        return torch.tensor(math.log(1 / 0.07), dtype=torch.float32)
    if name.endswith("bias"):
        return torch.zeros(shape)
    if ("ln_" in name) and name.endswith("weight"):
        return torch.ones(shape)
    return torch.randn(shape, generator=gen) * 0.02


def write_safetensors(path, tensors):
    header = {"__metadata__": {"format": "pt", "note": "random-weight ViT-B/32 for benchmarks"}}
    blobs = []
    offset = 0
    for name, t in tensors:
        dtype = {torch.float16: "F16", torch.float32: "F32"}[t.dtype]
        data = t.contiguous().numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dtype", choices=["openai", "f32"], default="openai")
    ap.add_argument("--keys", default=None, help="the key list (default: vit_b32_state_dict_keys.tsv)")
    args = ap.parse_args()
    keys_path = args.keys or next((p for p in KEYS_CANDIDATES if os.path.exists(p)), None)
    if not keys_path:
        sys.exit("vit_b32_state_dict_keys.tsv not found; pass --keys")
    gen = torch.Generator().manual_seed(args.seed)
    tensors = []
    for name, shape, dtype in read_keys(keys_path):
        t = init_tensor(name, shape, gen).float()
        if args.dtype == "openai" and dtype == "float16":
            t = t.half()
        tensors.append((name, t))
    write_safetensors(args.out, tensors)
    params = sum(t.numel() for _, t in tensors)
    print(f"wrote {args.out}: {len(tensors)} tensors, {params / 1e6:.1f} M parameters, "
          f"{os.path.getsize(args.out) / 2**20:.0f} MiB", file=sys.stderr)


if __name__ == "__main__":
    main()
