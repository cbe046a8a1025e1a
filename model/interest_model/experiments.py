"""The experiments behind REPORT.md: simulator seeds, world-effect ablations and model ablations.

    python3 -m interest_model.experiments data     # simulate + export every data set (Java, about 1 min each)
    python3 -m interest_model.experiments seeds    # per seed: multi-scenario and per-scenario Transformers
    python3 -m interest_model.experiments worlds   # per world ablation: oracle and model AUC
    python3 -m interest_model.experiments replicate  # the worlds within noise again, on another simulator seed
    python3 -m interest_model.experiments ablate   # sequence length, layers, embedding size: AUC and latency
    python3 -m interest_model.experiments all

Every step skips work whose output already exists (delete a run directory to redo it), so an
interrupted run resumes. Data go to ``--data-root`` (default ../data), runs to ``--runs`` (default
runs/experiments), results to ``<runs>/<step>.json``. Subset protocol: every model here is trained for one
epoch on a fixed-seed random subset of ``SUBSET`` train rows (the shipped model: the full train split),
chosen on the validation split and reported on the test split.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from typing import Dict, List, Optional

import numpy as np

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))          # model/
REPO = os.path.dirname(HERE)
JAR = os.environ.get("INTEREST_STREAM_JAR", os.path.join(REPO, "flink-job", "tools", "target", "interest-stream.jar"))

EVENTS = 1_500_000
START = "2026-01-01T00:00:00Z"
RATE = 2000
SESSIONS = 400
SHIPPED_SEED = 42
SEEDS = (42, 7, 1234)
SUBSET = 150_000
VALID_SUBSET = 40_000
THREADS = 1  # single-threaded runs: on 2 shared cores two threads were slower than one

#: World-effect ablations: each switches one effect of the click model or the feed policy off (or moves it).
WORLDS: Dict[str, Dict[str, str]] = {
    "default": {},
    "no-intent": {"intentWeight": "0"},
    "no-transfer": {"sharedInterest": "0"},
    "dense-news": {"ecommerceShare": "0.30", "socialShare": "0.30", "newsShare": "0.40"},
    "no-popularity": {"popularShare": "0"},
}
WORLD_EFFECTS = {
    "no-intent": "session intent (intentWeight 1.3 -> 0)",
    "no-transfer": "cross-scenario transfer (sharedInterest 0.75 -> 0: unrelated interests per scenario)",
    "dense-news": "news sparsity (shares 0.45/0.40/0.15 -> 0.30/0.30/0.40)",
    "no-popularity": "popularity bias of the policy (popularShare 0.5 -> 0)",
}
#: Worlds where the NEWS per-scenario Transformer is trained too: sparsity and transfer are there so that the
#: shared model gains on the sparse scenario, so their ablations are judged by that gain (multi minus
#: per-scenario NEWS AUC), not by the multi-scenario model's AUC alone.
TRANSFER_WORLDS = ("default", "dense-news", "no-transfer")
#: Training seeds per world: one training run per world could not tell a small effect from training noise
#: (two runs of the same protocol disagreed on three knobs), so each world's model AUC is a mean over these.
WORLD_TRAIN_SEEDS = (42, 43, 44)
#: The replication: worlds whose effect stayed within noise on seed-42 data, again on simulator seed 7 (data,
#: test split and the default world of that seed), so that a small effect is judged on two worlds' data.
REPLICATED_WORLDS = ("no-popularity",)
REPLICATION_SEED = 7


#: The on/off architecture flags of train.py that the shipped recipe may set.
SWITCHES = ("sum_pool", "dense_norm", "seq_aggregates", "item_bias")


def shipped_architecture() -> Dict:
    """The architecture flags of the shipped recipe (model/train-args.txt), the point every subset-protocol
    model starts from; train.py's defaults fill what the file leaves out."""
    with open(os.path.join(HERE, "train-args.txt")) as f:
        args = f.read().split()
    arch = {"d_model": 32, "ff": 64, "layers": 2, **{flag: False for flag in SWITCHES}}
    for i, a in enumerate(args):
        key = a[2:].replace("-", "_")
        if key in SWITCHES:
            arch[key] = True
        elif key in arch:
            arch[key] = int(args[i + 1])
    return arch


