"""Strong baselines for the evaluation: what a model that is not a Transformer gets from the same export.

- plain features: every user and candidate dense feature of the spec, the request scenario and a few
  aggregates of the sequence against the candidate (repeat count of the item, count, recency and strength
  of the candidate's category in the history), computed here from the exported tensors only;
- single-feature rankers: each plain feature alone as a score, its sign chosen on the validation split;
  the best one (validation AUC over all rows) is the ``best_feature`` row, named in its label;
- ``repeat_item`` (how often the candidate item is in the sequence) and ``category_share`` (the share of
  the sequence in the candidate's category);
- gradient-boosted trees (xgboost) on the plain features, one with a binary logistic objective and one
  with a pairwise ranking objective over session lists, each tuned on the validation split only (the
  depth grid, early stopping on validation AUC); their serving cost is timed on a batch the size of the
  job's ONNX benchmark call.

None of these touch the test split before scoring it.
"""

from __future__ import annotations

import time
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from .data import Split
from .metrics import auc, session_lists
from .model import SEQUENCE_AGGREGATES, sequence_aggregates

# The sequence aggregates are the model's own (model.sequence_aggregates, the function of the exported graph),
# with raw counts: what a GBDT built first would compute, and the Transformer sees the same numbers.

# Ranking groups of the pairwise objective: a user's impressions in one scenario, split at the session gap
# the data was exported with (this default where the spec does not record it).
SESSION_GAP_MS = 1_800_000


def feature_names(split: Split) -> List[str]:
    spec = split.spec
    return (["user:" + n for n in spec.user_dense] + ["cand:" + n for n in spec.candidate_dense]
            + ["seq:" + n for n in SEQUENCE_AGGREGATES] + ["scenario"])


def plain_features(split: Split) -> Tuple[np.ndarray, List[str]]:
    """[N, F] float32 matrix of the plain features of a split's single candidate, and their names."""
    a = split.arrays
    x = np.concatenate([a["user_dense"].astype(np.float64), a["cand_dense"][:, 0, :].astype(np.float64),
                        sequence_counts(a), a["scenario"].astype(np.float64)[:, None]], axis=1)
    return x.astype(np.float32), feature_names(split)


def sequence_counts(arrays: Dict[str, np.ndarray], rows: int = 65536) -> np.ndarray:
    """[N, len(SEQUENCE_AGGREGATES)] the model's own sequence aggregates of the single candidate
    (``model.sequence_aggregates``, the function inside the exported graph), with the counts back as plain
    integers (log1p undone and rounded: exact for counts up to the sequence length)."""
    names = ("seq_item", "seq_category", "seq_action", "seq_scenario", "scenario", "cand_item", "cand_category")
    n = arrays["seq_item"].shape[0]
    parts = []
    with torch.no_grad():
        for start in range(0, n, rows):
            t = {k: torch.as_tensor(np.asarray(arrays[k][start:start + rows])).long() for k in names}
            parts.append(sequence_aggregates(t["seq_item"], t["seq_category"], t["seq_action"], t["seq_scenario"],
                                             t["scenario"], t["cand_item"][:, :1], t["cand_category"][:, :1])
                         [:, 0, :].numpy())
    out = (np.concatenate(parts) if parts else np.zeros((0, len(SEQUENCE_AGGREGATES)), np.float32)).astype(np.float64)
    counts = [j for j, name in enumerate(SEQUENCE_AGGREGATES) if not name.endswith("recency")]
    out[:, counts] = np.rint(np.expm1(out[:, counts]))
    return out


def single_feature_scores(x_valid: np.ndarray, y_valid: np.ndarray, x_test: np.ndarray, names: Sequence[str],
                          ) -> Tuple[Dict[str, np.ndarray], Dict[str, Dict]]:
    """Each feature alone as a test score, negated where its validation AUC is below one half. Returns
    ({"feature:<name>": scores}, {name: {"sign", "valid_auc"}}); the scenario id is not a ranking feature."""
    preds, info = {}, {}
    for j, name in enumerate(names):
        if name == "scenario":
            continue
        a = auc(y_valid, x_valid[:, j])
        sign = 1.0 if not np.isfinite(a) or a >= 0.5 else -1.0
        preds["feature:" + name] = sign * x_test[:, j].astype(np.float64)
        info[name] = {"sign": int(sign), "valid_auc": float(max(a, 1 - a)) if np.isfinite(a) else float("nan")}
    return preds, info


def best_feature(info: Dict[str, Dict]) -> Optional[str]:
    """The feature with the highest validation AUC (the choice never looks at the test split)."""
    ok = {k: v["valid_auc"] for k, v in info.items() if np.isfinite(v["valid_auc"])}
    return max(ok, key=ok.get) if ok else None


def _rank_groups(split: Split) -> np.ndarray:
    gap = int(split.spec.raw.get("job_settings", {}).get("session_gap_ms", SESSION_GAP_MS))
    return session_lists(split.arrays["user_id"], split.scenario, split.arrays["event_time"], gap)


