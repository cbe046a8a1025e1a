"""Evaluates a trained model on the test split against the oracle, the heuristic and the seed paper's
baselines, per scenario and overall.

    python3 -m interest_model.evaluate --data /work/data/fs1 --model runs/fs1 [--out runs/fs1/metrics.json]

Baselines on ``paper.npy`` (log1p dwell seconds, log1p clicks, log1p items browsed), both trained on the
train split: logistic regression sigmoid(theta^T x + b), and an MLP Dense(64)-ReLU-Dense(1)-sigmoid.
"Gap closed" = (AUC_transformer - AUC_LR) / (AUC_oracle - AUC_LR), on the rows whose oracle is known.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from typing import Dict, List, Optional

import numpy as np
import torch

from .data import Split, load_split
from .metrics import auc, logloss
from .model import count_parameters, load_checkpoint, model_version
from .spec import SpecError, load_spec
from .train import predict, set_seeds

MODELS = ("oracle", "transformer", "heuristic", "lr", "mlp")
LABELS = {"oracle": "oracle", "transformer": "Transformer", "heuristic": "heuristic", "lr": "paper LR",
          "mlp": "paper MLP"}
NOT_PROBABILITY = {"heuristic"}


def _standardizer(x: np.ndarray):
    mu = x.mean(axis=0)
    sd = x.std(axis=0)
    sd = np.where(sd > 1e-8, sd, 1.0)
    return mu, sd


def fit_logistic_regression(x: np.ndarray, y: np.ndarray, l2: float = 1e-6):
    """Full-batch L-BFGS on standardized features; returns (theta, b) on the raw feature scale."""
    mu, sd = _standardizer(x)
    xt = torch.from_numpy((x - mu) / sd).double()
    yt = torch.from_numpy(y.astype(np.float64))
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1.0, max_iter=200, tolerance_grad=1e-9, tolerance_change=1e-12,
                            line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(xt @ w + b, yt) + l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    theta = w.detach().numpy() / sd
    bias = float(b.detach().numpy()[0] - (w.detach().numpy() * mu / sd).sum())
    return theta, bias


def predict_lr(theta, bias, x):
    z = x.astype(np.float64) @ theta + bias
    return 1.0 / (1.0 + np.exp(-z))


class PaperMLP(torch.nn.Module):
    def __init__(self, n_in: int, mu, sd):
        super().__init__()
        self.register_buffer("mu", torch.tensor(mu, dtype=torch.float32))
        self.register_buffer("sd", torch.tensor(sd, dtype=torch.float32))
        self.net = torch.nn.Sequential(torch.nn.Linear(n_in, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))

    def forward(self, x):
        return torch.sigmoid(self.net((x - self.mu) / self.sd)).squeeze(-1)


def fit_mlp(x, y, x_valid, y_valid, epochs: int = 5, batch_size: int = 1024, lr: float = 3e-3, seed: int = 42):
    """Dense(64)-ReLU-Dense(1)-sigmoid with Adam on BCE; keeps the epoch with the best valid logloss."""
    torch.manual_seed(seed)
    mu, sd = _standardizer(x)
    m = PaperMLP(x.shape[1], mu, sd)
    opt = torch.optim.Adam(m.parameters(), lr=lr)
    xt, yt = torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y.astype(np.float32))
    xv = torch.from_numpy(x_valid.astype(np.float32))
    rng = np.random.default_rng(seed)
    best, best_state = math.inf, None
    for _ in range(epochs):
        m.train()
        for idx in np.array_split(rng.permutation(len(y)), max(1, len(y) // batch_size)):
            i = torch.from_numpy(idx)
            loss = torch.nn.functional.binary_cross_entropy(m(xt[i]), yt[i])
            opt.zero_grad()
            loss.backward()
            opt.step()
        m.eval()
        with torch.no_grad():
            v = logloss(y_valid, m(xv).numpy())
        if v < best:
            best, best_state = v, {k: t.clone() for k, t in m.state_dict().items()}
    m.load_state_dict(best_state)
    m.eval()
    return m


def auc_standard_error(a: float, n_pos: int, n_neg: int) -> float:
    """Hanley & McNeil (1982) standard error of an AUC."""
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    return float(math.sqrt((a * (1 - a) + (n_pos - 1) * (q1 - a * a) + (n_neg - 1) * (q2 - a * a)) / (n_pos * n_neg)))


def _row(y, p, probability=True):
    return {"auc": auc(y, p), "logloss": logloss(y, p) if probability else None,
            "mean_score": float(np.mean(p)) if len(p) else float("nan")}


def compute_metrics(test: Split, preds: Dict[str, np.ndarray], scenario_names: Dict[int, str]) -> Dict:
    y = test.label
    scen = test.scenario
    oracle_known = ~np.isnan(preds["oracle"])
    groups = [(name.upper(), scen == sid) for sid, name in sorted(scenario_names.items())]
    groups.append(("OVERALL", np.ones_like(y, dtype=bool)))
    out = {}
    for gname, rows in groups:
        g = {"examples": int(rows.sum()), "positives": int(y[rows].sum()),
             "ctr": float(y[rows].mean()) if rows.any() else float("nan"),
             "oracle_known": int((rows & oracle_known).sum())}
        for m in MODELS:
            r = rows & oracle_known if m == "oracle" else rows
            g[m] = _row(y[r], preds[m][r], m not in NOT_PROBABILITY)
        known = rows & oracle_known
        a_o = auc(y[known], preds["oracle"][known])
        a_t = auc(y[known], preds["transformer"][known])
        a_lr = auc(y[known], preds["lr"][known])
        denom = a_o - a_lr
        g["gap_closed"] = float((a_t - a_lr) / denom) if np.isfinite(denom) and abs(denom) > 1e-12 else float("nan")
        g["gap_closed_auc"] = {"oracle": a_o, "transformer": a_t, "lr": a_lr}
        out[gname] = g
    return out


def _fmt(v, digits=4):
    if v is None:
        return "n/a"
    if isinstance(v, float) and not np.isfinite(v):
        return "nan"
    return f"{v:.{digits}f}"


def format_table(metrics: Dict) -> str:
    groups = list(metrics)
    w = 12
    lines = ["AUC".ljust(22) + "".join(g.rjust(w) for g in groups)]
    for m in MODELS:
        lines.append(("  " + LABELS[m]).ljust(22) + "".join(_fmt(metrics[g][m]["auc"]).rjust(w) for g in groups))
    lines.append("logloss".ljust(22))
    for m in MODELS:
        lines.append(("  " + LABELS[m]).ljust(22) + "".join(_fmt(metrics[g][m]["logloss"]).rjust(w) for g in groups))
    lines.append("LR-to-oracle AUC gap".ljust(22))
    lines.append("  closed by Transformer".ljust(22) + "".join(
        (_fmt(100 * metrics[g]["gap_closed"], 1) + "%").rjust(w) for g in groups))
    lines.append("examples".ljust(22) + "".join(str(metrics[g]["examples"]).rjust(w) for g in groups))
    lines.append("ctr".ljust(22) + "".join(_fmt(metrics[g]["ctr"]).rjust(w) for g in groups))
    return "\n".join(lines)


def run(data_dir: str, model_dir: str, out: Optional[str] = None, seed: int = 42, log=print,
        mlp_epochs: int = 5) -> Dict:
    torch.set_num_threads(2)
    set_seeds(seed)
    spec = load_spec(data_dir)
    model, ckpt = load_checkpoint(model_dir)
    if model.spec.metadata() != spec.metadata():
        raise SpecError(f"{model_dir} was trained on a different feature spec than {data_dir}")
    train_split = load_split(data_dir, "train", spec)
    valid_split = load_split(data_dir, "valid", spec)
    test = load_split(data_dir, "test", spec)
    preds = {"oracle": test.arrays["oracle"].astype(np.float64),
             "heuristic": test.arrays["heuristic"].astype(np.float64),
             "transformer": predict(model, test)[:, 0].astype(np.float64)}
    theta, bias = fit_logistic_regression(train_split.arrays["paper"].astype(np.float64), train_split.label)
    preds["lr"] = predict_lr(theta, bias, test.arrays["paper"])
    mlp = fit_mlp(train_split.arrays["paper"], train_split.label, valid_split.arrays["paper"], valid_split.label,
                  epochs=mlp_epochs, seed=seed)
    with torch.no_grad():
        preds["mlp"] = mlp(torch.from_numpy(test.arrays["paper"].astype(np.float32))).numpy().astype(np.float64)
    metrics = compute_metrics(test, preds, spec.scenarios)
    result = {
        "feature_spec_version": spec.version,
        "model_version": model_version(model),
        "parameters": count_parameters(model),
        "data": os.path.abspath(data_dir),
        "splits": {"train": train_split.n, "valid": valid_split.n, "test": test.n},
        "paper_features": list(spec.paper_features),
        "lr": {"theta": [float(t) for t in theta], "bias": bias},
        "notes": {
            "heuristic": "ranking score in [0,1], not calibrated: AUC only",
            "oracle": "simulator's true click probability; evaluated on rows where it is known",
            "gap_closed": "(AUC_transformer - AUC_LR) / (AUC_oracle - AUC_LR) on rows with a known oracle",
            "lr_mlp": "trained on the full train split (paper.npy), one model across scenarios",
        },
        "metrics": metrics,
    }
    overall = metrics["OVERALL"]
    result["auc_standard_error"] = auc_standard_error(overall["transformer"]["auc"], overall["positives"],
                                                      overall["examples"] - overall["positives"])
    result["heuristic_zero_share"] = float(np.mean(test.arrays["heuristic"] == 0))
    result["history_length_mean"] = {s.name: float(s.lengths.mean()) for s in (train_split, valid_split, test)}
    result["empty_history_share"] = {s.name: float(np.mean(s.lengths == 0)) for s in (train_split, valid_split, test)}
    table = format_table(metrics)
    log(table)
    out = out or os.path.join(model_dir if os.path.isdir(model_dir) else os.path.dirname(model_dir), "metrics.json")
    with open(out, "w") as f:
        json.dump(result, f, indent=2, allow_nan=True)
    log(f"wrote {out}")
    result["table"] = table
    return result


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m interest_model.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", required=True, help="training output dir (or its model.pt)")
    ap.add_argument("--out", help="metrics JSON (default: <model dir>/metrics.json)")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args(argv)
    try:
        run(a.data, a.model, a.out, a.seed)
    except SpecError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
