"""Writes model/REPORT.md and its plots from the shipped model's evaluation and the experiments.

    python3 -m interest_model.report --main runs/fs1 --experiments runs/experiments --out REPORT.md \\
        --plots report

Inputs: ``<main>/metrics.json`` and ``predictions_test.npz`` (``evaluate --per-scenario``),
``<main>/training_curve.json`` and the per-scenario runs' curves, ``<experiments>/{seeds,worlds,ablate}.json``
(``interest_model.experiments``). Each missing experiment leaves its section saying so.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Dict, List, Optional

import numpy as np

from .evaluate import LABELS
from .metrics import reliability, roc_curve, scenario_groups

GROUPS = ("ECOMMERCE", "SOCIAL", "NEWS", "OVERALL")
TABLE_MODELS = ("popularity", "heuristic", "lr", "mlp", "per_scenario", "transformer", "oracle")
PLOT_MODELS = ("oracle", "transformer", "per_scenario", "mlp", "lr", "popularity")
COLORS = {"oracle": "black", "transformer": "tab:red", "per_scenario": "tab:orange", "mlp": "tab:blue",
          "lr": "tab:cyan", "popularity": "tab:gray", "heuristic": "tab:olive"}
TARGET_GAP, AIM_GAP, TARGET_ECE = 0.70, 0.85, 0.02


def _f(v, d=4):
    if v is None:
        return "n/a"
    if isinstance(v, float) and not np.isfinite(v):
        return "nan"
    return f"{v:.{d}f}"


def _pct(v, d=1):
    return "n/a" if v is None or not np.isfinite(v) else f"{100 * v:.{d}f} %"


def _ci(ci, d=4):
    return "" if not ci else f" [{ci[0]:.{d}f}, {ci[1]:.{d}f}]"


def _load(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


# -- tables --------------------------------------------------------------------------------------------------

def main_tables(metrics: Dict) -> str:
    out = []
    for g in GROUPS:
        m = metrics[g]
        lists = m.get("lists", {})
        out.append(f"**{g}** ({m['examples']:,} test impressions, click rate {_f(m['ctr'], 3)}; "
                   f"{lists.get('count', 0):,} session lists of mean size {_f(lists.get('mean_size'), 1)})\n")
        out.append("| model | AUC [95 % CI] | log loss | ECE | HR@10 | NDCG@10 | gap closed [95 % CI] |")
        out.append("|---|---|---:|---:|---:|---:|---|")
        for k in TABLE_MODELS:
            if k not in m:
                continue
            r = m[k]
            gap = (_pct(r["gap_closed"]) + _ci(r.get("gap_closed_ci") and [100 * x for x in r["gap_closed_ci"]], 1)
                   .replace("]", " %]")) if "gap_closed" in r else ""
            out.append(f"| {LABELS[k]} | {_f(r['auc'])}{_ci(r.get('auc_ci'))} | {_f(r['logloss'])} | "
                       f"{_f(r['ece'])} | {_f(r['hr@10'], 3)} | {_f(r['ndcg@10'], 3)} | {gap} |")
        out.append("")
    return "\n".join(out)


def targets(metrics: Dict) -> (str, Dict):
    rows, status = [], {}
    scen = [g for g in GROUPS if g != "OVERALL"]
    # 1. beats LR and MLP with non-overlapping 95 % intervals, every scenario
    ok_all = True
    detail = []
    for g in scen:
        t = metrics[g]["transformer"]
        for b in ("lr", "mlp"):
            ci_t, ci_b = t.get("auc_ci"), metrics[g][b].get("auc_ci")
            ok = bool(ci_t and ci_b and ci_t[0] > ci_b[1])
            ok_all &= ok
            detail.append(f"{g} {_f(ci_t[0]) if ci_t else '?'} > {LABELS[b]} {_f(ci_b[1]) if ci_b else '?'}")
    status["beats_paper_baselines"] = ok_all
    rows.append(("multi-scenario Transformer beats the paper's LR and MLP in every scenario, non-overlapping "
                 "95 % AUC intervals (lower bound > upper bound)", ok_all, "; ".join(detail)))
    # 2. beats the per-scenario Transformers on the sparse scenario
    news = metrics["NEWS"]
    if "per_scenario" in news:
        d = news.get("auc_difference_ci", {}).get("transformer-per_scenario")
        ok = news["transformer"]["auc"] > news["per_scenario"]["auc"]
        sig = bool(d and d[0] > 0)
        status["beats_per_scenario_news"] = ok
        status["beats_per_scenario_news_significant"] = sig
        rows.append(("beats the per-scenario Transformer on the sparse scenario (NEWS)", ok,
                     f"AUC {_f(news['transformer']['auc'])} vs {_f(news['per_scenario']['auc'])}; paired bootstrap "
                     f"difference{_ci(d)} ({'excludes' if sig else 'includes'} 0)"))
    # 3. gap closed >= 70 % everywhere (aim 85 %)
    gaps = {g: metrics[g]["transformer"].get("gap_closed", float("nan")) for g in GROUPS}
    ok = all(np.isfinite(v) and v >= TARGET_GAP for v in gaps.values())
    aim = all(np.isfinite(v) and v >= AIM_GAP for v in gaps.values())
    status["gap_70"] = ok
    status["gap_85"] = aim
    txt = ", ".join(f"{g} {_pct(v)}" for g, v in gaps.items())
    rows.append(("closes at least 70 % of the LR-to-oracle AUC gap in every scenario", ok, txt))
    rows.append(("aim: 85 % in every scenario", aim, txt))
    # 4. ECE < 0.02 overall
    e = metrics["OVERALL"]["transformer"]["ece"]
    status["ece"] = e < TARGET_ECE
    rows.append(("calibration error (ECE) under 0.02 overall", e < TARGET_ECE,
                 f"ECE {_f(e)} overall; " + ", ".join(f"{g} {_f(metrics[g]['transformer']['ece'])}" for g in scen)))
    lines = ["| target | met | numbers |", "|---|---|---|"]
    for name, ok, txt in rows:
        lines.append(f"| {name} | {'**yes**' if ok else '**NO**'} | {txt} |")
    return "\n".join(lines), status


def seeds_table(seeds: Dict) -> str:
    if not seeds:
        return "_Not run (`python3 -m interest_model.experiments seeds`)._"
    s = seeds["seeds"]
    names = list(s)
    lines = ["| scenario | model | " + " | ".join(names) + " | mean |", "|---|---|" + "---:|" * (len(names) + 1)]
    for g in GROUPS:
        for k in ("oracle", "transformer", "per_scenario", "mlp", "lr", "popularity"):
            vals = [s[n]["metrics"][g][k]["auc"] if k in s[n]["metrics"][g] else float("nan") for n in names]
            lines.append(f"| {g} | AUC {LABELS[k]} | " + " | ".join(
                _f(v) + _ci(s[n]["metrics"][g][k].get("auc_ci") if k in s[n]["metrics"][g] else None, 3)
                for v, n in zip(vals, names)) + f" | {_f(float(np.nanmean(vals)))} |")
        for k in ("transformer", "per_scenario"):
            vals = [s[n]["metrics"][g][k].get("gap_closed", float("nan")) if k in s[n]["metrics"][g] else float("nan")
                    for n in names]
            lines.append(f"| {g} | gap closed, {LABELS[k]} | " + " | ".join(_pct(v) for v in vals)
                         + f" | {_pct(float(np.nanmean(vals)))} |")
        vals = [s[n]["metrics"][g]["transformer"].get("ece", float("nan")) for n in names]
        lines.append(f"| {g} | ECE {LABELS['transformer']} | " + " | ".join(_f(v) for v in vals)
                     + f" | {_f(float(np.nanmean(vals)))} |")
    news = [s[n]["difference_ci"]["NEWS"].get("transformer-per_scenario") for n in names]
    lines.append("| NEWS | multi minus per-scenario AUC, 95 % CI | " + " | ".join(
        _ci(d).strip() if d else "n/a" for d in news) + " | |")
    return "\n".join(lines)


def worlds_table(worlds: Dict) -> str:
    if not worlds:
        return "_Not run (`python3 -m interest_model.experiments worlds`)._"
    w = worlds["worlds"]
    base = w.get("default")
    lines = ["| world | effect switched off | oracle AUC (overall / NEWS) | "
             "Transformer AUC (overall / ECOM / SOCIAL / NEWS) | change vs default: oracle, Transformer (overall / NEWS) | "
             "NEWS transfer gain (multi minus per-scenario) |",
             "|---|---|---|---|---|---:|"]
    for name, r in w.items():
        if base and name != "default":
            d = (f"{r['OVERALL']['oracle'] - base['OVERALL']['oracle']:+.4f}, "
                 f"{r['OVERALL']['transformer'] - base['OVERALL']['transformer']:+.4f} / "
                 f"{r['NEWS']['transformer'] - base['NEWS']['transformer']:+.4f}")
        else:
            d = ""
        gain = _transfer_gain(r)
        lines.append(f"| {name} | {r['effect']} | {_f(r['OVERALL']['oracle'])} / "
                     f"{_f(r['NEWS']['oracle'])} | {_f(r['OVERALL']['transformer'])} / {_f(r['ECOMMERCE']['transformer'])}"
                     f" / {_f(r['SOCIAL']['transformer'])} / {_f(r['NEWS']['transformer'])} | {d} | "
                     f"{'' if gain is None else f'{gain:+.4f}'} |")
    return "\n".join(lines)


def ablation_table(abl: Dict, chosen: str = "L50") -> str:
    if not abl:
        return "_Not run (`python3 -m interest_model.experiments ablate`)._"
    a = abl["ablations"]
    lines = ["| point | L | layers | d_model | ff | parameters | ONNX MB | valid AUC overall | ECOM | SOCIAL | NEWS | "
             "latency ms / call (B 32, K 100) |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in a.items():
        c = r["config"]
        v = r["valid_auc"]
        lat = r.get("latency", {}).get("ms_per_call")
        mark = " (shipped)" if name == chosen else ""
        lines.append(f"| {name}{mark} | {c['sequence_length']} | {c['layers']} | {c['d_model']} | {c['ff']} | "
                     f"{r['parameters']:,} | {r['onnx_bytes'] / 1e6:.1f} | {_f(v['OVERALL'])} | {_f(v['ECOMMERCE'])} | "
                     f"{_f(v['SOCIAL'])} | {_f(v['NEWS'])} | {_f(lat, 1) if lat else 'n/a'} |")
    return "\n".join(lines)


def ablation_reading(abl: Dict, worlds: Optional[Dict], chosen: str = "L50") -> str:
    """Each ablation point against the shipped one: validation AUC change judged against the noise of
    comparing two single training runs on one validation set (two standard errors of the difference:
    2 * sqrt(2) * one run's standard deviation from the world runs; the shared validation set cancels
    test-set noise), and latency as a ratio measured in the same back-to-back run."""
    if not abl:
        return ""
    a = abl["ablations"]
    base = a.get(chosen)
    var = training_variance(worlds).get("OVERALL")
    if base is None or var is None:
        return ""
    threshold = 2 * np.sqrt(2 * var[0])
    base_auc = base["valid_auc"]["OVERALL"]
    base_ms = base.get("latency", {}).get("ms_per_call")
    lines, cheaper = [], []
    for name, r in a.items():
        if name == chosen:
            continue
        d = r["valid_auc"]["OVERALL"] - base_auc
        ms = r.get("latency", {}).get("ms_per_call")
        ratio = ms / base_ms if ms and base_ms else None
        verdict = "better" if d > threshold else "worse" if d < -threshold else "within noise"
        cost = f", {ratio:.2f}x the latency" if ratio is not None else ""
        lines.append(f"{name} {d:+.4f} ({verdict}{cost})")
        if verdict != "worse" and ratio is not None and ratio < 1:
            cheaper.append(f"{name} ({d:+.4f}, {ratio:.2f}x)")
    text = (f"Against the shipped point (validation AUC {base_auc:.4f}"
            + (f", {base_ms:.1f} ms per call" if base_ms else "")
            + f"), with differences under {threshold:.4f} read as noise (two single training runs: "
            f"2 * sqrt(2) * one run's standard deviation {np.sqrt(var[0]):.4f}): " + "; ".join(lines) + ".")
    if cheaper:
        text += (" Cheaper and not worse beyond noise: " + ", ".join(cheaper) + ". The shipped point stays "
                 "where the rest of this report was built (every table above uses its recipe); moving it is a "
                 "new regeneration of the report, not a knob.")
    else:
        text += " No point is cheaper without being worse beyond noise."
    return text


# -- plots ---------------------------------------------------------------------------------------------------

def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot_roc(pred: Dict[str, np.ndarray], metrics: Dict, path: str) -> None:
    plt = _plt()
    fig, axes = plt.subplots(1, 4, figsize=(16, 4.2))
    sc = pred["scenario"]
    for ax, (g, rows) in zip(axes, scenario_groups(sc)):
        for k in PLOT_MODELS:
            if k not in pred or k not in metrics[g]:
                continue
            ok = rows & np.isfinite(pred[k])
            fpr, tpr = roc_curve(pred["label"][ok], pred[k][ok])
            ax.plot(fpr, tpr, color=COLORS[k], lw=1.2, label=f"{LABELS[k]} {metrics[g][k]['auc']:.3f}")
        ax.plot([0, 1], [0, 1], ":", color="lightgray")
        ax.set_title(g)
        ax.set_xlabel("false positive rate")
        ax.legend(fontsize=7, loc="lower right")
    axes[0].set_ylabel("true positive rate")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def plot_calibration(pred: Dict[str, np.ndarray], metrics: Dict, path: str) -> None:
    plt = _plt()
    fig, axes = plt.subplots(1, 4, figsize=(16, 4.2))
    sc = pred["scenario"]
    for ax, (g, rows) in zip(axes, scenario_groups(sc)):
        top = 0.0
        for k in ("oracle", "transformer", "per_scenario", "mlp", "lr"):
            if k not in pred or k not in metrics[g]:
                continue
            ok = rows & np.isfinite(pred[k])
            x, y, _ = reliability(pred["label"][ok], pred[k][ok])
            top = max(top, x.max(), y.max())
            ax.plot(x, y, "o-", ms=3, color=COLORS[k], lw=1, label=f"{LABELS[k]} ECE {metrics[g][k]['ece']:.4f}")
        ax.plot([0, top], [0, top], ":", color="gray")
        ax.set_title(g)
        ax.set_xlabel("mean score (20 equal-frequency bins)")
        ax.legend(fontsize=7, loc="upper left")
    axes[0].set_ylabel("click rate")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def plot_training(curves: Dict[str, Dict], path: str) -> None:
    plt = _plt()
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 3.8))
    for i, (name, c) in enumerate(curves.items()):
        col = ["tab:red", "tab:green", "tab:purple", "tab:brown"][i % 4]
        steps = c.get("steps", [])
        tr = [s for s in steps if "train_logloss" in s]
        if tr:
            a.plot([s["epoch"] for s in tr], [s["train_logloss"] for s in tr], "-", lw=0.8, color=col,
                   label=f"{name} train (running)")
        a.plot([e["epoch"] for e in c["epochs"]], [e["valid_logloss"] for e in c["epochs"]], "s", color=col,
               label=f"{name} valid")
        va = [s for s in steps if "valid_auc" in s]
        xs = [s["epoch"] for s in va] + [e["epoch"] for e in c["epochs"]]
        ys = [s["valid_auc"] for s in va] + [e["valid_auc"] for e in c["epochs"]]
        order = np.argsort(xs)
        b.plot(np.asarray(xs)[order], np.asarray(ys)[order], ".-", color=col, label=name)
    a.set_xlabel("epoch")
    a.set_ylabel("log loss")
    a.legend(fontsize=7)
    b.set_xlabel("epoch")
    b.set_ylabel("validation AUC")
    b.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def plot_ablation(abl: Dict, path: str) -> None:
    if not abl:
        return
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, r in abl["ablations"].items():
        lat = r.get("latency", {}).get("ms_per_call")
        if lat is None:
            continue
        ax.plot(lat, r["valid_auc"]["OVERALL"], "o", color="tab:red" if name == "L50" else "tab:blue")
        ax.annotate(name, (lat, r["valid_auc"]["OVERALL"]), fontsize=8, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("ONNX Runtime ms per call (Java, batch 32, K 100, 1 thread)")
    ax.set_ylabel("validation AUC (subset protocol)")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


# -- the document --------------------------------------------------------------------------------------------

def diagnostics_section(diag: Optional[Dict]) -> str:
    if not diag:
        return "_Not run (`python3 -m interest_model.experiments diagnostics`)._"
    ov = diag["oracle_variants"]
    lines = ["| | " + " | ".join(GROUPS) + " |", "|---|" + "---:|" * len(GROUPS)]
    for k, v in ov.items():
        lines.append(f"| AUC {k} | " + " | ".join(_f(v[g]) for g in GROUPS) + " |")
    for k, v in diag.get("soft_target", {}).items():
        lines.append(f"| AUC {k} | " + " | ".join(_f(v[g]) for g in GROUPS) + " |")
    t = "\n".join(lines)
    h = ["| history length (engagements) | share of test | Transformer AUC | oracle AUC |", "|---|---:|---:|---:|"]
    for r in diag["by_history_length"]:
        h.append(f"| {r['history']} | {_pct(r['share'])} | {_f(r['transformer'])} | {_f(r['oracle'])} |")
    return t + "\n\n" + "\n".join(h)


def _arch(proto: Dict) -> str:
    a = proto.get("architecture") or {}
    if not a:
        return "the shipped architecture"
    return (f"{a['layers']} encoder layer{'s' if a['layers'] != 1 else ''}, d_model {a['d_model']}, "
            f"{'sum' if a['sum_pool'] else 'mean'} pooling")


def world_noise(seeds: Optional[Dict], worlds: Optional[Dict] = None) -> Dict[str, float]:
    """Smallest AUC change between two worlds that is not noise: two standard errors of the difference of two
    worlds' mean AUCs. Test-set noise: SE from the bootstrap interval of the seed-42 subset model (interval
    width / 3.92), twice over (two worlds, two test sets). Training noise: the variance of one training run's
    AUC about its world's mean (pooled over worlds, from the per-seed AUCs of worlds.json), divided by the
    number of training seeds, twice over."""
    out = {"OVERALL": 0.007, "NEWS": 0.015, "TRANSFER": 0.03}
    test_se = {}
    try:
        m = seeds["seeds"]["seed42"]["metrics"]
        for g in ("OVERALL", "NEWS"):
            lo, hi = m[g]["transformer"]["auc_ci"]
            test_se[g] = (hi - lo) / 3.92
        # the transfer gain (multi minus per-scenario NEWS AUC) has its own paired interval
        lo, hi = seeds["seeds"]["seed42"]["difference_ci"]["NEWS"]["transformer-per_scenario"]
        test_se["TRANSFER"] = (hi - lo) / 3.92
    except (KeyError, TypeError, ValueError):
        return out
    train_var = training_variance(worlds)
    for g, se in test_se.items():
        var, n = train_var.get(g, (0.0, 1))
        out[g] = 2 * np.sqrt(2 * se ** 2 + 2 * var / n)
    return out


def training_variance(worlds: Optional[Dict]) -> Dict[str, tuple]:
    """Per group (OVERALL, NEWS, TRANSFER): (variance of one training run's AUC about its world's mean, pooled
    over worlds with unbiased per-world variances; training runs per world). Empty without per-seed results."""
    out = {}
    if not worlds:
        return out
    w = worlds.get("worlds", {})
    samples = {"OVERALL": [], "NEWS": [], "TRANSFER": []}
    for r in w.values():
        for g in ("OVERALL", "NEWS"):
            if len(r.get(g, {}).get("transformer_seeds", [])) > 1:
                samples[g].append(r[g]["transformer_seeds"])
        ps = r.get("NEWS", {}).get("per_scenario_seeds")
        if ps and len(ps) > 1:
            samples["TRANSFER"].append([a - b for a, b in zip(r["NEWS"]["transformer_seeds"], ps)])
    for g, runs in samples.items():
        if runs:
            out[g] = (float(np.mean([np.var(x, ddof=1) for x in runs])), min(len(x) for x in runs))
    return out


def _train_sd(train_var: Dict) -> str:
    if not train_var:
        return "one training run per world: not measured"
    return "one run's standard deviation " + ", ".join(
        f"{np.sqrt(v):.4f} {g.lower()}" for g, (v, _) in train_var.items())


def _transfer_gain(r: Dict) -> Optional[float]:
    """Multi-scenario minus per-scenario Transformer AUC on NEWS, where the world run trained both."""
    ps = r["NEWS"].get("per_scenario")
    return None if ps is None else r["NEWS"]["transformer"] - ps


def _world_verdicts(worlds: Dict, noise: Dict[str, float]) -> List[str]:
    if not worlds:
        return []
    w = worlds["worlds"]
    base = w["default"]
    out = []
    for name, r in w.items():
        if name == "default":
            continue
        do = r["OVERALL"]["oracle"] - base["OVERALL"]["oracle"]
        dm = r["OVERALL"]["transformer"] - base["OVERALL"]["transformer"]
        dn = r["NEWS"]["transformer"] - base["NEWS"]["transformer"]
        don = r["NEWS"]["oracle"] - base["NEWS"]["oracle"]
        g, g0 = _transfer_gain(r), _transfer_gain(base)
        dg = None if g is None or g0 is None else g - g0
        moved = [f"oracle AUC {do:+.4f}" if abs(do) > noise["OVERALL"] else None,
                 f"oracle NEWS AUC {don:+.4f}" if abs(don) > noise["NEWS"] else None,
                 f"Transformer AUC {dm:+.4f}" if abs(dm) > noise["OVERALL"] else None,
                 f"Transformer NEWS AUC {dn:+.4f}" if abs(dn) > noise["NEWS"] else None,
                 f"NEWS transfer gain {g0:+.4f} -> {g:+.4f}" if dg is not None and abs(dg) > noise["TRANSFER"]
                 else None]
        moved = [m for m in moved if m]
        verdict = ("changes " + ", ".join(moved)) if moved else (
            f"changes nothing beyond noise (oracle {do:+.4f}, Transformer {dm:+.4f} overall, {dn:+.4f} NEWS)")
        out.append(f"- **{name}** ({r['effect']}): {verdict}.")
    return out


def replication_section(worlds: Optional[Dict], replicate: Optional[Dict], noise: Dict[str, float]) -> str:
    """The worlds re-run on a second simulator seed: the change against that seed's default world, and the
    mean change over both seeds judged against the threshold of a mean of two (noise / sqrt(2))."""
    if not worlds or not replicate:
        return ""
    w, r = worlds["worlds"], replicate["worlds"]
    if "default" not in r:
        return ""
    seed = replicate.get("simulator_seed")
    lines = [f"**Replication on simulator seed {seed}.** The worlds whose change stayed within noise above, again on "
             f"seed {seed}'s data (its own default world, test split, the same {len(r['default']['train_seeds'])} "
             "training seeds). A change counts when the mean of the two seeds' changes exceeds the threshold of a "
             f"mean of two ({noise['OVERALL'] / np.sqrt(2):.4f} overall, {noise['NEWS'] / np.sqrt(2):.4f} NEWS).",
             "",
             "| world | oracle AUC change (seed 42 / " + str(seed) + " / mean) | Transformer AUC change (seed 42 / "
             + str(seed) + " / mean) | Transformer NEWS AUC change (mean) | verdict |",
             "|---|---|---|---:|---|"]
    for name, row in r.items():
        if name == "default" or name not in w:
            continue
        d = {}
        for key, g in (("oracle", "OVERALL"), ("transformer", "OVERALL"), ("news", "NEWS")):
            k = "oracle" if key == "oracle" else "transformer"
            d[key] = (w[name][g][k] - w["default"][g][k], row[g][k] - r["default"][g][k])
        mean = {k: (a + b) / 2 for k, (a, b) in d.items()}
        moved = [f"oracle {mean['oracle']:+.4f}" if abs(mean["oracle"]) > noise["OVERALL"] / np.sqrt(2) else None,
                 f"Transformer {mean['transformer']:+.4f}" if abs(mean["transformer"]) > noise["OVERALL"] / np.sqrt(2)
                 else None,
                 f"Transformer NEWS {mean['news']:+.4f}" if abs(mean["news"]) > noise["NEWS"] / np.sqrt(2) else None]
        moved = [m for m in moved if m]
        agree = all(np.sign(a) == np.sign(b) for a, b in (d["oracle"], d["transformer"]))
        verdict = ("changes " + ", ".join(moved) if moved else "changes nothing beyond noise") + (
            "" if agree else " (the seeds disagree in sign)")
        lines.append(f"| {name} | {d['oracle'][0]:+.4f} / {d['oracle'][1]:+.4f} / {mean['oracle']:+.4f} | "
                     f"{d['transformer'][0]:+.4f} / {d['transformer'][1]:+.4f} / {mean['transformer']:+.4f} | "
                     f"{mean['news']:+.4f} | {verdict} |")
    return "\n".join(lines)


def _smoke(smoke: Optional[Dict]) -> str:
    if not smoke:
        return ""
    m = smoke["metrics"]["OVERALL"]
    return (f"; its last run: {smoke['splits']['train']:,} train / {smoke['splits']['test']:,} test examples, test AUC "
            f"Transformer {_f(m['transformer']['auc'])}, paper LR {_f(m['lr']['auc'])}, popularity "
            f"{_f(m['popularity']['auc'])} (a plumbing check: the generated file has no structure worth comparing)")


def build(main_dir: str, experiments: str, plots: str, report_path: str, per_scenario: Optional[str] = None,
          command: str = "model/report.sh", duration: str = "") -> str:
    os.makedirs(plots, exist_ok=True)
    ev = _load(os.path.join(main_dir, "metrics.json"))
    curve = _load(os.path.join(main_dir, "training_curve.json"))
    metrics = ev["metrics"]
    rel = os.path.relpath(plots, os.path.dirname(os.path.abspath(report_path)))
    pred = dict(np.load(os.path.join(main_dir, "predictions_test.npz")))
    plot_roc(pred, metrics, os.path.join(plots, "roc.png"))
    plot_calibration(pred, metrics, os.path.join(plots, "calibration.png"))
    curves = {"multi-scenario (shipped)": curve}
    if per_scenario:
        for sid, name in ((1, "ECOMMERCE"), (2, "SOCIAL"), (3, "NEWS")):
            c = _load(os.path.join(per_scenario, f"s{sid}", "training_curve.json"))
            if c:
                curves[f"per-scenario {name}"] = c
    plot_training(curves, os.path.join(plots, "training_curves.png"))
    seeds = _load(os.path.join(experiments, "seeds.json"))
    worlds = _load(os.path.join(experiments, "worlds.json"))
    replicate = _load(os.path.join(experiments, "replicate.json"))
    abl = _load(os.path.join(experiments, "ablate.json"))
    diag = _load(os.path.join(experiments, "diagnostics.json"))
    smoke = _load(os.path.join(experiments, "taobao_smoke.json"))
    plot_ablation(abl, os.path.join(plots, "ablation.png"))
    target_table, status = targets(metrics)
    spec = _load(os.path.join(ev["data"], "feature_spec.json"))
    splits = spec["splits"]
    a = curve["args"]
    o = metrics["OVERALL"]
    noise = world_noise(seeds, worlds)
    train_var = training_variance(worlds)
    n_train = max([n for _, n in train_var.values()] or [1])
    proto = (seeds or worlds or abl or {}).get("protocol", {})
    md = f"""# Model quality report