BASE = shipped_architecture()

#: Model ablations around the shipped point (L 50 and BASE): one knob at a time.
ABLATIONS: Dict[str, Dict] = {"L10": {"seq": 10}, "L20": {"seq": 20}, "L50": {}, "L100": {"seq": 100}}
ABLATIONS.update({f"layers{n}": {"layers": n} for n in (1, 2, 3) if n != BASE["layers"]})
ABLATIONS.update({"d16": {"d_model": 16, "ff": 32}, "d64": {"d_model": 64, "ff": 128}})
ABLATIONS["mean-pool" if BASE["sum_pool"] else "sum-pool"] = {"sum_pool": not BASE["sum_pool"]}


def arch_args(**overrides) -> List[str]:
    """train.py flags for BASE with ``overrides`` (keys of BASE; others are ignored)."""
    cfg = {**BASE, **{k: v for k, v in overrides.items() if k in BASE}}
    out = ["--d-model", str(cfg["d_model"]), "--ff", str(cfg["ff"]), "--layers", str(cfg["layers"])]
    return out + ["--" + flag.replace("_", "-") for flag in SWITCHES if cfg[flag]]


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def java(*args: str, heap: Optional[str] = None) -> str:
    cmd = ["java"] + ([f"-Xmx{heap}"] if heap else []) + ["-jar", JAR] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r.stdout


def simulate(out_dir: str, seed: int, world: Dict[str, str]) -> None:
    """events.avro + truth.csv for one world and seed (skipped if present)."""
    events, truth = os.path.join(out_dir, "events.avro"), os.path.join(out_dir, "truth.csv")
    if os.path.exists(truth) and os.path.exists(events):
        return
    os.makedirs(out_dir, exist_ok=True)
    args = ["simulate", "--output", events + ".tmp", "--truth", truth + ".tmp", "--events", str(EVENTS),
            "--seed", str(seed), "--start-time", START, "--rate", str(RATE), "--sessions", str(SESSIONS)]
    for k, v in world.items():
        args += ["--world", f"{k}={v}"]
    t = time.time()
    java(*args)
    os.replace(events + ".tmp", events)
    os.replace(truth + ".tmp", truth)
    log(f"simulated {out_dir} ({time.time() - t:.0f}s)")


def export(src_dir: str, out: str, sequence_length: Optional[int] = None) -> None:
    if os.path.exists(os.path.join(out, "feature_spec.json")):
        return
    args = ["export-training-data", "--events", os.path.join(src_dir, "events.avro"),
            "--truth", os.path.join(src_dir, "truth.csv"), "--out", out + ".tmp"]
    if sequence_length:
        args += ["--sequence-length", str(sequence_length)]
    t = time.time()
    if os.path.exists(out + ".tmp"):
        subprocess.run(["rm", "-rf", out + ".tmp"], check=True)
    java(*args, heap="4g")
    os.replace(out + ".tmp", out)
    log(f"exported {out} ({time.time() - t:.0f}s)")


def seed_data(root: str, seed: int) -> str:
    """Data dir of a simulator seed with the default world (seed 42: the shipped model's data/fs1)."""
    if seed == SHIPPED_SEED:
        return os.path.join(root, "fs1")
    return os.path.join(root, f"seed{seed}", "fs1")


def world_data(root: str, name: str) -> str:
    if name == "default":
        return seed_data(root, SHIPPED_SEED)
    return os.path.join(root, "worlds", name, "fs1")


def ablation_data(root: str, name: str) -> str:
    seq = ABLATIONS[name].get("seq")
    if not seq or seq == 50:
        return seed_data(root, SHIPPED_SEED)
    return os.path.join(root, "ablations", f"L{seq}")


