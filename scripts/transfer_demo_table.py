#!/usr/bin/env python3
"""Prints the table of the CPU-scale transfer demonstration (scripts/transfer_demo.sh, docs/transfer.md).

For the teacher and each student (baseline `ce` and each method) and each batch-norm mode of the probe: the probe's
last-epoch top-1 on the target classes, mean +- sample std over seeds with every seed's value, and the
paired difference to the baseline's probe of the same seed with a 95 % Student-t interval. The
source-task top-1 of each student (last epoch) is shown beside it. Reads only metrics.jsonl files.
"""
import json
import math
import os
import re
import sys

# Two-sided 95 % Student-t quantiles for 1..10 degrees of freedom.
T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]


def last_top1(run_dir):
    path = os.path.join(run_dir, "metrics.jsonl")
    if not os.path.exists(path):
        return None
    rows = [json.loads(line) for line in open(path) if line.strip()]
    return rows[-1]["TestTop1"] if rows else None


def summary(values):
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else float("nan")
    return mean, std


def main(out):
    probes = {}
    for name in sorted(os.listdir(out)):
        m = re.fullmatch(r"probe-bn_(train|frozen)-(\w+)-seed(\d+)", name)
        if not m:
            continue
        value = last_top1(os.path.join(out, name))
        if value is not None:
            probes.setdefault((m.group(1), m.group(2)), {})[int(m.group(3))] = value
    methods = ["teacher", "ce"] + sorted({method for (_, method) in probes if method not in ("ce", "teacher")})
    print("| probe BN mode | features of | source top-1 (classes 0-4) | probe top-1 (classes 5-9), mean ± std | per seed | vs baseline, paired (95 % CI) |")
    print("|---|---|---|---|---|---|")
    for mode in ["train", "frozen"]:
        base = probes.get((mode, "ce"), {})
        for method in methods:
            values = probes.get((mode, method), {})
            if not values:
                continue
            seeds = sorted(values)
            source = ([last_top1(os.path.join(out, "teacher_res20"))] if method == "teacher"
                      else [last_top1(os.path.join(out, f"{method}-seed{s}")) for s in seeds])
            source_text = ", ".join(f"{v:.2f}" for v in source if v is not None)
            mean, std = summary([values[s] for s in seeds])
            per_seed = ", ".join(f"{values[s]:.2f}" for s in seeds)
            gain = ""
            paired = [values[s] - base[s] for s in seeds if s in base]
            if method not in ("ce", "teacher") and paired:
                d_mean, d_std = summary(paired)
                if len(paired) > 1:
                    half = T95[min(len(paired) - 2, len(T95) - 1)] * d_std / math.sqrt(len(paired))
                    gain = f"{d_mean:+.2f} ({d_mean - half:+.2f} to {d_mean + half:+.2f})"
                else:
                    gain = f"{d_mean:+.2f} (one seed: no interval)"
            name = {"ce": "baseline resnet8 (CE)", "teacher": "teacher resnet20"}.get(method, "resnet8 + " + method.upper())
            std_text = f" ± {std:.2f}" if not math.isnan(std) else ""
            print(f"| {mode} | {name} | {source_text} | {mean:.2f}{std_text} | {per_seed} | {gain} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runs/transfer_demo")
