"""Evaluates a trained model on the test split against the oracle, per-scenario Transformers and the
baselines, per scenario and overall.

    python3 -m interest_model.evaluate --data ../data/fs1 --model runs/fs1 \\
        [--per-scenario runs/fs1-per-scenario] [--bootstrap 500] [--out runs/fs1/metrics.json]

Rows ("models"):
- oracle: the simulator's true click probability (the ceiling; rows where it is known);
- transformer: the multi-scenario Transformer (``--model``);
- per_scenario: one Transformer per scenario (``--per-scenario DIR`` holding ``s1/``, ``s2/``, ``s3/``, each
  trained with ``train --scenario``), each row scored by its scenario's model;
- gbdt_binary, gbdt_rank: gradient-boosted trees (xgboost, binary logistic and pairwise ranking objectives)
  on every dense feature plus sequence aggregates, tuned on validation (``interest_model.baselines``);
- best_feature: the single plain feature with the best validation AUC, alone as the score (named in the
  JSON's ``baselines.best_feature``); every other one is a ``feature:<name>`` row;
- repeat_item, category_share: how often the candidate item is in the user's sequence, and the share of the
  sequence in the candidate's category;
- heuristic: the job's fallback scorer (a ranking score: AUC/HR/NDCG only);
- popularity: the candidate item's click count in the train split (most-popular; ranking only);
- lr, mlp: the seed paper's logistic regression sigmoid(theta^T x + b) and Dense(64)-ReLU-Dense(1) on
  ``paper.npy`` (log1p dwell seconds, clicks, items browsed), trained on the train split;
- ``--score NAME=PATH``: any other test-split score (a .npy aligned with the test split), ranking only.

Metrics per scenario and overall: AUC with a 95 % cluster-bootstrap interval (users resampled), log loss,
ECE (20 equal-frequency bins), mean score, HR@10 and NDCG@10 over session lists (a user's test impressions
in one scenario, split at the job's session gap; lists of at least 20 impressions with a click), paired
bootstrap differences of the Transformer against every other row, and for the Transformers the share of
the gap from the strongest baseline to the oracle closed, (AUC - AUC_B) / (AUC_oracle - AUC_B), where B is
the baseline row with the highest AUC in that group; the share of the LR-to-oracle gap is kept as a
secondary figure.
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
from .metrics import (WeightedAuc, auc, bootstrap_weights, ece, hr_ndcg_at_k, logloss, session_lists)
from .model import count_parameters, load_checkpoint, model_version
from .spec import SpecError, load_spec
from .train import predict, set_seeds

MODELS = ("oracle", "transformer", "per_scenario", "gbdt_binary", "gbdt_rank", "best_feature", "repeat_item",
          "category_share", "heuristic", "popularity", "lr", "mlp")
LABELS = {"oracle": "oracle", "transformer": "multi-scenario Transformer", "per_scenario": "per-scenario Transformer",
          "gbdt_binary": "GBDT, binary logistic", "gbdt_rank": "GBDT, pairwise ranking",
          "best_feature": "best single feature", "repeat_item": "repeat item (count in sequence)",
          "category_share": "category share of sequence", "heuristic": "heuristic", "popularity": "popularity",
          "lr": "paper LR", "mlp": "paper MLP"}
# Rows whose score is a probability (log loss and ECE make sense); every other row only ranks.
PROBABILITY = {"oracle", "transformer", "per_scenario", "gbdt_binary", "lr", "mlp"}
LEARNED = ("transformer", "per_scenario")
NOT_BASELINES = {"oracle", "transformer", "per_scenario"}
# The inputs of the job's heuristic scorer: it should rank at least as well as either alone.
HEURISTIC_FEATURES = ("cand:category_affinity", "cand:trend_pop")
FEATURE_PREFIX = "feature:"
TOP_K = 10
MIN_LIST = 20
DEFAULT_SESSION_GAP_MS = 1_800_000


def label(model: str) -> str:
    return LABELS.get(model, model[len(FEATURE_PREFIX):] if model.startswith(FEATURE_PREFIX) else model)


def is_baseline(model: str) -> bool:
    """A row the Transformer is compared with: not the oracle, not a Transformer. Single-feature rows
    count only through ``best_feature`` (chosen on validation): taking the best of them on the test
    split would select on it."""
    return model not in NOT_BASELINES and not model.startswith(FEATURE_PREFIX)


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


def popularity_scores(train: Split, split: Split) -> np.ndarray:
    """Most-popular baseline: the candidate item's click count in the train split (0 for unseen items)."""
    n_items = train.spec.item_buckets
    clicks = np.bincount(train.arrays["cand_item"][:, 0].astype(np.int64), weights=train.label.astype(np.float64),
                         minlength=n_items)
    return clicks[split.arrays["cand_item"][:, 0].astype(np.int64)]


