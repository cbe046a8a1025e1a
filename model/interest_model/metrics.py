"""AUC (rank-based, ties averaged) and log loss, in numpy."""

from __future__ import annotations

import numpy as np

EPS = 1e-7


def auc(labels, scores) -> float:
    """Area under the ROC curve = P(score of a random positive > score of a random negative), ties count
    one half (Mann-Whitney U with average ranks). NaN if a class is missing."""
    y = np.asarray(labels, dtype=np.float64).ravel()
    s = np.asarray(scores, dtype=np.float64).ravel()
    if y.shape != s.shape:
        raise ValueError(f"labels {y.shape} and scores {s.shape} differ in shape")
    pos = y > 0.5
    n_pos = int(pos.sum())
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    sorted_s = s[order]
    # average rank (1-based) of each run of equal scores
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_s)) + 1]
    ends = np.r_[starts[1:], s.size]
    avg = (starts + ends + 1) / 2.0
    ranks = np.empty(s.size, dtype=np.float64)
    ranks[order] = np.repeat(avg, ends - starts)
    u = ranks[pos].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def logloss(labels, probs) -> float:
    y = np.asarray(labels, dtype=np.float64).ravel()
    p = np.clip(np.asarray(probs, dtype=np.float64).ravel(), EPS, 1 - EPS)
    if y.size == 0:
        return float("nan")
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


# -- calibration -------------------------------------------------------------------------------------------

def ece(labels, probs, bins: int = 20) -> float:
    """Expected calibration error over ``bins`` equal-frequency bins of the score:
    sum_b (n_b / N) |mean(label in b) - mean(score in b)|. NaN for an empty input."""
    y = np.asarray(labels, dtype=np.float64).ravel()
    p = np.asarray(probs, dtype=np.float64).ravel()
    if y.size == 0:
        return float("nan")
    order = np.argsort(p, kind="mergesort")
    total = 0.0
    for part in np.array_split(order, min(bins, y.size)):
        if part.size:
            total += part.size * abs(y[part].mean() - p[part].mean())
    return float(total / y.size)


def reliability(labels, probs, bins: int = 20):
    """(mean score, click rate, count) per equal-frequency bin, for reliability diagrams."""
    y = np.asarray(labels, dtype=np.float64).ravel()
    p = np.asarray(probs, dtype=np.float64).ravel()
    order = np.argsort(p, kind="mergesort")
    parts = [q for q in np.array_split(order, min(bins, max(y.size, 1))) if q.size]
    return (np.array([p[q].mean() for q in parts]), np.array([y[q].mean() for q in parts]),
            np.array([q.size for q in parts]))


def roc_curve(labels, scores, points: int = 200):
    """(false positive rate, true positive rate) at up to ``points`` thresholds, for plots."""
    y = np.asarray(labels, dtype=np.float64).ravel()
    s = np.asarray(scores, dtype=np.float64).ravel()
    order = np.argsort(-s, kind="mergesort")
    ys, ss = y[order], s[order]
    last = np.r_[np.flatnonzero(np.diff(ss)), ys.size - 1]  # end of each run of equal scores
    tp = np.cumsum(ys)[last]
    fp = (last + 1) - tp
    tpr = np.r_[0.0, tp / max(ys.sum(), 1)]
    fpr = np.r_[0.0, fp / max(ys.size - ys.sum(), 1)]
    if fpr.size > points:
        keep = np.unique(np.linspace(0, fpr.size - 1, points).astype(int))
        fpr, tpr = fpr[keep], tpr[keep]
    return fpr, tpr


# -- bootstrap ---------------------------------------------------------------------------------------------

class WeightedAuc:
    """AUC of fixed (labels, scores) under many row weightings, e.g. bootstrap multiplicities: the sort and
    the runs of tied scores are computed once, each weighting then costs O(N). With unit weights it equals
    :func:`auc` (ties count one half)."""

    def __init__(self, labels, scores):
        y = np.asarray(labels, dtype=np.float64).ravel()
        s = np.asarray(scores, dtype=np.float64).ravel()
        self.order = np.argsort(s, kind="mergesort")
        ss = s[self.order]
        self.starts = np.r_[0, np.flatnonzero(np.diff(ss)) + 1] if s.size else np.zeros(0, dtype=np.int64)
        self.pos = y[self.order] > 0.5

    def __call__(self, weights) -> float:
        w = np.asarray(weights, dtype=np.float64)[self.order]
        wp = np.where(self.pos, w, 0.0)
        wn = w - wp
        if self.starts.size == 0:
            return float("nan")
        gp = np.add.reduceat(wp, self.starts)
        gn = np.add.reduceat(wn, self.starts)
        below = np.cumsum(gn) - gn
        tp, tn = gp.sum(), gn.sum()
        if tp <= 0 or tn <= 0:
            return float("nan")
        return float((gp * (below + 0.5 * gn)).sum() / (tp * tn))