def fit_gbdt(x_train, y_train, x_valid, y_valid, objective: str = "binary", groups: Optional[np.ndarray] = None,
             depths: Sequence[int] = (4, 6, 8), eta: float = 0.1, rounds: int = 500, patience: int = 30,
             threads: int = 1, seed: int = 42, log=print):
    """xgboost on ``x_train``; ``objective`` "binary" (binary:logistic) or "rank" (rank:pairwise within
    ``groups``, one id per train row). Every depth of ``depths`` is trained with early stopping on the
    validation AUC; the depth with the best validation AUC is kept. Returns (booster, info)."""
    import xgboost as xgb

    if objective == "rank":
        if groups is None:
            raise ValueError("the ranking objective needs a group id per train row")
        order = np.argsort(groups, kind="stable")          # xgboost wants each group's rows together
        x_fit, y_fit = x_train[order], y_train[order]
        _, sizes = np.unique(groups[order], return_counts=True)
        dtrain = xgb.DMatrix(x_fit, label=y_fit, nthread=threads)
        dtrain.set_group(sizes)
        obj = "rank:pairwise"
    elif objective == "binary":
        dtrain = xgb.DMatrix(x_train, label=y_train, nthread=threads)
        obj = "binary:logistic"
    else:
        raise ValueError(f"unknown objective {objective!r}")
    # Validation without groups: its AUC is the global one, the number the tables report.
    dvalid = xgb.DMatrix(x_valid, label=y_valid, nthread=threads)
    best, trials = None, []
    for depth in depths:
        params = {"objective": obj, "eval_metric": "auc", "max_depth": int(depth), "eta": eta,
                  "tree_method": "hist", "nthread": threads, "seed": seed, "min_child_weight": 1.0}
        t = time.time()
        booster = xgb.train(params, dtrain, num_boost_round=rounds, evals=[(dvalid, "valid")],
                            early_stopping_rounds=patience, verbose_eval=False)
        n_trees = booster.best_iteration + 1
        v = auc(y_valid, booster.predict(dvalid, output_margin=True, iteration_range=(0, n_trees)))
        trials.append({"max_depth": int(depth), "trees": n_trees, "valid_auc": float(v),
                       "seconds": round(time.time() - t, 1)})
        log(f"gbdt {objective}: depth {depth}, {n_trees} trees, valid AUC {v:.4f} ({time.time() - t:.0f}s)")
        if best is None or v > best[0]:
            best = (v, booster, trials[-1])
    v, booster, chosen = best
    info = {"objective": obj, "eta": eta, "max_rounds": rounds, "early_stopping_rounds": patience,
            "grid": trials, "chosen": chosen, "valid_auc": float(v), "threads": threads}
    return booster, info


def gbdt_predict(booster, x: np.ndarray) -> np.ndarray:
    """Margin scores (log-odds for the binary objective) of the trees up to the early-stopping point."""
    import xgboost as xgb

    n_trees = booster.best_iteration + 1
    return booster.predict(xgb.DMatrix(x), output_margin=True, iteration_range=(0, n_trees)).astype(np.float64)


def gbdt_serving_cost(booster, n_features: int, users: int = 32, candidates: int = 100, seconds: float = 2.0,
                      seed: int = 0) -> Dict:
    """Cost of one scoring call of ``users`` x ``candidates`` rows on one thread (xgboost in-place prediction
    of the kept trees), median over repeated calls, as CPU time of the calling thread and as wall time. The
    CPU time is the figure to compare: on a machine shared with other work the wall time also counts the
    time the thread waited for a core. The features are assumed computed (the job computes them for the
    Transformer too)."""
    x = np.random.default_rng(seed).random((users * candidates, n_features), dtype=np.float32)
    booster.set_param({"nthread": 1})
    n_trees = booster.best_iteration + 1
    cpu, wall = [], []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(cpu) < 5:
        t, c = time.perf_counter(), time.thread_time()
        booster.inplace_predict(x, iteration_range=(0, n_trees))
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - t)
    return {"ms_per_call": float(np.median(cpu) * 1e3), "wall_ms_per_call": float(np.median(wall) * 1e3),
            "clock": "thread CPU time", "users": users, "candidates": candidates, "calls": len(cpu),
            "trees": n_trees, "threads": 1}


def strong_baseline_predictions(train: Split, valid: Split, test: Split, gbdt: bool = True,
                                depths: Sequence[int] = (4, 6, 8), rounds: int = 500, seed: int = 42,
                                log=print) -> Tuple[Dict[str, np.ndarray], Dict]:
    """Test scores of every baseline of this module, keyed as the evaluation's rows, and what was chosen."""
    x_valid, names = plain_features(valid)
    x_test, _ = plain_features(test)
    preds, singles = single_feature_scores(x_valid, valid.label, x_test, names)
    info: Dict = {"features": names, "single_features": singles}
    best = best_feature(singles)
    if best is not None:
        preds["best_feature"] = preds["feature:" + best]
        info["best_feature"] = best
    preds["repeat_item"] = x_test[:, names.index("seq:repeat_item")].astype(np.float64)
    preds["category_share"] = x_test[:, names.index("cand:category_seq_share")].astype(np.float64)
    if gbdt:
        x_train, _ = plain_features(train)
        for objective in ("binary", "rank"):
            groups = _rank_groups(train) if objective == "rank" else None
            booster, gi = fit_gbdt(x_train, train.label, x_valid, valid.label, objective, groups, depths=depths,
                                   rounds=rounds, seed=seed, log=log)
            m = gbdt_predict(booster, x_test)
            preds[f"gbdt_{objective}"] = 1.0 / (1.0 + np.exp(-m)) if objective == "binary" else m
            gi["serving"] = gbdt_serving_cost(booster, len(names))
            imp = booster.get_score(importance_type="gain")
            gi["top_features"] = [names[int(k[1:])] for k in sorted(imp, key=imp.get, reverse=True)[:10]]
            info[f"gbdt_{objective}"] = gi
    return preds, info
