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

from .calibrate import calibrate as calibrate_model
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
        if key == "item" and model.item_bias is not None:
            model.item_bias.weight[torch.from_numpy(~seen)] = 0.0
        report[key] = {"seen_rows": int(seen.sum()) - 1, "zeroed_rows": int((~seen).sum())}
    return report


def _sample(split: Split, n: Optional[int], seed: int) -> Split:
    """A fixed-seed random subset of ``n`` rows, kept in time order (the split itself if n is None or larger)."""
    if n is None or split.n <= n:
        return split
    return split.subset(np.sort(np.random.default_rng(seed).choice(split.n, size=n, replace=False)))


def evaluate_split(model: InterestModel, split: Split, batch_size: int = 2048):
    p = predict(model, split, batch_size)[:, 0]
    return auc(split.label, p), logloss(split.label, p)


def train(data_dir: str, out_dir: str, epochs: int = 3, seed: int = 42, batch_size: int = 512,
          max_train: Optional[int] = None, max_valid: Optional[int] = None, lr: float = 1e-3,
          d_model: int = 32, heads: int = 4, layers: int = 2, ff: int = 64, dropout: float = 0.1,
          lr_schedule: str = "linear", threads: int = 2, progress: bool = True, log=print,
          scenario: Optional[int] = None, calibrate: bool = True, curve_points: int = 0,
          curve_valid: int = 20000, item_l2: float = 0.0, sum_pool: bool = False, target: str = "label",
          dense_norm: bool = False, seq_aggregates: bool = False, item_bias: bool = False) -> dict:
    """Trains and writes ``out_dir/model.pt``; returns the training info.

    ``scenario``: train (and validate) on that request scenario's rows only (per-scenario baseline).
    ``calibrate``: fold per-scenario Platt scaling fitted on the validation split into the last layer.
    ``curve_points``: validation AUC on ``curve_valid`` validation rows this many times per epoch (training
    curve); the running train log loss is recorded every 50 batches regardless.
    ``item_l2``: L2 penalty on the item embedding rows of each batch (sparse weight decay).
    ``target``: "label" (clicks), or "oracle" (the simulator's click probability as a soft target: a
    diagnostic of what the inputs could support with noise-free labels; never for a shipped model)."""
    torch.set_num_threads(threads)
    set_seeds(seed)
    spec = load_spec(data_dir)
    train_split = load_split(data_dir, "train", spec)
    valid_split = load_split(data_dir, "valid", spec)
    # subset first, then the scenario: a per-scenario model sees exactly the multi-scenario model's rows of
    # its scenario when both use the same --max-train and --seed
    train_split = _sample(train_split, max_train, seed)
    valid_split = _sample(valid_split, max_valid, seed)
    if scenario is not None:
        if scenario not in spec.scenarios:
            raise ValueError(f"scenario {scenario} is not one of {spec.scenarios}")
        train_split = train_split.subset(np.flatnonzero(train_split.scenario == scenario))
        valid_split = valid_split.subset(np.flatnonzero(valid_split.scenario == scenario))
    curve_split = _sample(valid_split, curve_valid, seed + 1)
    if target == "oracle":
        train_split.arrays = dict(train_split.arrays, label=train_split.arrays["oracle"].astype(np.float32))
    elif target != "label":
        raise ValueError(f"unknown target {target!r}")
    if train_split.arrays["cand_item"].shape[1] != 1:
        raise ValueError("training expects one candidate per example (K = 1)")
    log(f"train {train_split.n} examples (target {target}, mean {train_split.label.mean():.4f}), valid {valid_split.n} "
        f"(ctr {valid_split.label.mean():.4f})")
    model = InterestModel(spec, d_model=d_model, heads=heads, layers=layers, ff=ff, dropout=dropout, sum_pool=sum_pool,
                          dense_norm=dense_norm, seq_aggregates=seq_aggregates, item_bias=item_bias)
    if seq_aggregates:
        a = train_split.arrays
        model.set_aggregate_norm({k: a[k] for k in ("seq_item", "seq_category", "seq_action", "seq_scenario",
                                                       "scenario", "cand_item", "cand_category")})
    if dense_norm:
        model.set_dense_norm(torch.from_numpy(train_split.arrays["user_dense"]),
                             torch.from_numpy(train_split.arrays["cand_dense"]))
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
    steps = []  # running train log loss every 50 batches, valid AUC curve_points times per epoch
    batches_per_epoch = train_split.num_batches(batch_size)
    check_at = set(int(round(batches_per_epoch * (i + 1) / (curve_points + 1))) for i in range(curve_points))
    step = 0
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
        window, window_n = 0.0, 0
        for b_idx, (x, y) in enumerate(bar, start=1):
            x = trim_sequences(x)
            p = model(**x)[:, 0]
            loss = bce(p, y)
            if item_l2 > 0:
                used = torch.cat([x["seq_item"].reshape(-1), x["cand_item"].reshape(-1)]).unique()
                loss_total = loss + item_l2 * model.item_emb.weight[used].pow(2).sum() / len(y)
            else:
                loss_total = loss
            opt.zero_grad()
            loss_total.backward()
            opt.step()
            if sched is not None:
                sched.step()
            step += 1
            total += float(loss) * len(y)
            seen += len(y)
            window += float(loss) * len(y)
            window_n += len(y)
            if b_idx % 50 == 0 or b_idx == batches_per_epoch:
                steps.append({"step": step, "epoch": epoch - 1 + b_idx / batches_per_epoch,
                              "train_logloss": window / window_n})
                window, window_n = 0.0, 0
            if b_idx in check_at:
                c_auc, c_ll = evaluate_split(model, curve_split)
                model.train()
                steps.append({"step": step, "epoch": epoch - 1 + b_idx / batches_per_epoch,
                              "valid_auc": c_auc, "valid_logloss": c_ll})
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
    log(f"unseen embedding rows: {filled}")
    calibration = None
    if calibrate:
        calibration = calibrate_model(model, valid_split, predict)
        v_auc, v_ll = evaluate_split(model, valid_split)
        log(f"calibrated on the validation split: {calibration}; valid AUC {v_auc:.4f}, logloss {v_ll:.4f}")
        best["valid_logloss_calibrated"] = v_ll
    best_state = copy.deepcopy(model.state_dict())
    version = model_version(model)
    info = {
        "best_epoch": best["epoch"], "valid_auc": best["valid_auc"], "valid_logloss": best["valid_logloss"],
        "train_examples": train_split.n, "valid_examples": valid_split.n, "train_seconds": total_seconds,
        "parameters": count_parameters(model), "model_version": version, "config": model.config,
        "unseen_buckets": filled, "calibration": calibration, "scenario": scenario,
        "valid_logloss_calibrated": best.get("valid_logloss_calibrated"),
        "args": {"data": os.path.abspath(data_dir), "epochs": epochs, "seed": seed, "batch_size": batch_size,
                 "max_train": max_train, "max_valid": max_valid, "lr": lr, "lr_schedule": lr_schedule,
                 "threads": threads, "scenario": scenario, "calibrate": calibrate, "item_l2": item_l2,
                 "curve_points": curve_points, "sum_pool": sum_pool, "target": target,
                 "dense_norm": dense_norm, "seq_aggregates": seq_aggregates, "item_bias": item_bias},
        "torch": torch.__version__,
    }
    torch.save({"state_dict": best_state, "config": model.config, "spec": spec.to_dict(), **info},
               os.path.join(out_dir, "model.pt"))
    with open(os.path.join(out_dir, "training_curve.json"), "w") as f:
        json.dump({**info, "epochs": curve, "steps": steps}, f, indent=2)
    plot_curve(curve, steps, os.path.join(out_dir, "training_curve.png"))
    log(f"best epoch {best['epoch']} (valid AUC {best['valid_auc']:.4f}); {total_seconds:.0f}s; "
        f"model_version {version}; wrote {os.path.join(out_dir, 'model.pt')}")
    return info


