#!/usr/bin/env python3
"""PyTorch CPU baseline for the CLIP text tower on real prompts (dev tool for benchmarks/text-vs-torch.sh).

Builds the OpenAI CLIP text transformer from a clip4j model directory (OpenAI key layout, F32 safetensors)
and encodes the 80 ImageNet templates x the first 10 classes, tokenized by `clip4j tokenize` (the same ids
clip4j uses), in batches of 32 over the full 77-token context, as CLIP's encode_text does. Prints one JSON
line: the median texts/s over the rounds and the sum of all output features (clip4j's harness prints the
same sum, so equal checksums show equal results).

Needs Debian's python3-torch. Threads: --threads (default 2) with OMP_WAIT_POLICY=PASSIVE, because
spinning OpenMP workers get descheduled on a shared VM.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402 (after the OpenMP setting)
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_onnx import QuickGELU, read_safetensors  # noqa: E402


class TextBlock(nn.Module):
    def __init__(self, d, heads, quick):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads)
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential()
        self.mlp.add_module("c_fc", nn.Linear(d, 4 * d))
        self.mlp.add_module("gelu", QuickGELU() if quick else nn.GELU())
        self.mlp.add_module("c_proj", nn.Linear(4 * d, d))

    def forward(self, x, mask):  # [L, N, D]
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False, attn_mask=mask)[0]
        return x + self.mlp(self.ln_2(x))


class TextTower(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        w = cfg["transformer_width"]
        self.context = cfg["context_length"]
        self.token_embedding = nn.Embedding(cfg["vocab_size"], w)
        self.positional_embedding = nn.Parameter(torch.zeros(self.context, w))
        self.transformer = nn.Module()
        self.transformer.resblocks = nn.ModuleList(
            [TextBlock(w, cfg["transformer_heads"], cfg.get("quick_gelu", True)) for _ in range(cfg["transformer_layers"])])
        self.ln_final = nn.LayerNorm(w)
        self.text_projection = nn.Parameter(torch.zeros(w, cfg["embed_dim"]))
        self.register_buffer("mask", torch.full((self.context, self.context), float("-inf")).triu_(1), persistent=False)

    def forward(self, ids):  # CLIP's encode_text: every position computed
        x = self.token_embedding(ids) + self.positional_embedding
        x = x.permute(1, 0, 2)
        for blk in self.transformer.resblocks:
            x = blk(x, self.mask)
        x = self.ln_final(x.permute(1, 0, 2))
        return x[torch.arange(x.shape[0]), ids.argmax(dim=-1)] @ self.text_projection


def prompts(path):
    p = json.load(open(path))
    return [t.replace("{}", c) for c in p["classes"][:10] for t in p["templates"]]


def tokenize(clip4j, texts):
    lines = "".join(json.dumps({"text": t}) + "\n" for t in texts)
    out = subprocess.run([clip4j, "tokenize"], input=lines, capture_output=True, text=True, check=True).stdout
    return torch.tensor([json.loads(l)["input_ids"] for l in out.splitlines() if l.strip()], dtype=torch.long)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("prompts_json")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--clip4j", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clip4j"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cfg = json.load(open(f"{args.model_dir}/config.json"))
    tower = TextTower(cfg)
    sd = {k: v for k, v in read_safetensors(f"{args.model_dir}/model.safetensors").items() if not k.startswith("visual.")
          and k not in ("logit_scale",)}
    missing, unexpected = tower.load_state_dict(sd, strict=False)
    if missing or unexpected:
        sys.exit(f"weights do not match the module: missing {missing[:5]}, unexpected {unexpected[:5]}")
    tower.eval()
    ids = tokenize(args.clip4j, prompts(args.prompts_json))
    rates = []
    checksum = 0.0
    with torch.no_grad():
        tower(ids[: args.batch])  # warm-up
        for _ in range(args.rounds):
            total = 0.0
            checksum = 0.0
            for b0 in range(0, len(ids), args.batch):
                t0 = time.perf_counter()
                out = tower(ids[b0:b0 + args.batch])
                total += time.perf_counter() - t0
                checksum += float(out.double().sum())
            rates.append(len(ids) / total)
    print(json.dumps({"runtime": f"pytorch-{torch.__version__}", "threads": args.threads, "batch": args.batch,
                      "prompts": len(ids), "context": "full", "texts_per_s": round(statistics.median(rates), 3),
                      "rates": [round(r, 3) for r in rates], "checksum": checksum}))


if __name__ == "__main__":
    main()