What the multi-scenario Transformer (`model/interest-model.onnx`, `{ev['model_version']}`) is worth against the
seed paper's baselines, a popularity ranker, per-scenario Transformers and the simulator's own click
probabilities; which effects of the simulated world it exploits; and what its size costs in latency.
Generated by `python3 -m interest_model.report`; everything, data included, is regenerated by
`{command}`{(' (' + duration + ')') if duration else ''}.

## Summary

{target_table}

## Protocol

- **Data.** Simulated traffic (`simulate --events 1500000 --rate 2000 --sessions 400`, default world) replayed
  through the job's own feature code (`export-training-data`, feature spec `fs-1`), one example per
  impression. **Split by event time**: train, then validation, then test (80/10/10 % of the time range;
  the test period lies strictly after the training period):
  train {splits['train']['examples']:,} / valid {splits['valid']['examples']:,} / test {splits['test']['examples']:,}
  impressions for seed 42. Several simulator seeds ({', '.join(str(s) for s in proto.get('seeds', [42]))}); the
  main table is seed 42, the seed table repeats the comparison on every seed.
- **Choices on validation only.** Epoch selection, calibration (per-scenario Platt scaling folded into the
  last layer), model ablations and the shipped configuration are decided on the validation split; the
  test split is only read for the tables below.