def auc_standard_error(a: float, n_pos: int, n_neg: int) -> float:
    """Hanley & McNeil (1982) standard error of an AUC."""
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    return float(math.sqrt((a * (1 - a) + (n_pos - 1) * (q1 - a * a) + (n_neg - 1) * (q2 - a * a)) / (n_pos * n_neg)))


def _gap(a_model, a_base, a_oracle):
    d = a_oracle - a_base
    return float((a_model - a_base) / d) if np.isfinite(d) and abs(d) > 1e-12 else float("nan")


def strongest_baseline(group: Dict) -> Optional[str]:
    """The baseline row of a metrics group with the highest AUC (the bar the Transformer has to clear).

    Chosen on the test split among a handful of rows (GBDTs, the best single feature as chosen on
    validation, repeat, share, heuristic, popularity, the paper's models): taking the best of them can only
    raise the bar, so the gap closed from it is a conservative figure, and its interval treats the choice as
    fixed."""
    cands = {m: r["auc"] for m, r in group.items()
             if isinstance(r, dict) and "auc" in r and is_baseline(m) and np.isfinite(r["auc"])}
    return max(cands, key=cands.get) if cands else None


def compute_metrics(test: Split, preds: Dict[str, np.ndarray], scenario_names: Dict[int, str],
                    bootstrap: int = 0, seed: int = 0, session_gap_ms: int = DEFAULT_SESSION_GAP_MS) -> Dict:
    """Metrics per scenario and OVERALL for every model in ``preds`` (arrays aligned with ``test``; NaN =
    not scored). With ``bootstrap`` > 0, 95 % intervals from a cluster bootstrap over users, with the same
    resamples for all models (so differences are paired)."""
    y = test.label.astype(np.float64)
    scen = test.scenario
    users = test.arrays["user_id"]
    lists = session_lists(users, scen, test.arrays["event_time"], session_gap_ms)
    models = [m for m in MODELS if m in preds] + [m for m in preds if m not in MODELS]
    groups = [(name.upper(), scen == sid) for sid, name in sorted(scenario_names.items())]
    groups.append(("OVERALL", np.ones_like(y, dtype=bool)))
    has_oracle = "oracle" in preds and bool(np.isfinite(preds["oracle"]).any())
    out = {}
    for gname, rows in groups:
        g = {"examples": int(rows.sum()), "positives": int(y[rows].sum()),
             "ctr": float(y[rows].mean()) if rows.any() else float("nan")}
        known = rows & np.isfinite(preds["oracle"]) if has_oracle else np.zeros_like(rows)
        g["oracle_known"] = int(known.sum())
        for m in models:
            r = rows & np.isfinite(preds[m])
            if not r.any():
                continue
            p = preds[m][r]
            prob = m in PROBABILITY
            top = hr_ndcg_at_k(lists[r], y[r], p, k=TOP_K, min_size=MIN_LIST, seed=seed)
            g[m] = {"auc": auc(y[r], p), "logloss": logloss(y[r], p) if prob else None,
                    "ece": ece(y[r], p) if prob else None, "mean_score": float(np.mean(p)),
                    "hr@10": top["hr"], "ndcg@10": top["ndcg"], "examples": int(r.sum())}
            g["lists"] = {"count": top["lists"], "mean_size": top["mean_size"], "min_size": MIN_LIST,
                          "random_hr@10": None}
        g["strongest_baseline"] = strongest_baseline(g)
        b = g["strongest_baseline"]
        if has_oracle and known.any():
            for m in models:
                if m in LEARNED and m in g:
                    ok = known & np.isfinite(preds[m])
                    a_m, a_o = auc(y[ok], preds[m][ok]), auc(y[ok], preds["oracle"][ok])
                    if "lr" in preds:
                        g[m]["gap_closed"] = _gap(a_m, auc(y[ok], preds["lr"][ok]), a_o)
                    if b is not None:
                        g[m]["gap_closed_strongest"] = _gap(a_m, auc(y[ok], preds[b][ok]), a_o)
            t = g.get("transformer", {})
            g["gap_closed"] = t.get("gap_closed", float("nan"))
            g["gap_closed_strongest"] = t.get("gap_closed_strongest", float("nan"))
        else:
            g["gap_closed"] = float("nan")
            g["gap_closed_strongest"] = float("nan")
        if bootstrap > 0 and rows.any():
            _bootstrap_group(g, y, preds, models, rows, users, bootstrap, seed)
        out[gname] = g
    return out