def plot_curve(curve, steps, path, title=None):
    """Train log loss (running, every 50 batches) and validation AUC (per epoch and, if recorded, within
    epochs) against epochs."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:  # plotting is a convenience only
        return
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.2))
    tr = [s for s in steps if "train_logloss" in s]
    if tr:
        a.plot([s["epoch"] for s in tr], [s["train_logloss"] for s in tr], "-", lw=1, label="train (running)")
    a.plot([r["epoch"] for r in curve], [r["valid_logloss"] for r in curve], "o", label="valid")
    a.set_xlabel("epoch"); a.set_ylabel("log loss"); a.legend()
    va = [s for s in steps if "valid_auc" in s]
    if va:
        b.plot([s["epoch"] for s in va], [s["valid_auc"] for s in va], ".-", label="valid subset")
    b.plot([r["epoch"] for r in curve], [r["valid_auc"] for r in curve], "o", label="valid (end of epoch)")
    b.set_xlabel("epoch"); b.set_ylabel("AUC"); b.legend()
    if title:
        fig.suptitle(title, fontsize=9)
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
    ap.add_argument("--scenario", type=int, help="train on one request scenario's rows only (per-scenario model)")
    ap.add_argument("--no-calibrate", action="store_true", help="skip per-scenario Platt scaling on valid")
    ap.add_argument("--curve-points", type=int, default=0, help="validation AUC checks within each epoch")
    ap.add_argument("--sum-pool", action="store_true", help="add DIN-style unnormalized attention pooling")
    ap.add_argument("--target", choices=("label", "oracle"), default="label",
                    help="oracle: the simulator's probability as a soft target (diagnostic only)")
    ap.add_argument("--dense-norm", action="store_true",
                    help="standardize user_dense and cand_dense inside the model (train-split mean and sd)")
    ap.add_argument("--seq-aggregates", action="store_true",
                    help="count-aware inputs computed in the graph from the sequence (see model.sequence_aggregates)")
    ap.add_argument("--item-bias", action="store_true", help="a learned scalar per item bucket into the last layer")
    ap.add_argument("--item-l2", type=float, default=0.0, help="L2 on the item embedding rows of each batch")
    a = ap.parse_args(argv)
    try:
        train(a.data, a.out, epochs=a.epochs, seed=a.seed, batch_size=a.batch_size, max_train=a.max_train,
              max_valid=a.max_valid, lr=a.lr, d_model=a.d_model, heads=a.heads, layers=a.layers, ff=a.ff,
              dropout=a.dropout, lr_schedule=a.lr_schedule, threads=a.threads, progress=not a.no_progress,
              scenario=a.scenario, calibrate=not a.no_calibrate, curve_points=a.curve_points, item_l2=a.item_l2,
              sum_pool=a.sum_pool, target=a.target, dense_norm=a.dense_norm, seq_aggregates=a.seq_aggregates,
              item_bias=a.item_bias)
    except SpecError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
