#!/usr/bin/python3
"""Fixtures for test_clip_model, made at test time with Debian's python3-torch and numpy.

  make_clip_fixtures.py REFERENCE_DIR OUT_DIR

- reference arrays re-saved as 2-D float32 .npy (the C++ .npy reader takes [N, D] float only);
- a TorchScript archive in the layout of OpenAI's released checkpoints: a traced module whose
  parameter names are the state-dict keys, fp16 weights, 0-dim int64 buffers
  input_resolution/context_length/vocab_size (its code is never run by Faultline);
- damaged checkpoints: one tensor missing, one tensor with a wrong shape, a truncated file.
"""
import json, os, struct, sys
import numpy as np
import torch

ref, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)

def flat32(src, dst):
    a = np.load(os.path.join(ref, src)).astype(np.float32)
    np.save(os.path.join(out, dst), np.ascontiguousarray(a.reshape(a.shape[0], -1)))

flat32("images_preprocessed.npy", "images.npy")
flat32("image_embeddings.npy", "image_embeddings.npy")
flat32("text_tokens.npy", "text_tokens.npy")
flat32("text_embeddings.npy", "text_embeddings.npy")
for name in ["pixel_values", "image_embeds", "text_tokens", "text_embeds", "image_embeds_fp16w", "text_embeds_fp16w"]:
    flat32(f"set-b/reference/{name}.npy", f"setb_{name}.npy")

DTYPES = {"F16": np.float16, "F32": np.float32}

def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        tensors[name] = np.frombuffer(data[b:e], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return tensors

def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, a in tensors.items():
        raw = np.ascontiguousarray(a).tobytes()
        header[name] = {"dtype": {np.float16: "F16", np.float32: "F32"}[a.dtype.type],
                        "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))

weights = read_safetensors(os.path.join(ref, "tiny_clip.safetensors"))

class Holder(torch.nn.Module):
    """A module tree whose parameter names are exactly the checkpoint's keys."""
    def forward(self, image):
        return image * 2

root = Holder()
for key, value in weights.items():
    *path, leaf = key.split(".")
    module = root
    for part in path:
        if not hasattr(module, part):
            module.add_module(part, Holder())
        module = getattr(module, part)
    module.register_parameter(leaf, torch.nn.Parameter(torch.from_numpy(value.copy()).half(), requires_grad=False))
root.register_buffer("input_resolution", torch.tensor(64))
root.register_buffer("context_length", torch.tensor(77))
root.register_buffer("vocab_size", torch.tensor(49408))
traced = torch.jit.trace(root, torch.zeros(1, 3, 64, 64))
torch.jit.save(traced, os.path.join(out, "tiny_clip_torchscript.pt"))

missing = dict(weights)
del missing["visual.ln_post.weight"]
write_safetensors(os.path.join(out, "missing_tensor.safetensors"), missing)
wrong = dict(weights)
wrong["transformer.resblocks.1.mlp.c_fc.weight"] = np.zeros((512, 64), dtype=np.float16)
write_safetensors(os.path.join(out, "wrong_shape.safetensors"), wrong)
with open(os.path.join(ref, "tiny_clip.safetensors"), "rb") as f:
    whole = f.read()
with open(os.path.join(out, "truncated.safetensors"), "wb") as f:
    f.write(whole[: len(whole) // 2])
print("fixtures written to", out)
