"""PyTorch peer of graph's BenchmarkPrecisionExtract: the reference BLSTM
embedding (L3) of a batch of segments in fp32, bf16 and int8.

The network is graph's Inference tower up to L3 (DefaultConfig): input
[batch, 40 frames, 128 bins], BLSTM 128 -> 2x256 (sequences), BLSTM
512 -> 2x256, L3 = concat(forward output at the last frame, backward
output after the whole reversed sequence) [batch, 512]; the dense layers
after L3 are not on the embedding's path, as in voxsiam's graph. The
weights are random (speed does not depend on them).

Variants (torch's own ways to run an LSTM in reduced precision on a CPU):
  fp32      nn.LSTM in float32 (oneDNN's fused RNN primitive or ATen's)
  bf16      torch.autocast("cpu", bfloat16) around the fp32 module
  bf16cast  the module and input converted to bfloat16 (model.to(bfloat16))
  int8      torch.ao.quantization.quantize_dynamic(nn.LSTM, qint8): int8
            weights, activations quantised per product (fbgemm)

Two modes:
  python bench/torch_precision.py [--iters N] [--batch B] [--threads T]
      alternates the variants N times and prints segments/s and the ratios
      to fp32;
  python bench/torch_precision.py --serve
      reads one variant name per line on stdin, runs one batch of it and
      answers with its seconds on stdout (a line "ready" first): graph's
      benchmark drives it between its own runs so both sides see the same
      load.
"""

import argparse
import os
import sys
import time

import torch
from torch import nn

FRAMES, BINS, UNITS1, UNITS2 = 40, 128, 256, 256
VARIANTS = ("fp32", "bf16", "bf16cast", "int8")


class Embedder(nn.Module):
    """BLSTM1 (sequences) -> BLSTM2 -> L3 [batch, 2*UNITS2]."""

    def __init__(self):
        super().__init__()
        self.l1 = nn.LSTM(BINS, UNITS1, batch_first=True, bidirectional=True)
        self.l2 = nn.LSTM(2 * UNITS1, UNITS2, batch_first=True, bidirectional=True)

    def forward(self, x):  # x: [batch, FRAMES, BINS]
        y, _ = self.l1(x)
        y, _ = self.l2(y)
        return torch.cat([y[:, -1, :UNITS2], y[:, 0, UNITS2:]], dim=1)


def variants(batch):
    """name -> zero-argument callable that embeds one batch."""
    torch.manual_seed(1)
    x = torch.randn(batch, FRAMES, BINS)
    fp = Embedder().eval()
    bf = Embedder().eval()
    bf.load_state_dict(fp.state_dict())
    bf = bf.to(torch.bfloat16)
    xb = x.to(torch.bfloat16)
    q = torch.ao.quantization.quantize_dynamic(fp, {nn.LSTM}, dtype=torch.qint8)

    def run_fp32():
        with torch.inference_mode():
            return fp(x)

    def run_bf16():
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
            return fp(x)

    def run_bf16cast():
        with torch.inference_mode():
            return bf(xb)

    def run_int8():
        with torch.inference_mode():
            return q(x)

    fns = {"fp32": run_fp32, "bf16": run_bf16, "bf16cast": run_bf16cast, "int8": run_int8}
    ref = run_fp32().float()
    for name, f in fns.items():  # warm-up and a sanity check of each variant
        y = f().float()
        cos = torch.nn.functional.cosine_similarity(y, ref, dim=1).min().item()
        print(f"# {name}: min cosine to fp32 {cos:.6f}", file=sys.stderr)
    return fns


def seconds(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def serve(fns):
    print("ready", flush=True)
    for line in sys.stdin:
        name = line.strip()
        if not name:
            continue
        if name not in fns:
            print(f"error unknown variant {name}", flush=True)
            continue
        print(f"{seconds(fns[name]):.9f}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("TORCH_THREADS", "2")))
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--serve", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    fns = variants(a.batch)
    print(f"# torch {torch.__version__}, {a.threads} threads, CPU capability "
          f"{torch.backends.cpu.get_cpu_capability()}, batch {a.batch}", file=sys.stderr)
    if a.serve:
        serve(fns)
        return
    total = dict.fromkeys(fns, 0.0)
    for _ in range(a.iters):
        for name, f in fns.items():
            total[name] += seconds(f)
    for name in fns:
        sps = a.batch * a.iters / total[name]
        print(f"{name}\t{sps:.0f} segments/s\t{total['fp32'] / total[name]:.2f}x fp32")


if __name__ == "__main__":
    main()