def _bootstrap_group(g, y, preds, models, rows, users, replicates, seed):
    comparable = [m for m in models if m in g and np.isfinite(preds[m][rows]).all()]
    wauc = {m: WeightedAuc(y[rows], preds[m][rows]) for m in comparable}
    samples = {m: [] for m in comparable}
    for w in bootstrap_weights(users[rows], replicates, seed):
        for m in comparable:
            samples[m].append(wauc[m](w))
    s = {m: np.asarray(v) for m, v in samples.items()}

    def ci(a):
        a = a[np.isfinite(a)]
        return [float(np.percentile(a, 2.5)), float(np.percentile(a, 97.5))] if a.size else [float("nan")] * 2

    for m in comparable:
        g[m]["auc_ci"] = ci(s[m])
    diffs = {}
    if "transformer" in s:
        for other in s:
            if other not in ("transformer", "oracle"):
                diffs[f"transformer-{other}"] = ci(s["transformer"] - s[other])
    # The job's heuristic, and any other version of it given as a --score row named heuristic*, against
    # the features it reads.
    for h in (m for m in s if m.startswith("heuristic")):
        for f in HEURISTIC_FEATURES:
            if FEATURE_PREFIX + f in s:
                diffs[f"{h}-{FEATURE_PREFIX}{f}"] = ci(s[h] - s[FEATURE_PREFIX + f])
    if "transformer" in s:
        b = g.get("strongest_baseline")
        if "oracle" in s:
            for m in LEARNED:
                if m in s and "lr" in s:
                    g[m]["gap_closed_ci"] = ci((s[m] - s["lr"]) / (s["oracle"] - s["lr"]))
                if m in s and b in s:
                    g[m]["gap_closed_strongest_ci"] = ci((s[m] - s[b]) / (s["oracle"] - s[b]))
    g["auc_difference_ci"] = diffs
    g["bootstrap"] = {"replicates": replicates, "clusters": "user_id", "level": 0.95}


def _fmt(v, digits=4):
    if v is None:
        return "n/a"
    if isinstance(v, float) and not np.isfinite(v):
        return "nan"
    return f"{v:.{digits}f}"


def format_table(metrics: Dict) -> str:
    groups = list(metrics)
    named = [m for m in MODELS if any(m in metrics[g] for g in groups)]
    others = sorted({m for g in groups for m in metrics[g] if isinstance(metrics[g][m], dict)
                     and "auc" in metrics[g][m] and m not in MODELS and not m.startswith(FEATURE_PREFIX)})
    features = sorted({m for g in groups for m in metrics[g] if m.startswith(FEATURE_PREFIX)},
                      key=lambda m: -metrics[groups[-1]][m]["auc"] if m in metrics[groups[-1]] else 0)
    models = named + others
    w = 15

    def row(name, values):
        return ("  " + name).ljust(34) + "".join(v.rjust(w) for v in values)

    lines = []
    for key, title in (("auc", "AUC"), ("logloss", "logloss"), ("ece", "ECE"), ("hr@10", "HR@10"),
                       ("ndcg@10", "NDCG@10")):
        lines.append(title.ljust(34) + "".join(g.rjust(w) for g in groups) if key == "auc" else title)
        for m in models:
            lines.append(row(label(m), [_fmt(metrics[g][m][key] if m in metrics[g] else None) for g in groups]))
    lines.append("Transformer minus each row, AUC (paired bootstrap 95 % interval)")
    for m in models:
        if m in ("transformer", "oracle"):
            continue
        cis = [metrics[g].get("auc_difference_ci", {}).get(f"transformer-{m}") for g in groups]
        if any(cis):
            lines.append(row(label(m), [f"{c[0]:+.3f},{c[1]:+.3f}" if c else "n/a" for c in cis]))
    lines.append("strongest baseline".ljust(34) + "".join(
        label(metrics[g].get("strongest_baseline") or "n/a")[:w - 1].rjust(w) for g in groups))
    for key, title in (("gap_closed_strongest", "gap closed from the strongest baseline"),
                       ("gap_closed", "gap closed from paper LR (secondary)")):
        lines.append(title)
        for m in LEARNED:
            if any(m in metrics[g] for g in groups):
                lines.append(row(label(m), [(_fmt(100 * metrics[g][m].get(key, float("nan")), 1) + "%")
                                            if m in metrics[g] else "n/a" for g in groups]))
    if features:
        lines.append("single features, AUC (sign chosen on validation)")
        for m in features:
            lines.append(row(label(m), [_fmt(metrics[g][m]["auc"] if m in metrics[g] else None) for g in groups]))
    lines.append("examples".ljust(34) + "".join(str(metrics[g]["examples"]).rjust(w) for g in groups))
    lines.append("ctr".ljust(34) + "".join(_fmt(metrics[g]["ctr"]).rjust(w) for g in groups))
    return "\n".join(lines)


