#!/usr/bin/python3
"""PyTorch reference for `clip4j bench-train`: the same CLIP architecture, batch and caption lengths, one
training step (forward, symmetric CLIP loss, backward, AdamW, logit_scale clamp) timed the same way
(median of timed steps after warm-up). A dev tool for side-by-side measurements, not part of CI.

    /usr/bin/python3 benchmarks/train_step_torch.py [--arch clip4j-fashion-28|ViT-B-32] [--batch 256]
        [--steps 10] [--warmup 3] [--threads 2]

Texts: lengths drawn like the Fashion-MNIST training captions (3 to 15 tokens, 9 on average); the text
tower runs on the batch padded to its longest text (what a PyTorch CLIP does after cutting the
context at the batch's last end-of-text token), with the causal mask.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ARCHS = {
    # name: (image, patch, vision width, vision layers, vision heads, text width, text layers, text heads, embed)
    "clip4j-fashion-28": (28, 4, 96, 4, 4, 128, 2, 4, 128),      # the default model's
    "clip4j-fashion-28-p7": (28, 7, 128, 4, 4, 128, 4, 4, 128),   # the PyTorch reference shape
    "clip4j-fashion-tiny": (28, 7, 64, 2, 2, 64, 2, 2, 64),
    "clip4j-fashion-28-p4-w96-t2": (28, 4, 96, 4, 4, 128, 2, 4, 128),
    "ViT-B-32": (224, 32, 768, 12, 12, 512, 12, 8, 512),
}
VOCAB = 49408
CONTEXT = 77


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), QuickGELU(), nn.Linear(4 * width, width))

    def forward(self, x, mask=None):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False, attn_mask=mask)[0]
        return x + self.mlp(self.ln_2(x))


class Clip(nn.Module):
    def __init__(self, image, patch, vw, vl, vh, tw, tl, th, embed):
        super().__init__()
        grid = image // patch
        self.conv1 = nn.Conv2d(3, vw, patch, patch, bias=False)
        self.class_embedding = nn.Parameter(torch.randn(vw) * vw ** -0.5)
        self.positional_embedding = nn.Parameter(torch.randn(grid * grid + 1, vw) * vw ** -0.5)
        self.ln_pre = nn.LayerNorm(vw)
        self.visual_blocks = nn.ModuleList([Block(vw, vh) for _ in range(vl)])
        self.ln_post = nn.LayerNorm(vw)
        self.proj = nn.Linear(vw, embed, bias=False)
        self.token_embedding = nn.Embedding(VOCAB, tw)
        self.text_positional = nn.Parameter(torch.randn(CONTEXT, tw) * 0.01)
        self.text_blocks = nn.ModuleList([Block(tw, th) for _ in range(tl)])
        self.ln_final = nn.LayerNorm(tw)
        self.text_projection = nn.Linear(tw, embed, bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def encode_image(self, px):
        x = self.conv1(px).flatten(2).transpose(1, 2)
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        x = self.ln_pre(torch.cat([cls, x], 1) + self.positional_embedding)
        for b in self.visual_blocks:
            x = b(x)
        return self.proj(self.ln_post(x[:, 0]))

    def encode_text(self, ids):
        n = ids.shape[1]
        x = self.token_embedding(ids) + self.text_positional[:n]
        mask = torch.full((n, n), float("-inf")).triu(1)
        for b in self.text_blocks:
            x = b(x, mask)
        x = self.ln_final(x[torch.arange(x.shape[0]), ids.argmax(-1)])
        return self.text_projection(x)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--arch", default="clip4j-fashion-28", choices=sorted(ARCHS))
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    cfg = ARCHS[a.arch]
    model = Clip(*cfg)
    decay = [q for n, q in model.named_parameters() if q.ndim >= 2 and "embedding" not in n and "positional" not in n]
    rest = [q for n, q in model.named_parameters() if not (q.ndim >= 2 and "embedding" not in n and "positional" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.2}, {"params": rest, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.98), eps=1e-6)
    g = torch.Generator().manual_seed(1)
    px = torch.rand(a.batch, 3, cfg[0], cfg[0], generator=g) * 4 - 2
    lengths = torch.randint(3, 16, (a.batch,), generator=g)
    longest = int(lengths.max())
    ids = torch.randint(1, VOCAB - 3, (a.batch, longest), generator=g)
    for i, n in enumerate(lengths.tolist()):
        ids[i, 0] = VOCAB - 2
        ids[i, n - 1] = VOCAB - 1
        ids[i, n:] = 0
    labels = torch.arange(a.batch)
    times = []
    for step in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        img = F.normalize(model.encode_image(px), dim=-1)
        txt = F.normalize(model.encode_text(ids), dim=-1)
        logits = model.logit_scale.exp() * img @ txt.t()
        loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2
        loss.backward()
        opt.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))
        if step >= a.warmup:
            times.append(time.perf_counter() - t0)
    times.sort()
    ms = times[len(times) // 2] * 1000
    print(json.dumps({"runtime": "pytorch " + torch.__version__, "arch": a.arch, "batch": a.batch,
                      "mean_text_length": float(lengths.float().mean()), "images_per_s": a.batch / ms * 1000,
                      "ms_per_step": ms, "threads": a.threads}))


if __name__ == "__main__":
    main()
