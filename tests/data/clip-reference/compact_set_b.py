#!/usr/bin/python3
"""Packs set-b's three tiny-CLIP checkpoints (87 MB) into one small fixture (run once, by hand).

  compact_set_b.py SET_B_DIR OUT_DIR

The three files hold the same weights in three layouts (OpenAI keys in F32, the F16/F32 mix of
OpenAI's build_model, Hugging Face keys). Almost all of their bytes are the 49408 x 128 token
embedding, of which the reference texts use about a hundred rows. The pack keeps:
- tiny_clip_weights.npz: every F32 tensor of the OpenAI state dict, the token embedding reduced to
  the rows that reference/text_tokens.npy uses (plus their ids);
- tiny_clip_layouts.json: for each original file its metadata and, in header order, each tensor's
  dtype, shape, byte order position and the recipe that rebuilds it from the F32 tensors (copy,
  transpose, or one third of an attention in_proj).
derive_set_b.py rebuilds the three files from these (the unused token rows are filled with
seeded noise: no reference output depends on them).
"""
import json, os, struct, sys
import numpy as np

DTYPES = {"F16": np.float16, "F32": np.float32}

def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        tensors[name] = np.frombuffer(data[b:e], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return meta, header, tensors

def candidates(weights):
    """Every way a tensor of another layout can come from one F32 tensor."""
    for key, a in weights.items():
        yield key, "copy", a
        if a.ndim == 2:
            yield key, "transpose", a.T
        if key.endswith("in_proj_weight") or key.endswith("in_proj_bias"):
            third = a.shape[0] // 3
            for i in range(3):
                yield key, f"third{i}", a[i * third:(i + 1) * third]

def recipe(target, weights):
    for key, op, cand in candidates(weights):
        if cand.shape == target.shape and np.array_equal(cand.astype(target.dtype), target):
            return key, op
    raise SystemExit("no recipe for a tensor")

src, out = sys.argv[1], sys.argv[2]
_, _, f32 = read(os.path.join(src, "tiny_clip_state_dict.safetensors"))
layouts = {}
for name in ["tiny_clip_state_dict.safetensors", "tiny_clip_state_dict_fp16mixed.safetensors",
             "tiny_clip_hf_keys.safetensors"]:
    meta, header, tensors = read(os.path.join(src, name))
    order = sorted(header, key=lambda k: header[k]["data_offsets"][0])
    entries = []
    for key in header:
        source, op = recipe(tensors[key], f32)
        entries.append({"name": key, "dtype": header[key]["dtype"], "shape": header[key]["shape"],
                        "data_index": order.index(key), "source": source, "op": op})
    layouts[name] = {"metadata": meta, "tensors": entries}

tokens = np.load(os.path.join(src, "reference", "text_tokens.npy"))
rows = np.unique(tokens).astype(np.int64)
pack = {k: v for k, v in f32.items() if k != "token_embedding.weight"}
pack["token_embedding.rows"] = f32["token_embedding.weight"][rows]
pack["token_embedding.ids"] = rows
pack["token_embedding.shape"] = np.array(f32["token_embedding.weight"].shape, dtype=np.int64)
os.makedirs(out, exist_ok=True)
np.savez_compressed(os.path.join(out, "tiny_clip_weights.npz"), **pack)
with open(os.path.join(out, "tiny_clip_layouts.json"), "w") as f:
    json.dump(layouts, f, indent=1)
