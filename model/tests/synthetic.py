"""A synthetic data directory in the exact layout of ``export-training-data`` (feature spec fs-1).

Values are random but valid, with a planted signal modelled on the project's simulator: the click
log-odds mix the user's long-term category interest, a session intent (the category of the user's most
recent engagements), item quality and a scenario base rate. The heuristic score sees the long-term
affinity and popularity but not the intent, so a model reading the sequence can beat it.
"""

from __future__ import annotations

import json
import os
from typing import Dict, Optional

import numpy as np

SPEC_TEMPLATE = {
    "feature_spec_version": "fs-1",
    "sequence_length": 50,
    "item_buckets": 65536,
    "category_buckets": 1024,
    "action_count": 8,
    "scenario_count": 4,
    "age_buckets": 24,
    "dwell_buckets": 16,
    "user_dense": ["eng_1h", "eng_1d", "eng_7d", "imp_1d", "all_eng_1h", "all_eng_1d", "all_eng_7d", "all_imp_1d",
                   "session_events", "session_seconds", "sequence_size", "dwell_seconds", "clicks",
                   "distinct_items", "eng_per_imp_1d", "scenario_share"],
    "candidate_dense": ["trend_pop", "trend_log_count", "category_affinity", "category_seq_share"],
    "paper_features": ["dwell_seconds", "clicks", "imp_1d"],
    "scenarios": {"1": "ECOMMERCE", "2": "SOCIAL", "3": "NEWS"},
}