def step_data(root: str) -> None:
    """Every data set: seeds (default world), world ablations (seed 42), sequence-length variants (seed 42)."""
    simulate(root, SHIPPED_SEED, {})  # data/events.avro + truth.csv, as retrain.sh makes them
    export(root, seed_data(root, SHIPPED_SEED))
    for s in SEEDS:
        if s != SHIPPED_SEED:
            src = os.path.join(root, f"seed{s}")
            simulate(src, s, {})
            export(src, seed_data(root, s))
    for name in ABLATIONS:
        seq = ABLATIONS[name].get("seq")
        if seq and seq != 50:
            export(root, ablation_data(root, name), sequence_length=seq)
    for name, world in WORLDS.items():
        if name != "default":
            src = os.path.join(root, "worlds", name)
            simulate(src, SHIPPED_SEED, world)
            export(src, world_data(root, name))
            # the Avro file is only needed for the export; the truth CSV stays for oracle checks
            if os.path.exists(os.path.join(src, "events.avro")):
                os.remove(os.path.join(src, "events.avro"))



def train_run(data: str, out: str, *extra: str, max_train: Optional[int] = SUBSET, arch: Optional[Dict] = None,
              seed: int = SHIPPED_SEED) -> str:
    """Trains one subset-protocol model of the shipped architecture with ``arch`` overrides and training seed
    ``seed`` (initialisation, subset and batch order; skipped if ``out/model.pt`` exists); returns ``out``."""
    if os.path.exists(os.path.join(out, "model.pt")):
        return out
    os.makedirs(os.path.dirname(out), exist_ok=True)
    cmd = [sys.executable, "-m", "interest_model.train", "--data", data, "--out", out, "--epochs", "1",
           "--max-valid", str(VALID_SUBSET), "--threads", str(THREADS), "--no-progress", "--seed", str(seed)]
    if max_train:
        cmd += ["--max-train", str(max_train)]
    cmd += arch_args(**(arch or {})) + list(extra)
    t = time.time()
    with open(out + ".log", "w") as f:
        r = subprocess.run(cmd, cwd=HERE, stdout=f, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise RuntimeError(f"training failed, see {out}.log")
    log(f"trained {out} ({time.time() - t:.0f}s)")
    return out


def _load_json(path):
    with open(path) as f:
        return json.load(f)


def _save_json(obj, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump(obj, f, indent=2, allow_nan=True)
    os.replace(path + ".tmp", path)


def base_run(runs: str) -> str:
    """The subset-protocol model of seed 42, default world, L 50, shipped architecture: shared by all steps."""
    return os.path.join(runs, "ablate", "L50")


def evaluate_run(data: str, model: str, per_scenario: Optional[str] = None, bootstrap: int = 200,
                 strong_baselines: bool = False) -> Dict:
    """``strong_baselines`` (single features, GBDT) only where a table shows them: the GBDT fits cost
    minutes per evaluation, and the seed and world comparisons are between Transformers and the oracle."""
    out = os.path.join(model, "metrics.json")
    if os.path.exists(out) and (not per_scenario or _load_json(out).get("per_scenario_models")) \
            and (not strong_baselines or _load_json(out).get("baselines")):
        return _load_json(out)
    from . import evaluate
    t = time.time()
    r = evaluate.run(data, model, per_scenario=per_scenario, bootstrap=bootstrap, log=lambda *a: None,
                     strong_baselines=strong_baselines)
    r.pop("table", None)
    log(f"evaluated {model} ({time.time() - t:.0f}s)")
    return r


def _auc_summary(metrics: Dict, models=("oracle", "transformer", "per_scenario", "lr", "mlp", "popularity")) -> Dict:
    out = {}
    for g, m in metrics.items():
        out[g] = {k: {"auc": m[k]["auc"], "auc_ci": m[k].get("auc_ci"), "ece": m[k].get("ece"),
                      "gap_closed": m[k].get("gap_closed")} for k in models if k in m}
        out[g]["ctr"] = m["ctr"]
        out[g]["examples"] = m["examples"]
    return out


def step_seeds(root: str, runs: str) -> Dict:
    """Per simulator seed (default world): multi-scenario and per-scenario Transformers on the subset protocol,
    with the baselines and the oracle, on that seed's test split."""
    results = {}
    for s in SEEDS:
        data = seed_data(root, s)
        multi = base_run(runs) if s == SHIPPED_SEED else os.path.join(runs, "seeds", f"seed{s}", "multi")
        train_run(data, multi)
        ps = os.path.join(runs, "seeds", f"seed{s}", "per_scenario")
        for sid in (1, 2, 3):
            train_run(data, os.path.join(ps, f"s{sid}"), "--scenario", str(sid))
        ev = evaluate_run(data, multi, per_scenario=ps)
        results[f"seed{s}"] = {"seed": s, "data": data, "metrics": _auc_summary(ev["metrics"]),
                               "difference_ci": {g: m.get("auc_difference_ci") for g, m in ev["metrics"].items()}}
    _save_json({"protocol": protocol(), "seeds": results}, os.path.join(runs, "seeds.json"))
    return results


def _group_aucs(test, runs: List[str]) -> Dict:
    """Per scenario group of ``test``: the oracle's AUC and the mean (and each) AUC of the models in ``runs``."""
    from .metrics import auc, scenario_groups
    from .model import load_checkpoint
    from .train import predict
    y, o = test.label, test.arrays["oracle"]
    preds = [predict(load_checkpoint(r)[0], test)[:, 0] for r in runs]
    out = {}
    for g, rows in scenario_groups(test.scenario):
        per_seed = [auc(y[rows], p[rows]) for p in preds]
        out[g] = {"oracle": auc(y[rows], o[rows]), "transformer": float(np.mean(per_seed)),
                  "transformer_seeds": per_seed, "ctr": float(y[rows].mean()), "examples": int(rows.sum())}
    return out


def step_worlds(root: str, runs: str) -> Dict:
    """Per world ablation (seed 42 data): oracle AUC and the multi-scenario Transformer's AUC (subset protocol)
    on the test split, the Transformer's as a mean over ``WORLD_TRAIN_SEEDS`` training runs (each run's AUC is
    kept too); in TRANSFER_WORLDS also the NEWS per-scenario Transformer's AUC (the transfer gain)."""
    from .data import load_split
    from .metrics import auc
    from .model import load_checkpoint
    from .train import predict
    results = {}
    for name in WORLDS:
        data = world_data(root, name)
        cache = os.path.join(runs, "worlds", f"{name}.json")
        if os.path.exists(cache) and _load_json(cache).get("train_seeds") == list(WORLD_TRAIN_SEEDS):
            results[name] = _load_json(cache)
            continue
        multi, news_only = [], []
        for seed in WORLD_TRAIN_SEEDS:
            if seed == SHIPPED_SEED:
                run = base_run(runs) if name == "default" else os.path.join(runs, "worlds", name)
            else:
                run = os.path.join(runs, "worlds", "seeds", f"{name}-seed{seed}")
            multi.append(train_run(data, run, seed=seed))
            if name in TRANSFER_WORLDS:
                if seed == SHIPPED_SEED:
                    ps = (os.path.join(runs, "seeds", f"seed{SHIPPED_SEED}", "per_scenario", "s3") if name == "default"
                          else os.path.join(runs, "worlds", f"{name}-per-scenario", "s3"))
                else:
                    ps = os.path.join(runs, "worlds", "seeds", f"{name}-per-scenario-seed{seed}", "s3")
                news_only.append(train_run(data, ps, "--scenario", "3", seed=seed))
        test = load_split(data, "test")
        row = {"world": WORLDS[name], "effect": WORLD_EFFECTS.get(name, "none (defaults)"),
               "train_seeds": list(WORLD_TRAIN_SEEDS), **_group_aucs(test, multi)}
        if news_only:
            y, news = test.label, test.scenario == 3
            per_seed = [auc(y[news], predict(load_checkpoint(r)[0], test)[news, 0]) for r in news_only]
            row["NEWS"]["per_scenario"] = float(np.mean(per_seed))
            row["NEWS"]["per_scenario_seeds"] = per_seed
        row["train_examples"] = _load_json(os.path.join(multi[0], "training_curve.json"))["train_examples"]
        _save_json(row, cache)
        results[name] = row
        log(f"world {name}: oracle {row['OVERALL']['oracle']:.4f}, model {row['OVERALL']['transformer']:.4f} "
            f"(seeds {', '.join(f'{a:.4f}' for a in row['OVERALL']['transformer_seeds'])})")
    _save_json({"protocol": protocol(), "worlds": results}, os.path.join(runs, "worlds.json"))
    return results


def step_replicate(root: str, runs: str) -> Dict:
    """REPLICATED_WORLDS and the default world on simulator seed REPLICATION_SEED: the multi-scenario Transformer
    (subset protocol, WORLD_TRAIN_SEEDS) and the oracle on that seed's test split."""
    from .data import load_split
    results = {}
    for name in ("default",) + REPLICATED_WORLDS:
        if name == "default":
            data = seed_data(root, REPLICATION_SEED)
        else:
            src = os.path.join(root, "worlds", f"{name}-seed{REPLICATION_SEED}")
            data = os.path.join(src, "fs1")
            if not os.path.exists(os.path.join(data, "feature_spec.json")):
                simulate(src, REPLICATION_SEED, WORLDS[name])
                export(src, data)
                os.remove(os.path.join(src, "events.avro"))
        cache = os.path.join(runs, "replicate", f"{name}.json")
        if os.path.exists(cache) and _load_json(cache).get("train_seeds") == list(WORLD_TRAIN_SEEDS):
            results[name] = _load_json(cache)
            continue
        multi = []
        for seed in WORLD_TRAIN_SEEDS:
            if name == "default" and seed == SHIPPED_SEED:
                run = os.path.join(runs, "seeds", f"seed{REPLICATION_SEED}", "multi")
            else:
                run = os.path.join(runs, "replicate", f"{name}-seed{seed}")
            multi.append(train_run(data, run, seed=seed))
        row = {"world": WORLDS[name], "effect": WORLD_EFFECTS.get(name, "none (defaults)"),
               "simulator_seed": REPLICATION_SEED, "train_seeds": list(WORLD_TRAIN_SEEDS),
               **_group_aucs(load_split(data, "test"), multi)}
        _save_json(row, cache)
        results[name] = row
        log(f"replicate {name}: oracle {row['OVERALL']['oracle']:.4f}, model {row['OVERALL']['transformer']:.4f} "
            f"(seeds {', '.join(f'{a:.4f}' for a in row['OVERALL']['transformer_seeds'])})")
    _save_json({"protocol": protocol(), "simulator_seed": REPLICATION_SEED, "worlds": results},
               os.path.join(runs, "replicate.json"))
    return results


def bench(onnx_path: str, repeats: int = 3) -> Dict:
    """ONNX Runtime latency in Java (the job's session options): ms per call at batch 32, K = 100, one
    thread; the median of ``repeats`` 3-second measurements."""
    ms = []
    for _ in range(repeats):
        out = java("bench", "--model", onnx_path, "--any-spec", "--ceiling-only", "--batch-sizes", "32",
                   "--candidates", "100", "--threads", "1", "--seconds", "3",
                   "--out", os.path.join(os.path.dirname(onnx_path), "bench"))
        m = re.search(r"^\s*1\s+32\s+100\s+\S+\s+\S+\s+([0-9.]+)\s*$", out, re.M)
        if not m:
            raise RuntimeError(f"cannot parse bench output:\n{out}")
        ms.append(float(m.group(1)))
    return {"ms_per_call": float(np.median(ms)), "samples": ms}


def step_ablate(root: str, runs: str) -> Dict:
    """Model ablations (seed 42, subset protocol): validation AUC per scenario (full valid split: choices are
    made here, never on test) and Java ONNX Runtime latency at batch 32, K = 100."""
    from .data import load_split
    from .export import export_onnx
    from .metrics import auc, scenario_groups
    from .model import count_parameters, load_checkpoint
    from .train import predict
    results = {}
    for name, cfg in ABLATIONS.items():
        data = ablation_data(root, name)
        run = base_run(runs) if name == "L50" else os.path.join(runs, "ablate", name)
        train_run(data, run, arch=cfg)
        cache = os.path.join(run, "ablation.json")
        if os.path.exists(cache):
            results[name] = _load_json(cache)
            continue
        model, ckpt = load_checkpoint(run)
        valid = load_split(data, "valid")
        p = predict(model, valid)[:, 0]
        y, sc = valid.label, valid.scenario
        row = {"config": {"sequence_length": model.spec.sequence_length, **model.config},
               "parameters": count_parameters(model), "train_seconds": ckpt["train_seconds"],
               "valid_auc": {g: auc(y[r], p[r]) for g, r in scenario_groups(sc)}}
        onnx_path = os.path.join(run, "model.onnx")
        export_onnx(model, onnx_path)
        row["onnx_bytes"] = os.path.getsize(onnx_path)
        _save_json(row, cache)
        results[name] = row
        log(f"ablation {name}: valid AUC {row['valid_auc']['OVERALL']:.4f}")
    _save_json({"protocol": protocol(), "ablations": results}, os.path.join(runs, "ablate.json"))
    return results


def step_bench(root: str, runs: str) -> Dict:
    """Latency of every ablation model, back to back so that all are measured under the same load."""
    results = _load_json(os.path.join(runs, "ablate.json"))["ablations"]
    for name in ABLATIONS:
        run = base_run(runs) if name == "L50" else os.path.join(runs, "ablate", name)
        if "latency" not in results[name]:
            results[name]["latency"] = bench(os.path.join(run, "model.onnx"))
            _save_json(results[name], os.path.join(run, "ablation.json"))
            log(f"ablation {name}: {results[name]['latency']['ms_per_call']:.1f} ms per call")
    _save_json({"protocol": protocol(), "ablations": results}, os.path.join(runs, "ablate.json"))
    return results


def write_taobao_like(path: str, rows: int = 120_000, users: int = 3000, seed: int = 5) -> None:
    """A small file in the Taobao UserBehavior format (user_id,item_id,category_id,behavior_type,timestamp,
    sorted by timestamp), with users who prefer a few categories, to exercise the real-data path here
    (the real dataset is not on this machine). Not a stand-in for its statistics."""
    rng = np.random.default_rng(seed)
    cats = 60
    pref = rng.dirichlet(np.full(cats, 0.2), size=users)
    start = 1_511_539_200  # 2017-11-25 00:00 UTC, the dataset's first day
    t = np.sort(rng.integers(start, start + 2 * 86_400, size=rows))
    u = rng.integers(0, users, size=rows)
    c = np.array([rng.choice(cats, p=pref[x]) for x in u])
    item = c * 1000 + np.minimum(rng.zipf(1.6, size=rows), 999)
    behavior = rng.choice(["pv", "pv", "pv", "pv", "pv", "pv", "pv", "pv", "cart", "fav", "buy"], size=rows)
    with open(path, "w") as f:
        for i in range(rows):
            f.write(f"{u[i] + 1},{item[i]},{c[i] + 1},{behavior[i]},{t[i]}\n")


def step_taobao_smoke(root: str, runs: str) -> Dict:
    """The Taobao path end to end on a generated file: Java import, training, evaluation without an oracle."""
    src = os.path.join(root, "taobao-smoke")
    data = os.path.join(src, "fs1")
    os.makedirs(src, exist_ok=True)
    csv = os.path.join(src, "UserBehavior.csv")
    if not os.path.exists(csv):
        write_taobao_like(csv)
    if not os.path.exists(os.path.join(data, "feature_spec.json")):
        java("export-training-data", "--taobao", csv, "--out", data, "--negatives", "4", heap="2g")
    run = os.path.join(runs, "taobao-smoke")
    train_run(data, run, max_train=None)
    ev = evaluate_run(data, run, strong_baselines=True)
    out = {"data": data, "spec_source": _load_json(os.path.join(data, "feature_spec.json")).get("source"),
           "metrics": _auc_summary(ev["metrics"], models=("transformer", "gbdt_binary", "gbdt_rank", "best_feature",
                                                          "repeat_item", "category_share", "lr", "mlp", "popularity",
                                                          "heuristic")),
           "best_feature": (ev.get("baselines") or {}).get("best_feature"),
           "top_k": {k: ev["metrics"]["OVERALL"][k].get("hr@10") for k in ("transformer", "popularity", "lr")},
           "splits": ev["splits"]}
    _save_json(out, os.path.join(runs, "taobao_smoke.json"))
    log(f"taobao smoke: AUC {out['metrics']['OVERALL']['transformer']['auc']:.4f}")
    return out


def step_diagnostics(root: str, runs: str, main_run: str) -> Dict:
    """Where the remaining gap lies (seed 42 test split): the shipped model against the oracle by history
    length, and a Transformer trained on the oracle's probabilities instead of clicks (what the inputs support
    with noise-free labels)."""
    from .data import load_split
    from .metrics import auc, scenario_groups
    from .model import load_checkpoint
    from .train import predict
    cache = os.path.join(runs, "diagnostics.json")
    if os.path.exists(cache):
        return _load_json(cache)
    data = seed_data(root, SHIPPED_SEED)
    test = load_split(data, "test")
    y, sc, o = test.label, test.scenario, test.arrays["oracle"].astype(np.float64)
    groups = scenario_groups(sc)
    out = {"oracle_variants": {"oracle": {g: auc(y[r], o[r]) for g, r in groups}}}
    shipped = dict(np.load(os.path.join(main_run, "predictions_test.npz")))
    p = shipped["transformer"]
    lengths = test.lengths
    rows = []
    for lo, hi in ((0, 1), (1, 5), (5, 15), (15, 30), (30, 50), (50, 51)):
        r = (lengths >= lo) & (lengths < hi)
        rows.append({"history": f"{lo}-{hi - 1}" if hi - 1 > lo else str(lo), "share": float(r.mean()),
                     "transformer": auc(y[r], p[r]), "oracle": auc(y[r], o[r])})
    out["by_history_length"] = rows
    soft = os.path.join(runs, "explore", "oracle_target")
    train_run(data, soft, "--target", "oracle")
    for name, d in (("subset model, click labels", base_run(runs)), ("subset model, oracle as target", soft)):
        m, _ = load_checkpoint(d)
        q = predict(m, test)[:, 0]
        out.setdefault("soft_target", {})[name] = {g: auc(y[r], q[r]) for g, r in groups}
    _save_json(out, cache)
    return out


def protocol() -> Dict:
    return {"events": EVENTS, "rate": RATE, "sessions": SESSIONS, "start": START, "seeds": list(SEEDS),
            "world_train_seeds": list(WORLD_TRAIN_SEEDS), "architecture": BASE,
            "subset_train_rows": SUBSET, "valid_rows_for_training": VALID_SUBSET, "epochs": 1, "threads": THREADS}


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m interest_model.experiments", description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("data", "seeds", "worlds", "replicate", "ablate", "bench", "taobao-smoke",
                                     "diagnostics", "all"))
    ap.add_argument("--main", default=os.path.join(HERE, "runs", "fs1"), help="the shipped model's run (diagnostics)")
    ap.add_argument("--data-root", default=os.path.join(REPO, "data"))
    ap.add_argument("--runs", default=os.path.join(HERE, "runs", "experiments"))
    a = ap.parse_args(argv)
    if a.step in ("data", "all"):
        step_data(a.data_root)
    if a.step in ("ablate", "all"):
        step_ablate(a.data_root, a.runs)
    if a.step in ("bench", "all"):
        step_bench(a.data_root, a.runs)
    if a.step in ("seeds", "all"):
        step_seeds(a.data_root, a.runs)
    if a.step in ("worlds", "all"):
        step_worlds(a.data_root, a.runs)
    if a.step in ("replicate", "all"):
        step_replicate(a.data_root, a.runs)
    if a.step in ("taobao-smoke", "all"):
        step_taobao_smoke(a.data_root, a.runs)
    if a.step in ("diagnostics", "all"):
        step_diagnostics(a.data_root, a.runs, a.main)
    return 0


if __name__ == "__main__":
    sys.exit(main())
