"""PyTorch reference for ThroughputBenchmark: the model of io.hpo.worker.model.TransformerModel, trained the way
the benchmark trains it (Adam, constant learning rate, no dropout or weight decay) on random tokens.

Prints one line, `tokens_per_second=<float>`, for the timed steps after the warm-up ones.
"""
import argparse
import math
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


def main():
    p = argparse.ArgumentParser(description=__doc__)
    for name in ("vocab", "width", "layers", "heads", "mlp-multiplier", "seq", "batch", "warmup", "steps",
                 "threads"):
        p.add_argument("--" + name, type=int, required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
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


if __name__ == "__main__":
    main()
