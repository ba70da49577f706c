#!/usr/bin/python3
"""Assembles the CLIP reference directory the tests read (FAULTLINE_CLIP_REFERENCE), numpy only.

  assemble_reference.py DATA_DIR BPE_VOCAB OUT_DIR

Links every committed file of DATA_DIR (this folder) and the BPE vocabulary into OUT_DIR, then
rebuilds set-b's three tiny-CLIP checkpoints from the committed pack: writes
OUT_DIR/set-b/tiny_clip_state_dict.safetensors (OpenAI keys, F32), tiny_clip_state_dict_fp16mixed.safetensors
and tiny_clip_hf_keys.safetensors into OUT_DIR, each with its original metadata, header order and
data order (see compact_set_b.py for what the pack holds). Token-embedding rows that no reference
text uses are seeded noise of the same scale, identical in all three files.
"""
import json, os, struct, sys
import numpy as np

data_dir, bpe, root = sys.argv[1], sys.argv[2], sys.argv[3]
pack_dir, out = os.path.join(data_dir, "set-b"), os.path.join(root, "set-b")

def link(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.lexists(dst):
        os.remove(dst)
    os.symlink(os.path.abspath(src), dst)

for folder, _, files in os.walk(data_dir):
    for name in files:
        if not name.endswith(".py"):
            src = os.path.join(folder, name)
            link(src, os.path.join(root, os.path.relpath(src, data_dir)))
link(bpe, os.path.join(root, "bpe_simple_vocab_16e6.txt.gz"))

pack = np.load(os.path.join(pack_dir, "tiny_clip_weights.npz"))
with open(os.path.join(pack_dir, "tiny_clip_layouts.json")) as f:
    layouts = json.load(f)

weights = {k: pack[k] for k in pack.files if not k.startswith("token_embedding.")}
rows = pack["token_embedding.rows"]
embedding = np.random.default_rng(20261202).normal(0.0, float(rows.std()), tuple(pack["token_embedding.shape"]))
embedding = embedding.astype(np.float32)
embedding[pack["token_embedding.ids"]] = rows
weights["token_embedding.weight"] = embedding

def build(entry):
    a = weights[entry["source"]]
    op = entry["op"]
    if op == "transpose":
        a = a.T
    elif op.startswith("third"):
        third = a.shape[0] // 3
        i = int(op[len("third"):])
        a = a[i * third:(i + 1) * third]
    a = a.astype({"F16": "<f2", "F32": "<f4"}[entry["dtype"]], order="C")  # 0-d stays 0-d
    assert list(a.shape) == entry["shape"], entry["name"]
    return a

os.makedirs(out, exist_ok=True)
for name, layout in layouts.items():
    entries = layout["tensors"]
    blobs = [None] * len(entries)
    for e in entries:
        blobs[e["data_index"]] = (e["name"], build(e).tobytes())
    offsets, position = {}, 0
    for key, raw in blobs:
        offsets[key] = [position, position + len(raw)]
        position += len(raw)
    header = {"__metadata__": layout["metadata"]}
    for e in entries:
        header[e["name"]] = {"dtype": e["dtype"], "shape": e["shape"], "data_offsets": offsets[e["name"]]}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # safetensors pads the header to 8 bytes
    tmp = os.path.join(out, name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for _, raw in blobs:
            f.write(raw)
    os.replace(tmp, os.path.join(out, name))
