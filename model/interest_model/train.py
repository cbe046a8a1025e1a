"""Trains the multi-scenario Transformer on a data directory written by ``export-training-data``.

    python3 -m interest_model.train --data /work/data/fs1 --out runs/fs1 [--epochs 3] [--seed 42]
        [--batch-size 512] [--max-train 400000]

Writes ``model.pt`` (state dict of the best epoch by validation AUC, config, feature spec) and
``training_curve.json`` (+ ``training_curve.png``) to ``--out``.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import sys
import time
from typing import List, Optional

import numpy as np
import torch
from tqdm import tqdm

from .data import Split, load_split, trim_sequences
from .metrics import auc, logloss
from .model import InterestModel, count_parameters, model_version
from .spec import SpecError, load_spec


def set_seeds(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@torch.no_grad()
def predict(model: InterestModel, split: Split, batch_size: int = 2048) -> np.ndarray:
    """Scores [N, K] for every row of ``split`` (eval mode), in row order. Rows are batched by sequence
    length so that short histories run trimmed."""
    was_training = model.training
    model.eval()
    k = split.arrays["cand_item"].shape[1]
    out = np.zeros((split.n, k), dtype=np.float32)
    order = np.argsort(split.lengths, kind="stable")
    for start in range(0, split.n, batch_size):
        idx = order[start:start + batch_size]
        out[idx] = model(**trim_sequences(split.inputs(idx))).numpy()
    model.train(was_training)
    return out


@torch.no_grad()
def fill_unseen_buckets(model: InterestModel, split: Split) -> dict:
    """Gives embedding rows that training never touched a defined meaning, for serving.

    Rows no training example used keep their random initialisation. At serving a long-running job sees
    older engagements (larger age buckets) and possibly longer dwell than a short training run, so:
    - ordinal buckets (seq_age, seq_dwell) above the largest one seen take the embedding of that largest
      one (older than anything seen = as old as the oldest seen);
    - unseen item, category, action and scenario ids get a zero embedding, the same as an unknown id.
    Returns what was changed."""
    a = split.arrays
    report = {}
    for name, emb in (("seq_age", model.age_emb), ("seq_dwell", model.dwell_emb)):
        top = int(a[name].max()) if split.n else 0
        if 1 <= top < emb.num_embeddings - 1:
            emb.weight[top + 1:] = emb.weight[top]
            report[name] = {"largest_seen": top, "filled_rows": emb.num_embeddings - 1 - top}
    for names, emb, key in ((("seq_item", "cand_item"), model.item_emb, "item"),
                            (("seq_category", "cand_category"), model.category_emb, "category"),
                            (("seq_action",), model.action_emb, "action"),
                            (("seq_scenario",), model.seq_scenario_emb, "seq_scenario")):
        seen = np.zeros(emb.num_embeddings, dtype=bool)
        for n in names:
            seen[np.unique(a[n])] = True
        seen[0] = True  # padding row, zero already
        emb.weight[torch.from_numpy(~seen)] = 0.0
        report[key] = {"seen_rows": int(seen.sum()) - 1, "zeroed_rows": int((~seen).sum())}
    return report


def evaluate_split(model: InterestModel, split: Split, batch_size: int = 2048):
    p = predict(model, split, batch_size)[:, 0]
    return auc(split.label, p), logloss(split.label, p)


def train(data_dir: str, out_dir: str, epochs: int = 3, seed: int = 42, batch_size: int = 512,
          max_train: Optional[int] = None, max_valid: Optional[int] = None, lr: float = 1e-3,
          d_model: int = 32, heads: int = 4, layers: int = 2, ff: int = 64, dropout: float = 0.1,
          lr_schedule: str = "linear", threads: int = 2, progress: bool = True, log=print) -> dict:
    torch.set_num_threads(threads)
    set_seeds(seed)
    spec = load_spec(data_dir)
    train_split = load_split(data_dir, "train", spec, max_examples=max_train, seed=seed)
    valid_split = load_split(data_dir, "valid", spec, max_examples=max_valid, seed=seed)
    if train_split.arrays["cand_item"].shape[1] != 1:
        raise ValueError("training expects one candidate per example (K = 1)")
    log(f"train {train_split.n} examples (ctr {train_split.label.mean():.4f}), valid {valid_split.n} "
        f"(ctr {valid_split.label.mean():.4f})")
    model = InterestModel(spec, d_model=d_model, heads=heads, layers=layers, ff=ff, dropout=dropout)
    log(f"{count_parameters(model)} parameters")
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    total_steps = epochs * train_split.num_batches(batch_size)
    if lr_schedule == "linear":  # linear decay to 10 % of lr over all epochs
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 1.0 - 0.9 * min(step, total_steps) / total_steps)
    elif lr_schedule == "constant":
        sched = None
    else:
        raise ValueError(f"unknown lr schedule {lr_schedule!r}")
    bce = torch.nn.BCELoss()
    os.makedirs(out_dir, exist_ok=True)

    curve = []
    best = {"valid_auc": -1.0}
    best_state = None
    t_start = time.time()
    for epoch in range(1, epochs + 1):
        model.train()
        t0 = time.time()
        total, seen = 0.0, 0
        bar = tqdm(train_split.batches(batch_size, shuffle=True, seed=seed, epoch=epoch, bucket=True),
                   total=train_split.num_batches(batch_size), desc=f"epoch {epoch}/{epochs}", unit="batch",
                   disable=not progress, mininterval=2.0, file=sys.stderr)
        for x, y in bar:
            p = model(**trim_sequences(x))[:, 0]
            loss = bce(p, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            total += float(loss) * len(y)
            seen += len(y)
            bar.set_postfix(loss=f"{total / seen:.4f}", refresh=False)
        bar.close()
        train_seconds = time.time() - t0
        v_auc, v_ll = evaluate_split(model, valid_split)
        row = {"epoch": epoch, "train_logloss": total / max(seen, 1), "valid_auc": v_auc, "valid_logloss": v_ll,
               "epoch_seconds": train_seconds, "valid_seconds": time.time() - t0 - train_seconds}
        curve.append(row)
        log(f"epoch {epoch}: train logloss {row['train_logloss']:.4f}, valid AUC {v_auc:.4f}, "
            f"valid logloss {v_ll:.4f} ({train_seconds:.0f}s + {row['valid_seconds']:.0f}s valid)")
        if v_auc > best["valid_auc"]:
            best = dict(row)
            best_state = copy.deepcopy(model.state_dict())
    total_seconds = time.time() - t_start

    model.load_state_dict(best_state)
    filled = fill_unseen_buckets(model, train_split)
    best_state = copy.deepcopy(model.state_dict())
    log(f"unseen embedding rows: {filled}")
    version = model_version(model)
    info = {
        "best_epoch": best["epoch"], "valid_auc": best["valid_auc"], "valid_logloss": best["valid_logloss"],
        "train_examples": train_split.n, "valid_examples": valid_split.n, "train_seconds": total_seconds,
        "parameters": count_parameters(model), "model_version": version, "config": model.config,
        "unseen_buckets": filled,
        "args": {"data": os.path.abspath(data_dir), "epochs": epochs, "seed": seed, "batch_size": batch_size,
                 "max_train": max_train, "max_valid": max_valid, "lr": lr, "lr_schedule": lr_schedule,
                 "threads": threads},
        "torch": torch.__version__,
    }
    torch.save({"state_dict": best_state, "config": model.config, "spec": spec.to_dict(), **info},
               os.path.join(out_dir, "model.pt"))
    with open(os.path.join(out_dir, "training_curve.json"), "w") as f:
        json.dump({**info, "epochs": curve}, f, indent=2)
    _plot(curve, os.path.join(out_dir, "training_curve.png"))
    log(f"best epoch {best['epoch']} (valid AUC {best['valid_auc']:.4f}); {total_seconds:.0f}s; "
        f"model_version {version}; wrote {os.path.join(out_dir, 'model.pt')}")
    return info


def _plot(curve, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:  # plotting is a convenience only
        return
    ep = [r["epoch"] for r in curve]
    fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3))
    a.plot(ep, [r["train_logloss"] for r in curve], "o-", label="train")
    a.plot(ep, [r["valid_logloss"] for r in curve], "o-", label="valid")
    a.set_xlabel("epoch"); a.set_ylabel("logloss"); a.legend()
    b.plot(ep, [r["valid_auc"] for r in curve], "o-")
    b.set_xlabel("epoch"); b.set_ylabel("valid AUC")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m interest_model.train", description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="data dir with feature_spec.json and train/valid/test")
    ap.add_argument("--out", required=True, help="output dir for model.pt and training_curve.json")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--batch-size", type=int, default=512)
    ap.add_argument("--max-train", type=int, help="fixed-seed random subset of the train split")
    ap.add_argument("--max-valid", type=int, help="fixed-seed random subset of the valid split")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--d-model", type=int, default=32)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--ff", type=int, default=64)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--lr-schedule", choices=("constant", "linear"), default="linear",
                    help="linear: decay to 10%% of --lr over all epochs")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-progress", action="store_true")
    a = ap.parse_args(argv)
    try:
        train(a.data, a.out, epochs=a.epochs, seed=a.seed, batch_size=a.batch_size, max_train=a.max_train,
              max_valid=a.max_valid, lr=a.lr, d_model=a.d_model, heads=a.heads, layers=a.layers, ff=a.ff,
              dropout=a.dropout, lr_schedule=a.lr_schedule, threads=a.threads, progress=not a.no_progress)
    except SpecError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
