"""Independent NumPy (float64) implementation of the @ratchet/gpt architecture, for golden logits.

Reads src/__fixtures__/<preset>.safetensors (config in the safetensors __metadata__), runs fixed
token ids through the model and writes src/__fixtures__/<preset>.logits.json, which the jest test
compares against without Python. Written from the papers and LitGPT's model.py semantics, not from
the TypeScript code: LayerNorm/RMSNorm, rotary embeddings on the first rope_n_elem dims of each
head ("rotate half" layout), causal softmax attention, GPT-NeoX MLP with exact GELU or LLaMA
SwiGLU, parallel or sequential residual. Linear weights are stored (in, out): y = x @ W + b.

    pip install numpy && python3 reference/gpt_reference.py
"""
import json
import math
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "src", "__fixtures__")


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, e in header.items():
        assert e["dtype"] == "F32", e["dtype"]
        start, end = e["data_offsets"]
        arr = np.frombuffer(raw[base + start : base + end], dtype="<f4").astype(np.float64)
        tensors[name] = arr.reshape(e["shape"])
    return tensors, meta


_erf = np.vectorize(math.erf)


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    y = (x - mu) / np.sqrt(var + eps) * w
    return y + b if b is not None else y


def rms_norm(x, w, eps):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * w


def rope(x, n_elem, base):
    """x: (B, nh, T, hs); rotates the first n_elem dims of every head."""
    if n_elem == 0:
        return x
    T = x.shape[2]
    theta = 1.0 / (base ** (np.arange(0, n_elem, 2, dtype=np.float64) / n_elem))  # (n/2,)
    ang = np.outer(np.arange(T, dtype=np.float64), theta)  # (T, n/2)
    ang = np.concatenate([ang, ang], axis=-1)  # (T, n)
    cos, sin = np.cos(ang), np.sin(ang)
    xr, xp = x[..., :n_elem], x[..., n_elem:]
    half = n_elem // 2
    rotated = np.concatenate([-xr[..., half:], xr[..., :half]], axis=-1)
    return np.concatenate([xr * cos + rotated * sin, xp], axis=-1)


def forward(cfg, W, idx):
    B, T = idx.shape
    C, nh = cfg["n_embd"], cfg["n_head"]
    hs = C // nh
    n_elem = int(cfg["rotary_percentage"] * hs)
    eps = cfg["norm_eps"]
    bias = cfg["bias"]

    def lin(x, name):
        y = x @ W[name + ".weight"]
        return y + W[name + ".bias"] if bias else y

    def norm(x, name):
        if cfg["norm_class_name"] == "RMSNorm":
            return rms_norm(x, W[name + ".weight"], eps)
        return layer_norm(x, W[name + ".weight"], W.get(name + ".bias"), eps)

    def attn(x, h):
        qkv = lin(x, h + ".attn.attn")  # (B, T, 3C)
        q, k, v = np.split(qkv, 3, axis=-1)
        heads = lambda t: t.reshape(B, T, nh, hs).transpose(0, 2, 1, 3)  # (B, nh, T, hs)
        q, k, v = heads(q), heads(k), heads(v)
        q, k = rope(q, n_elem, cfg["rope_base"]), rope(k, n_elem, cfg["rope_base"])
        att = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hs)  # (B, nh, T, T)
        att = np.where(np.tril(np.ones((T, T), dtype=bool)), att, -np.inf)
        att = np.exp(att - att.max(-1, keepdims=True))
        att = att / att.sum(-1, keepdims=True)
        y = (att @ v).transpose(0, 2, 1, 3).reshape(B, T, C)
        return lin(y, h + ".attn.proj")

    def mlp(x, h):
        if cfg["mlp_class_name"] == "LLaMAMLP":
            a = lin(x, h + ".mlp.fc_1")
            silu = a / (1.0 + np.exp(-a))
            return lin(silu * lin(x, h + ".mlp.fc_2"), h + ".mlp.proj")
        return lin(gelu(lin(x, h + ".mlp.fc")), h + ".mlp.proj")

    x = W["transformer.wte.weight"][idx]  # (B, T, C)
    for l in range(cfg["n_layer"]):
        h = f"transformer.h.{l}"
        if cfg["parallel_residual"]:
            x = x + attn(norm(x, h + ".norm_1"), h) + mlp(norm(x, h + ".norm_2"), h)
        else:
            x = x + attn(norm(x, h + ".norm_1"), h)
            x = x + mlp(norm(x, h + ".norm_2"), h)
    x = norm(x, "transformer.ln_f")
    return x @ W["lm_head.weight"]  # (B, T, V)


def token_ids(B, T, V):
    # Fixed, easily reproduced ids (the test reads them from the fixture anyway).
    return np.array([[(31 * b + 17 * t + 5) % V for t in range(T)] for b in range(B)], dtype=np.int64)


def main(presets):
    for preset in presets:
        W, meta = read_safetensors(os.path.join(FIXTURES, f"{preset}.safetensors"))
        cfg = json.loads(meta["config"])
        ids = token_ids(2, cfg["block_size"], cfg["vocab_size"])
        logits = forward(cfg, W, ids)
        out = {
            "preset": preset,
            "generator": "libs/gpt/reference/gpt_reference.py (numpy float64)",
            "ids": ids.tolist(),
            "logits": np.round(logits, 6).tolist(),
        }
        path = os.path.join(FIXTURES, f"{preset}.logits.json")
        with open(path, "w") as f:
            json.dump(out, f, separators=(",", ":"))
        print(f"{preset}: logits {logits.shape}, |logits| max {np.abs(logits).max():.3f} -> {path}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["tiny", "tiny-llama"])