def _per_scenario_dirs(path: Optional[str], spec) -> Dict[int, str]:
    if not path:
        return {}
    dirs = {}
    for sid in spec.scenario_ids():
        d = os.path.join(path, f"s{sid}")
        if os.path.exists(os.path.join(d, "model.pt")):
            dirs[sid] = d
    if not dirs:
        raise FileNotFoundError(f"{path}: no s<scenario>/model.pt found")
    return dirs


def baseline_predictions(train_split: Split, valid_split: Split, test: Split, seed: int = 42, mlp_epochs: int = 5):
    """oracle, heuristic, popularity, paper LR and paper MLP scores of ``test`` (+ the LR's parameters)."""
    preds = {"oracle": test.arrays["oracle"].astype(np.float64),
             "heuristic": test.arrays["heuristic"].astype(np.float64),
             "popularity": popularity_scores(train_split, test)}
    theta, bias = fit_logistic_regression(train_split.arrays["paper"].astype(np.float64), train_split.label)
    preds["lr"] = predict_lr(theta, bias, test.arrays["paper"])
    mlp = fit_mlp(train_split.arrays["paper"], train_split.label, valid_split.arrays["paper"], valid_split.label,
                  epochs=mlp_epochs, seed=seed)
    with torch.no_grad():
        preds["mlp"] = mlp(torch.from_numpy(test.arrays["paper"].astype(np.float32))).numpy().astype(np.float64)
    return preds, {"theta": [float(t) for t in theta], "bias": bias}


def _extra_scores(specs: Optional[Dict[str, str]], n: int) -> Dict[str, np.ndarray]:
    out = {}
    for name, path in (specs or {}).items():
        if name in MODELS or name.startswith(FEATURE_PREFIX):
            raise ValueError(f"--score {name}: the name of a built-in row")
        a = np.load(path).astype(np.float64).reshape(-1)
        if a.shape[0] != n:
            raise ValueError(f"--score {name}: {path} has {a.shape[0]} scores, the split {n} rows")
        out[name] = a
    return out