- **Metrics** (per scenario and overall, test split): AUC (rank-based, ties one half) with a **95 % cluster
  bootstrap interval** ({metrics['OVERALL'].get('bootstrap', {}).get('replicates', 0)} resamples of users: a
  user's impressions are correlated, so resampling rows would give intervals that are too narrow); log loss;
  **ECE**, the expected calibration error over 20 equal-frequency score bins,
  sum_b n_b/N |click rate_b - mean score_b|; **HR@10 and NDCG@10 over session lists**: a slate holds only 8
  impressions, so the top-K list is a user's impressions in one scenario merged over the session (consecutive
  impressions at most the job's 30-minute session gap apart; in the 75 s test window of this data that is
  all of a user's test impressions in the scenario), ranked by the score each impression got; lists with at
  least 20 impressions and at least one click count; HR@10 = share of lists with a click in the top 10, NDCG@10
  with binary gains. Gap closed = (AUC_model - AUC_LR) / (AUC_oracle - AUC_LR), with its bootstrap interval.
- **Rows.** *popularity*: the candidate's click count in the train split (ranking only, no log loss/ECE);
  *heuristic*: the job's fallback scorer (ranking only); *paper LR*: sigmoid(theta^T x + b) on the seed paper's
  three features (log1p browse time, clicks, items browsed); *paper MLP*: Dense(64)-ReLU-Dense(1) on the same;
  *per-scenario Transformer*: the same architecture trained on one scenario's rows only (one model per
  scenario, same training recipe; it still reads the user's whole cross-scenario history as input);
  *multi-scenario Transformer*: shared sequence encoder and target attention, STAR scenario-aware MLP
  (W_shared * W_scenario); *oracle*: the simulator's true click probability (upper bound).
- **Training** of the shipped model: {curve['train_examples']:,} train rows, {a['epochs']} epoch, Adam lr {a['lr']}
  ({a['lr_schedule']} decay), batch {a['batch_size']}, seed {a['seed']}, {a['threads']} threads,
  {curve['train_seconds'] / 60:.1f} min wall time (`model/retrain.sh`). The per-scenario Transformers of
  the main table use the same recipe on their scenario's rows of the same train split.

## Main table (seed 42, full train split, test split)

{main_tables(metrics)}
Per-scenario Platt scaling fitted on validation: {', '.join(f"{k} a={v['a']:.3f} b={v['b']:+.3f}" for k, v in (curve.get('calibration') or {}).items() if 'a' in v) or 'none'}.

![ROC per scenario]({rel}/roc.png)

![Calibration per scenario]({rel}/calibration.png)

![Training curves]({rel}/training_curves.png)

## Where the remaining gap is

Every term of the oracle's log-odds can be inferred from fs-1 inputs (the simulator has no effect of the slate
position or of earlier impressions, see the world effects below), so the gap is estimation: a user's
interests and the session's intent must be inferred from a few dozen engagements. A
Transformer of the subset protocol trained on the oracle's probabilities instead of clicks (a diagnostic,
impossible on real data) shows how much is label noise at that data size. Seed 42, test split; the history
table is the shipped model.

