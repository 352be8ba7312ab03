"""PyTorch reference for ThroughputBenchmark: the model of io.hpo.worker.model.TransformerModel, trained the way
the benchmark trains it (Adam, constant learning rate, no dropout or weight decay) on random tokens.

`measure` prints one line, `tokens_per_second=<float>`, for the timed steps after the warm-up ones; `describe`
prints the torch version and the BLAS behind it.
"""
import argparse
import ctypes
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    """Pre-LN causal block as CausalTransformerBlockImpl: fused QKV, explicit masked softmax, quick-GELU MLP."""

    def __init__(self, width, heads, mlp_multiplier):
        super().__init__()
        self.heads = heads
        self.attn_norm = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.mlp_norm = nn.LayerNorm(width)
        self.up = nn.Linear(width, mlp_multiplier * width)
        self.down = nn.Linear(mlp_multiplier * width, width)

    def forward(self, x, mask):
        batch, seq, width = x.shape
        head_size = width // self.heads
        q, k, v = self.qkv(self.attn_norm(x)).view(batch, seq, 3, self.heads, head_size).permute(2, 0, 3, 1, 4)
        scores = (q / math.sqrt(head_size)) @ k.transpose(-2, -1) + mask
        attended = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, seq, width)
        x = x + self.proj(attended)
        up = self.up(self.mlp_norm(x))
        return x + self.down(up * torch.sigmoid(1.702 * up))


class Model(nn.Module):
    """Token embedding without bias, learned positions, the blocks, a final LayerNorm, an untied output layer."""

    def __init__(self, vocab, width, layers, heads, mlp_multiplier, seq):
        super().__init__()
        self.tokens = nn.Embedding(vocab, width)
        self.positions = nn.Parameter(torch.zeros(seq, width))
        self.blocks = nn.ModuleList(Block(width, heads, mlp_multiplier) for _ in range(layers))
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab)
        self.register_buffer("mask", torch.full((seq, seq), -1e9).triu(1))

    def forward(self, tokens):
        x = self.tokens(tokens) + self.positions
        for block in self.blocks:
            x = block(x, self.mask)
        return self.head(self.norm(x))


def blas_libraries():
    """The BLAS libraries loaded: on a CPU they set torch's speed, and Debian's torch takes whatever libblas.so.3 is."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps}
    return sorted(p for p in paths if "blas" in os.path.basename(p) or "mkl" in os.path.basename(p))


def set_threads(n):
    torch.set_num_threads(n)
    # torch built against a generic BLAS (Debian's) does not pass the count on to an OpenBLAS behind libblas.so.3,
    # which would then use every core
    try:
        blas = ctypes.CDLL("libblas.so.3")
    except OSError:
        return
    if hasattr(blas, "openblas_set_num_threads"):
        blas.openblas_set_num_threads(n)


def measure(a):
    set_threads(a.threads)
    torch.manual_seed(7)
    model = Model(a.vocab, a.width, a.layers, a.heads, a.mlp_multiplier, a.seq)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        window = torch.randint(a.vocab, (a.batch, a.seq + 1))
        logits = model(window[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, a.vocab), window[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(a.warmup):
        step()
    start = time.perf_counter()
    for _ in range(a.steps):
        step()
    seconds = time.perf_counter() - start
    print(f"tokens_per_second={a.steps * a.batch * a.seq / seconds:.1f}")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    commands = p.add_subparsers(dest="command", required=True)
    commands.add_parser("describe")
    m = commands.add_parser("measure")
    for name in ("vocab", "width", "layers", "heads", "mlp-multiplier", "seq", "batch", "warmup", "steps",
                 "threads"):
        m.add_argument("--" + name, type=int, required=True)
    a = p.parse_args()
    if a.command == "describe":
        print(f"torch {torch.__version__}, BLAS {', '.join(blas_libraries()) or 'built into torch'}")
    else:
        measure(a)


if __name__ == "__main__":
    main()
