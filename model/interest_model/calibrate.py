"""Post-hoc calibration folded into the model: per-scenario Platt scaling of the final logit.

For each request scenario s, logit' = a_s * logit + b_s is fitted on the validation split (log loss, L-BFGS)
and written into the last STAR layer, whose logit is x (W_shared * W_s)^T + b_shared + b_s: W_s is scaled
by a_s and b_s becomes a_s (b_shared + b_s) + b_s' - b_shared. The exported graph does not change shape;
the job serves the calibrated scores as they are.
"""

from __future__ import annotations

from typing import Dict

import numpy as np
import torch

from .data import Split
from .metrics import logloss


def fit_platt(labels: np.ndarray, probs: np.ndarray, max_iter: int = 100):
    """(a, b) minimizing the log loss of sigmoid(a * logit(p) + b)."""
    p = np.clip(np.asarray(probs, dtype=np.float64), 1e-7, 1 - 1e-7)
    z = torch.from_numpy(np.log(p / (1 - p)))
    y = torch.from_numpy(np.asarray(labels, dtype=np.float64))
    a = torch.ones(1, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([a, b], lr=1.0, max_iter=max_iter, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(a * z + b, y)
        loss.backward()
        return loss

    opt.step(closure)
    return float(a.detach()[0]), float(b.detach()[0])


@torch.no_grad()
def calibrate(model, split: Split, predict_fn, min_rows: int = 2000) -> Dict:
    """Fits per-scenario Platt scaling on ``split`` (validation) and folds it into ``model.star3``.

    Scenarios with fewer than ``min_rows`` rows or a single class are left as they are. Returns, per
    scenario name, a, b and the split's log loss before and after."""
    p = predict_fn(model, split)[:, 0].astype(np.float64)
    y = split.label.astype(np.float64)
    layer = model.star3
    report = {}
    for sid, name in sorted(split.spec.scenarios.items()):
        rows = split.scenario == sid
        if rows.sum() < min_rows or y[rows].min() == y[rows].max():
            report[name] = {"skipped": int(rows.sum())}
            continue
        a, b = fit_platt(y[rows], p[rows])
        before = logloss(y[rows], p[rows])
        z = np.log(np.clip(p[rows], 1e-7, 1 - 1e-7) / (1 - np.clip(p[rows], 1e-7, 1 - 1e-7)))
        after = logloss(y[rows], 1 / (1 + np.exp(-(a * z + b))))
        shared_b = layer.bias_shared.double()
        layer.weight_scenario[sid] *= a
        layer.bias_scenario[sid] = (a * (shared_b + layer.bias_scenario[sid].double()) + b - shared_b).float()
        report[name] = {"a": a, "b": b, "rows": int(rows.sum()), "logloss_before": before, "logloss_after": after}
    return report