{diagnostics_section(diag)}

## Across simulator seeds (subset protocol)

Each seed is its own world and event stream (default knobs). To fit the compute budget every model here is
trained for one epoch on the same fixed-seed random subset of {proto.get('subset_train_rows', 0):,} train rows
(per-scenario models: that subset's rows of their scenario), so AUCs are lower than in the main table; the
comparison between rows is what matters. Test split of each seed, bootstrap intervals in brackets.

{seeds_table(seeds)}

## World effects: what the simulator gives the model to find

The click log-odds of the simulator (`flink-job/.../sim/World.java`) are
`base(s) + longTermWeight * max(log(C theta(u,s,c)), -3) + intentWeight [c == intent] + qualityWeight q(i)`,
and the feed policy fills slates with popular items (popularShare), items of a
category it believes the user likes (targetedShare) and random items. Each ablation below switches one effect
off (seed-42 data, same subset protocol as above, test split) and compares the oracle's AUC and the multi-scenario
Transformer's AUC, a mean over {n_train} training runs (seeds {', '.join(str(x) for x in ((worlds or {}).get('protocol', {}).get('world_train_seeds') or [42]))}: initialisation, training subset and
batch order), with the default world. News sparsity and cross-scenario transfer exist so that a shared
model gains on the sparse scenario; for them the table also gives that gain, the multi-scenario minus the
NEWS-only Transformer's NEWS AUC (also a mean over the training runs). A change counts when it exceeds two
standard errors of the difference of two worlds' means ({noise['OVERALL']:.4f} overall, {noise['NEWS']:.4f} on
NEWS, {noise['TRANSFER']:.4f} for the transfer gain): test-set noise from the bootstrap intervals of the default
world, plus training noise from the spread of the training runs within each world
({_train_sd(train_var)}). A fatigue term (log-odds lost per earlier
impression of the item) was built, measured and removed: under this feed policy only 1.2 % of impressions
repeat an item among the user's last 32, and switching it off moved the oracle by -0.0006 and the model by
+0.0023 (noise); the sequence holds engagements only, so no fs-1 model could have used it anyway. A position
bias (-0.12 log-odds per slate slot, 0.84 over a slate of 8) was removed for the same reason: the slot is not an
fs-1 input (scores are per user and item), and its ablation, replicated on simulator seed 7 with three
training runs per world, moved the oracle by -0.0043 and the model by +0.0039 on average, within the 0.0062
threshold of a mean of two seeds (the report of 2026-11-28, commit c117a85). Intent drift (the session intent
redrawn after each slate with probability 0.25) was removed the same way: its ablation moved the oracle by
+0.0025 and the model by +0.0005 on average over simulator seeds 42 and 7 (seed 42: +0.0009 / +0.0011;
seed 7: +0.0041 / -0.0000), within that report's 0.0058; a session now keeps one intent (commit e269807).