def bootstrap_weights(clusters, replicates: int, seed: int = 0):
    """Yields ``replicates`` row-weight vectors of a cluster bootstrap: clusters (e.g. users) are drawn with
    replacement and every row gets its cluster's multiplicity. Impressions of one user are correlated, so
    resampling users gives honest intervals where resampling rows would be too narrow."""
    c = np.asarray(clusters).ravel()
    uniq, inv = np.unique(c, return_inverse=True)
    rng = np.random.default_rng(seed)
    for _ in range(replicates):
        mult = np.bincount(rng.integers(0, uniq.size, size=uniq.size), minlength=uniq.size)
        yield mult[inv].astype(np.float64)


# -- top-K lists -------------------------------------------------------------------------------------------

def session_lists(user, group, time, gap) -> np.ndarray:
    """List id per row: a user's rows of one group (scenario), in time order, split where consecutive rows
    are more than ``gap`` apart (the job's session gap). Returns int64 ids, equal for rows of one list."""
    user = np.asarray(user).ravel()
    group = np.asarray(group).ravel()
    time = np.asarray(time).ravel()
    order = np.lexsort((time, group, user))
    u, g, t = user[order], group[order], time[order]
    new = np.ones(order.size, dtype=bool)
    if order.size:
        new[1:] = (u[1:] != u[:-1]) | (g[1:] != g[:-1]) | (t[1:] - t[:-1] > gap)
    ids = np.empty(order.size, dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return ids


def hr_ndcg_at_k(lists, labels, scores, k: int = 10, min_size: int = 20, seed: int = 0):
    """Hit rate and NDCG at k over lists (rows sharing a list id), ranking each list by score.

    Only lists with at least ``min_size`` rows and at least one positive count (shorter lists make HR@k
    trivially 1). Ties are broken by a fixed random order. HR@k: share of lists with a positive in the top k.
    NDCG@k: DCG of the positives in the top k over the DCG of a perfect ranking (binary gains).
    Returns dict(hr, ndcg, lists, mean_size)."""
    lists = np.asarray(lists).ravel()
    y = np.asarray(labels, dtype=np.float64).ravel()
    s = np.asarray(scores, dtype=np.float64).ravel()
    tiebreak = np.random.default_rng(seed).random(y.size)
    order = np.lexsort((tiebreak, -s, lists))        # by list, then score descending
    l_sorted, y_sorted = lists[order], y[order]
    starts = np.r_[0, np.flatnonzero(np.diff(l_sorted)) + 1] if y.size else np.zeros(0, dtype=np.int64)
    sizes = np.diff(np.r_[starts, y.size])
    rank = np.arange(y.size) - np.repeat(starts, sizes)     # 0-based rank within its list
    pos_count = np.add.reduceat(y_sorted, starts) if y.size else np.zeros(0)
    keep = (sizes >= min_size) & (pos_count > 0)
    if not keep.any():
        return {"hr": float("nan"), "ndcg": float("nan"), "lists": 0, "mean_size": float("nan")}
    gain = np.where(rank < k, y_sorted / np.log2(rank + 2.0), 0.0)
    dcg = np.add.reduceat(gain, starts)
    hits = np.add.reduceat(np.where(rank < k, y_sorted, 0.0), starts) > 0
    ideal_n = np.minimum(pos_count, k).astype(np.int64)
    disc = np.r_[0.0, np.cumsum(1.0 / np.log2(np.arange(k) + 2.0))]
    idcg = disc[ideal_n]
    return {"hr": float(hits[keep].mean()), "ndcg": float((dcg[keep] / idcg[keep]).mean()),
            "lists": int(keep.sum()), "mean_size": float(sizes[keep].mean())}


def scenario_groups(scenario: np.ndarray):
    """(name, row mask) per request scenario of fs-1 (ids 1..3) and OVERALL: the groups every table reports."""
    return (("ECOMMERCE", scenario == 1), ("SOCIAL", scenario == 2), ("NEWS", scenario == 3),
            ("OVERALL", scenario > 0))