def make_spec(sequence_length: int = 50, **overrides) -> Dict:
    d = json.loads(json.dumps(SPEC_TEMPLATE))
    d["sequence_length"] = sequence_length
    d.update(overrides)
    L = d["sequence_length"]
    ints = ["seq_item", "seq_category", "seq_action", "seq_scenario", "seq_age", "seq_dwell"]
    d["inputs"] = [{"name": n, "dtype": "int32", "shape": ["batch", L]} for n in ints] + [
        {"name": "user_dense", "dtype": "float32", "shape": ["batch", len(d["user_dense"])]},
        {"name": "scenario", "dtype": "int32", "shape": ["batch"]},
        {"name": "cand_item", "dtype": "int32", "shape": ["batch", "candidates"]},
        {"name": "cand_category", "dtype": "int32", "shape": ["batch", "candidates"]},
        {"name": "cand_dense", "dtype": "float32", "shape": ["batch", "candidates", len(d["candidate_dense"])]},
    ]
    d["outputs"] = [{"name": "score", "dtype": "float32", "shape": ["batch", "candidates"]}]
    d["splits"] = {"train": {"examples": 0}, "valid": {"examples": 0}, "test": {"examples": 0}}
    return d


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def make_dataset(out_dir: str, examples: int = 20000, seed: int = 7, sequence_length: int = 50,
                 users: int = 1500, categories: int = 40, items: int = 6000,
                 oracle_nan_share: float = 0.05) -> Dict:
    """Writes ``feature_spec.json`` and ``train/valid/test`` (time-based 80/10/10) under ``out_dir``."""
    rng = np.random.default_rng(seed)
    spec = make_spec(sequence_length)
    L = spec["sequence_length"]
    # Items: ids 1..items, one scenario each, a category in 1..categories, a quality.
    item_scen = rng.integers(1, 4, size=items + 1)
    item_cat = rng.integers(1, categories + 1, size=items + 1)
    item_q = rng.normal(size=items + 1)
    item_pop = np.exp(0.8 * item_q + 0.7 * rng.normal(size=items + 1))
    item_cat[0] = 0
    by_sc = {(s, c): np.flatnonzero((item_scen == s) & (item_cat == c)) for s in (1, 2, 3)
             for c in range(1, categories + 1)}
    by_s = {s: np.flatnonzero(item_scen == s)[1:] if s == item_scen[0] else np.flatnonzero(item_scen == s)
            for s in (1, 2, 3)}
    by_s = {s: v[v > 0] for s, v in by_s.items()}
    theta = rng.dirichlet(np.full(categories, 0.3), size=users + 1)            # [U, C]
    base = {1: -2.2, 2: -1.6, 3: -1.9}

    n = examples
    seq = {k: np.zeros((n, L), dtype=t) for k, t in (("seq_item", np.int32), ("seq_category", np.int16),
                                                      ("seq_action", np.int8), ("seq_scenario", np.int8),
                                                      ("seq_age", np.int8), ("seq_dwell", np.int8))}
    user_dense = np.zeros((n, len(spec["user_dense"])), dtype=np.float32)
    scenario = rng.integers(1, 4, size=n).astype(np.int8)
    cand_item = np.zeros((n, 1), dtype=np.int32)
    cand_category = np.zeros((n, 1), dtype=np.int16)
    cand_dense = np.zeros((n, 1, len(spec["candidate_dense"])), dtype=np.float32)
    label = np.zeros(n, dtype=np.float32)
    oracle = np.zeros(n, dtype=np.float32)
    heuristic = np.zeros(n, dtype=np.float32)
    paper = np.zeros((n, 3), dtype=np.float32)
    user_id = rng.integers(1, users + 1, size=n).astype(np.int64)
    event_time = np.sort(rng.integers(1_767_225_600_000, 1_767_225_600_000 + 86_400_000, size=n)).astype(np.int64)
    max_pop = item_pop.max()

    def pick_item(s, c):
        pool = by_sc[(s, c)]
        return int(rng.choice(pool)) if len(pool) else int(rng.choice(by_s[s]))

    for r in range(n):
        u, s = int(user_id[r]), int(scenario[r])
        length = 0 if rng.random() < 0.05 else int(rng.integers(1, L + 1))
        intent = int(rng.choice(categories, p=theta[u])) + 1
        cats = []
        for j in range(length):
            c = intent if (j < 4 and rng.random() < 0.7) else int(rng.choice(categories, p=theta[u])) + 1
            cats.append(c)
            ss = s if rng.random() < 0.7 else int(rng.integers(1, 4))
            seq["seq_item"][r, j] = pick_item(ss, c)
            seq["seq_category"][r, j] = c
            seq["seq_action"][r, j] = rng.integers(1, spec["action_count"])
            seq["seq_scenario"][r, j] = ss
            seq["seq_age"][r, j] = min(spec["age_buckets"] - 1, 4 + j // 3 + int(rng.integers(0, 3)))
            seq["seq_dwell"][r, j] = rng.integers(1, spec["dwell_buckets"])
        counts = np.bincount(np.asarray(cats, dtype=np.int64), minlength=categories + 1)[1:].astype(np.float64)
        # candidate: half from the user's interests (what the feed policy does), half popular
        if rng.random() < 0.5:
            ci = pick_item(s, int(rng.choice(categories, p=theta[u])) + 1)
        else:
            pool = by_s[s]
            ci = int(rng.choice(pool, p=item_pop[pool] / item_pop[pool].sum()))
        cc = int(item_cat[ci])
        cand_item[r, 0], cand_category[r, 0] = ci, cc
        logit = (base[s] + 0.9 * max(np.log(categories * theta[u, cc - 1]), -3.0)
                 + 2.0 * (cc == intent) + 0.5 * item_q[ci])
        p = _sigmoid(logit)
        oracle[r] = p
        label[r] = float(rng.random() < p)
        aff = counts / counts.sum() if counts.sum() > 0 else counts
        pop = item_pop[ci] / max_pop * np.exp(0.3 * rng.normal())
        cand_dense[r, 0] = [np.log1p(100 * pop), np.log1p(item_pop[ci] * 5), aff[cc - 1] if length else 0.0,
                            counts[cc - 1] / L]
        heuristic[r] = min(1.0, (aff[cc - 1] + 0.1) / (aff.max() + 0.1) * min(1.0, pop * 20))
        clicks = int(rng.poisson(1 + length / 10))
        dwell = float(rng.exponential(30 * (1 + length)))
        imps = int(rng.poisson(5 + length))
        user_dense[r] = np.log1p(np.abs(rng.normal(size=user_dense.shape[1]) * 3))
        user_dense[r, 10] = np.log1p(length)
        user_dense[r, 11] = np.log1p(dwell)
        user_dense[r, 12] = np.log1p(clicks)
        user_dense[r, 3] = np.log1p(imps)
        paper[r] = [np.log1p(dwell), np.log1p(clicks), np.log1p(imps)]
    nan_rows = rng.random(n) < oracle_nan_share
    oracle[nan_rows] = np.nan

    arrays = dict(seq, user_dense=user_dense, scenario=scenario, cand_item=cand_item, cand_category=cand_category,
                  cand_dense=cand_dense, label=label, oracle=oracle, heuristic=heuristic, paper=paper,
                  event_time=event_time, user_id=user_id)
    bounds = {"train": (0, int(0.8 * n)), "valid": (int(0.8 * n), int(0.9 * n)), "test": (int(0.9 * n), n)}
    os.makedirs(out_dir, exist_ok=True)
    for split, (a, b) in bounds.items():
        d = os.path.join(out_dir, split)
        os.makedirs(d, exist_ok=True)
        for k, v in arrays.items():
            np.save(os.path.join(d, k + ".npy"), v[a:b])
        spec["splits"][split]["examples"] = b - a
    with open(os.path.join(out_dir, "feature_spec.json"), "w") as f:
        json.dump(spec, f, indent=2)
    return spec


def write_spec(path: str, spec: Optional[Dict] = None) -> str:
    spec = spec or make_spec()
    with open(path, "w") as f:
        json.dump(spec, f)
    return path