{worlds_table(worlds)}

{chr(10).join(_world_verdicts(worlds, noise))}

{replication_section(worlds, replicate, noise)}

## Model ablations: quality against cost

One knob at a time around the shipped point (sequence length 50, {_arch(proto)}), seed 42,
subset protocol, **validation** AUC (full validation split). Latency: Java ONNX Runtime with the job's
session options (`java -jar interest-stream.jar bench --model M.onnx --any-spec --ceiling-only
--batch-sizes 32 --candidates 100 --threads 1 --seconds 3`), median of three runs, ms per call of 32 users
x 100 candidates, measured back to back on the same shared 2-core machine (absolute numbers move with the
machine's load; compare them with each other). Sequence lengths other than 50 are ablations only: the job
serves L = 50 (`export-training-data --sequence-length N`).

{ablation_table(abl)}

{ablation_reading(abl, worlds)}

![Quality against latency]({rel}/ablation.png)

## Real data: Taobao UserBehavior

The public Taobao UserBehavior log (`user_id,item_id,category_id,behavior_type,timestamp`; about 100 M rows,
9 days, 1 M users) goes through the same Java replay and feature code:

```bash
sort -t, -k5,5n -s UserBehavior.csv > UserBehavior.sorted.csv          # the replay needs time order
java -Xmx8g -jar flink-job/tools/target/interest-stream.jar export-training-data \\
    --taobao UserBehavior.sorted.csv --out data/taobao --negatives 4
cd model
python3 -m interest_model.train    --data ../data/taobao --out runs/taobao --epochs 1 --seed 42 --curve-points 4
python3 -m interest_model.evaluate --data ../data/taobao --model runs/taobao --bootstrap 200
```

What differs from the simulated data: every page view (pv) is a positive and is recorded as a click (cart =
add to cart, fav = like, buy = purchase), all in the ECOMMERCE scenario; the log has no impressions, so
`--negatives` items sampled from recent engagements of all users (recent popularity) that the user has not
engaged with are the negatives, shown "at the same moment". The oracle is NaN, so the table has no oracle row
and no gap closed; AUC then measures how well the model separates real page views from popularity-sampled
negatives (harder than uniform negatives, easier than real impressions), and HR@10/NDCG@10 are over a user's
session of page views plus their negatives. The NEWS/SOCIAL rows and the per-scenario comparison are empty. The
time split is by the log's time range (80/10/10 % of 9 days). A 1-day extract (`awk -F, '$5 < 1511654400'`)
trains in about the time of the simulated set. `python3 -m interest_model.experiments taobao-smoke` runs
this path end to end on a small generated file in the same format (no real data on this machine){_smoke(smoke)}.

## Limitations

- One simulated world family, {len(proto.get('seeds', [42]))} seeds; the per-seed comparisons use a training subset.
- The test window of one simulation is short (75 s of event time at 2000 events/s): users in it have
  longer histories than in training (mean {ev['history_length_mean']['train']:.1f} engagements in train,
  {ev['history_length_mean']['test']:.1f} in test), and the session lists are a user's test impressions.
- fs-1 inputs do not contain the slate position or the user's recent impressions (the sequence holds
  engagements only); the simulated world has no effect of either (both were built, measured within noise
  and removed), so real feeds with strong position bias would need the slot as a training input or an
  unbiasing step before these scores rank well.
- Scores of the session lists are taken at each impression's own time (later impressions of a list have seen
  the user's earlier clicks); it is a replay of the logged slates, not a re-ranking experiment.
"""
    with open(report_path, "w") as f:
        f.write(md)
    return md


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m interest_model.report", description=__doc__.splitlines()[0])
    ap.add_argument("--main", default="runs/fs1", help="shipped model run with metrics.json + predictions_test.npz")
    ap.add_argument("--per-scenario", default="runs/fs1-per-scenario")
    ap.add_argument("--experiments", default="runs/experiments")
    ap.add_argument("--plots", default="report")
    ap.add_argument("--out", default="REPORT.md")
    ap.add_argument("--duration", default="")
    a = ap.parse_args(argv)
    build(a.main, a.experiments, a.plots, a.out, a.per_scenario, duration=a.duration)
    print(f"wrote {a.out} and plots in {a.plots}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