def run(data_dir: str, model_dir: str, out: Optional[str] = None, seed: int = 42, log=print,
        mlp_epochs: int = 5, per_scenario: Optional[str] = None, bootstrap: int = 200,
        save_predictions: bool = True, split: str = "test", strong_baselines: bool = True, gbdt: bool = True,
        gbdt_depths=(4, 6, 8), gbdt_rounds: int = 500, extra_scores: Optional[Dict[str, str]] = None,
        threads: int = 2) -> Dict:
    """``strong_baselines``: the rows of ``interest_model.baselines`` (single features, repeat item,
    category share, and with ``gbdt`` the two xgboost models); ``extra_scores``: name -> .npy of scores."""
    torch.set_num_threads(threads)
    set_seeds(seed)
    spec = load_spec(data_dir)
    model, ckpt = load_checkpoint(model_dir)
    if model.spec.metadata() != spec.metadata():
        raise SpecError(f"{model_dir} was trained on a different feature spec than {data_dir}")
    train_split = load_split(data_dir, "train", spec)
    valid_split = load_split(data_dir, "valid", spec)
    test = valid_split if split == "valid" else load_split(data_dir, split, spec)
    preds, lr_params = baseline_predictions(train_split, valid_split, test, seed, mlp_epochs)
    strong_info = None
    if strong_baselines:
        from .baselines import strong_baseline_predictions
        strong, strong_info = strong_baseline_predictions(train_split, valid_split, test, gbdt=gbdt,
                                                          depths=gbdt_depths, rounds=gbdt_rounds, seed=seed, log=log)
        preds.update(strong)
    preds.update(_extra_scores(extra_scores, test.n))
    preds["transformer"] = predict(model, test)[:, 0].astype(np.float64)
    ps_dirs = _per_scenario_dirs(per_scenario, spec)
    ps_versions = {}
    if ps_dirs:
        p = np.full(test.n, np.nan)
        for sid, d in ps_dirs.items():
            m_s, _ = load_checkpoint(d)
            rows = np.flatnonzero(test.scenario == sid)
            p[rows] = predict(m_s, test.subset(rows))[:, 0]
            ps_versions[spec.scenarios[sid]] = {"dir": os.path.abspath(d), "model_version": model_version(m_s)}
        preds["per_scenario"] = p
    gap = int(spec.raw.get("job_settings", {}).get("session_gap_ms", DEFAULT_SESSION_GAP_MS))
    metrics = compute_metrics(test, preds, spec.scenarios, bootstrap=bootstrap, seed=seed, session_gap_ms=gap)
    result = {
        "feature_spec_version": spec.version,
        "model_version": model_version(model),
        "parameters": count_parameters(model),
        "data": os.path.abspath(data_dir),
        "split": split,
        "splits": {"train": train_split.n, "valid": valid_split.n, "test": test.n},
        "paper_features": list(spec.paper_features),
        "lr": lr_params,
        "per_scenario_models": ps_versions,
        "baselines": strong_info,
        "extra_scores": {k: os.path.abspath(v) for k, v in (extra_scores or {}).items()},
        "notes": {
            "heuristic": "ranking score in [0,1], not calibrated: AUC/HR/NDCG only",
            "popularity": "click count of the candidate item in the train split: ranking only",
            "oracle": "simulator's true click probability; evaluated on rows where it is known",
            "gap_closed_strongest": "(AUC_model - AUC_B) / (AUC_oracle - AUC_B) on rows with a known oracle, "
                                    "B the baseline row with the highest test AUC in the group (single-feature "
                                    "rows only through best_feature, chosen on validation)",
            "gap_closed": "secondary: (AUC_model - AUC_LR) / (AUC_oracle - AUC_LR) on rows with a known oracle",
            "baselines": "single features, repeat item, category share and GBDT: interest_model.baselines; "
                         "GBDT depth and rounds chosen on the validation split",
            "lr_mlp": "trained on the full train split (paper.npy), one model across scenarios",
            "ece": "20 equal-frequency score bins: sum_b n_b/N |click rate_b - mean score_b|",
            "top_k": f"HR@{TOP_K}/NDCG@{TOP_K} over session lists: a user's impressions in one scenario, split "
                     f"where consecutive impressions are more than {gap} ms apart; lists of at least {MIN_LIST} "
                     f"impressions with at least one click; ranked by the score each impression got",
            "auc_ci": f"95% percentile interval of a cluster bootstrap over users ({bootstrap} resamples)",
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
    base = model_dir if os.path.isdir(model_dir) else os.path.dirname(model_dir)
    out = out or os.path.join(base, "metrics.json" if split == "test" else f"metrics_{split}.json")
    with open(out, "w") as f:
        json.dump(result, f, indent=2, allow_nan=True)
    if save_predictions:
        np.savez_compressed(os.path.join(os.path.dirname(os.path.abspath(out)), f"predictions_{split}.npz"),
                            label=test.label, scenario=test.scenario, user_id=test.arrays["user_id"],
                            event_time=test.arrays["event_time"], **preds)
    log(f"wrote {out}")
    result["table"] = table
    return result


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m interest_model.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", required=True, help="training output dir (or its model.pt)")
    ap.add_argument("--per-scenario", help="dir with s1/, s2/, s3/ per-scenario Transformer runs")
    ap.add_argument("--bootstrap", type=int, default=500, help="cluster-bootstrap resamples (0: no intervals)")
    ap.add_argument("--split", default="test", choices=("valid", "test"))
    ap.add_argument("--out", help="metrics JSON (default: <model dir>/metrics.json)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--no-strong-baselines", action="store_true",
                    help="skip single features, repeat item, category share and GBDT")
    ap.add_argument("--no-gbdt", action="store_true", help="skip the xgboost baselines (the slow ones)")
    ap.add_argument("--gbdt-depths", default="4,6,8", help="max_depth grid of the GBDT, chosen on validation")
    ap.add_argument("--gbdt-rounds", type=int, default=500, help="most boosting rounds (early stopping on valid)")
    ap.add_argument("--score", action="append", default=[], metavar="NAME=PATH",
                    help="another score of the split's rows as a row of the table (.npy), e.g. an older heuristic")
    ap.add_argument("--threads", type=int, default=2, help="torch threads")
    a = ap.parse_args(argv)
    extra = dict(x.split("=", 1) for x in a.score)
    try:
        run(a.data, a.model, a.out, a.seed, per_scenario=a.per_scenario, bootstrap=a.bootstrap, split=a.split,
            strong_baselines=not a.no_strong_baselines, gbdt=not a.no_gbdt,
            gbdt_depths=tuple(int(d) for d in a.gbdt_depths.split(",")), gbdt_rounds=a.gbdt_rounds,
            extra_scores=extra, threads=a.threads)
    except SpecError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
