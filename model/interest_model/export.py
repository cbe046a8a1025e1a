"""Exports a trained model to ONNX (opset 17) with the spec's metadata, and writes golden vectors.

    python3 -m interest_model.export --model runs/fs1 --spec /work/data/fs1/feature_spec.json \\
        --out interest-model.onnx --golden golden [--data /work/data/fs1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import warnings
from typing import Dict, List, Optional, Tuple

import numpy as np
import onnx
import torch

from .data import load_split
from .model import InterestModel, count_parameters, load_checkpoint, model_version
from .spec import INPUT_NAMES, OUTPUT_NAME, FeatureSpec, SpecError, load_spec

OPSET = 17
MAX_BYTES = 20 * 1024 * 1024
GOLDEN_CASES: Tuple[Tuple[int, int], ...] = ((1, 1), (3, 7), (32, 100))
GOLDEN_TOLERANCE = 1e-4
ONNX_NP_DTYPE = {"int32": np.int32, "float32": np.float32}


def dynamic_axes(spec: FeatureSpec) -> Dict[str, Dict[int, str]]:
    axes = {}
    for i in spec.inputs:
        axes[i["name"]] = {d: s for d, s in enumerate(i["shape"]) if isinstance(s, str)}
    axes[OUTPUT_NAME] = {0: "batch", 1: "candidates"}
    return axes


def example_inputs(spec: FeatureSpec, batch: int = 2, candidates: int = 3, seed: int = 0) -> Dict[str, torch.Tensor]:
    """Random valid inputs in the ONNX dtypes (int32 ids, float32 features)."""
    return {k: torch.from_numpy(v) for k, v in synthetic_inputs(spec, batch, candidates, seed).items()}


def synthetic_inputs(spec: FeatureSpec, batch: int, candidates: int, seed: int = 0) -> Dict[str, np.ndarray]:
    """Random but valid users and candidates (numpy, ONNX dtypes); row 0's sequence is full."""
    rng = np.random.default_rng(seed)
    L = spec.sequence_length
    lengths = rng.integers(1, L + 1, size=batch)
    lengths[0] = L
    valid = np.arange(L)[None, :] < lengths[:, None]
    scen_ids = spec.scenario_ids()

    def ids(hi, shape):
        return rng.integers(1, hi, size=shape).astype(np.int32)

    out = {
        "seq_item": ids(spec.item_buckets, (batch, L)),
        "seq_category": ids(spec.category_buckets, (batch, L)),
        "seq_action": ids(spec.action_count, (batch, L)),
        "seq_scenario": rng.choice(scen_ids, size=(batch, L)).astype(np.int32),
        "seq_age": np.minimum(spec.age_buckets - 1, 1 + np.arange(L)[None, :] // 3
                              + rng.integers(0, 4, size=(batch, L))).astype(np.int32),
        "seq_dwell": ids(spec.dwell_buckets, (batch, L)),
    }
    for k in list(out):
        out[k] = np.where(valid, out[k], 0).astype(np.int32)
    out["user_dense"] = np.log1p(np.abs(rng.normal(scale=5.0, size=(batch, spec.user_dense_dim)))).astype(np.float32)
    out["scenario"] = rng.choice(scen_ids, size=batch).astype(np.int32)
    out["cand_item"] = ids(spec.item_buckets, (batch, candidates))
    out["cand_category"] = ids(spec.category_buckets, (batch, candidates))
    out["cand_dense"] = rng.uniform(0.0, 3.0, size=(batch, candidates, spec.candidate_dense_dim)).astype(np.float32)
    return out


def export_onnx(model: InterestModel, path: str) -> onnx.ModelProto:
    """Exports, checks, adds metadata, and saves to ``path``; returns the saved ModelProto."""
    spec = model.spec
    model.eval()
    model.serving()
    args = tuple(example_inputs(spec, 2, 3)[n] for n in INPUT_NAMES)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    # Export with autograd enabled: under no_grad, eval-mode TransformerEncoderLayer takes its fused fast
    # path (torch._transformer_encoder_layer_fwd), which has no ONNX symbolic.
    with torch.enable_grad(), warnings.catch_warnings():
        # torch's own MultiheadAttention shape asserts trip the tracer; they only check shapes.
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning, module=r"torch\.nn\.functional")
        torch.onnx.export(model, args, path, input_names=list(INPUT_NAMES), output_names=[OUTPUT_NAME],
                          dynamic_axes=dynamic_axes(spec), opset_version=OPSET, do_constant_folding=True)
    proto = onnx.load(path)
    version = model_version(model)
    meta = {"model_version": version, **spec.metadata()}
    del proto.metadata_props[:]
    for k, v in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = k, v
    proto.producer_name = "interest_model"
    proto.doc_string = (f"interest-stream multi-scenario Transformer {version}; inputs and metadata follow feature "
                        f"spec {spec.version}; output score [batch, candidates] in (0, 1).")
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        raise RuntimeError(f"{path} is {size} bytes, over the {MAX_BYTES}-byte budget")
    return proto


def _pick_rows(rng, n: int, count: int, prefer: Optional[np.ndarray] = None) -> np.ndarray:
    if prefer is not None and len(prefer) >= count:
        return rng.choice(prefer, size=count, replace=False)
    return rng.choice(n, size=count, replace=n < count)


def golden_inputs(spec: FeatureSpec, batch: int, candidates: int, split=None, seed: int = 0):
    """Inputs for one golden case -> (arrays in ONNX dtypes, notes).

    Users come from ``split`` (the test split) when given, else are synthetic. Candidates: the first is the
    user's impressed item when it comes from the split, the rest are (item, category, cand_dense) triples of
    other test rows (realistic buckets and dense values) or random valid ones. With batch > 1 the last user
    has an empty sequence and the last candidate of user 0 is padding (id 0)."""
    rng = np.random.default_rng([seed, batch, candidates])
    notes = {"source": "test split" if split is not None else "synthetic", "padding_candidates": [],
             "empty_sequence_users": []}
    if split is None:
        arr = synthetic_inputs(spec, batch, candidates, seed=int(rng.integers(1 << 30)))
    else:
        a = split.arrays
        has_seq = np.flatnonzero(a["seq_item"][:, 0] != 0)
        empty = np.flatnonzero(a["seq_item"][:, 0] == 0)
        rows = _pick_rows(rng, split.n, batch, has_seq)
        if batch > 1 and len(empty):
            rows[-1] = rng.choice(empty)
        arr = {n: a[n][rows].astype(np.int32) for n in INPUT_NAMES[:6]}
        arr["user_dense"] = a["user_dense"][rows].astype(np.float32)
        arr["scenario"] = a["scenario"][rows].astype(np.int32)
        others = rng.integers(0, split.n, size=(batch, candidates))
        others[:, 0] = rows
        arr["cand_item"] = a["cand_item"][others, 0].astype(np.int32)
        arr["cand_category"] = a["cand_category"][others, 0].astype(np.int32)
        arr["cand_dense"] = a["cand_dense"][others, 0].astype(np.float32)
        notes["test_rows"] = [int(r) for r in rows]
    if batch > 1:
        for n in INPUT_NAMES[:6]:
            arr[n][-1, :] = 0
        notes["empty_sequence_users"] = [batch - 1]
        if candidates > 1:
            arr["cand_item"][0, -1] = 0
            arr["cand_category"][0, -1] = 0
            arr["cand_dense"][0, -1, :] = 0.0
            notes["padding_candidates"] = [[0, candidates - 1]]
    for i in spec.inputs:
        arr[i["name"]] = np.ascontiguousarray(arr[i["name"]], dtype=ONNX_NP_DTYPE[i["dtype"]])
    return arr, notes


def write_golden(model: InterestModel, out_dir: str, split=None, cases=GOLDEN_CASES, seed: int = 0) -> Dict:
    """Writes golden/b{B}_k{K}/<input>.npy + score.npy and golden/manifest.json; returns the manifest."""
    spec = model.spec
    model.eval()
    if os.path.isdir(out_dir):
        for entry in os.listdir(out_dir):
            if entry.startswith("b") and "_k" in entry and os.path.isdir(os.path.join(out_dir, entry)):
                shutil.rmtree(os.path.join(out_dir, entry))
    os.makedirs(out_dir, exist_ok=True)
    manifest = {
        "model_version": model_version(model),
        "feature_spec_version": spec.version,
        "tolerance": GOLDEN_TOLERANCE,
        "tolerance_kind": "max absolute difference of score",
        "inputs": [{"name": i["name"], "dtype": i["dtype"], "shape": i["shape"]} for i in spec.inputs],
        "output": {"name": OUTPUT_NAME, "dtype": "float32", "shape": ["batch", "candidates"]},
        "produced_by": "PyTorch %s, eval mode, no_grad" % torch.__version__,
        "cases": [],
    }
    for b, k in cases:
        arr, notes = golden_inputs(spec, b, k, split, seed)
        with torch.no_grad():
            score = model(**{n: torch.from_numpy(arr[n]) for n in INPUT_NAMES}).numpy().astype(np.float32)
        name = f"b{b}_k{k}"
        d = os.path.join(out_dir, name)
        os.makedirs(d, exist_ok=True)
        for n in INPUT_NAMES:
            np.save(os.path.join(d, n + ".npy"), arr[n])
        np.save(os.path.join(d, OUTPUT_NAME + ".npy"), score)
        manifest["cases"].append({"name": name, "dir": name, "batch": b, "candidates": k,
                                  "files": [n + ".npy" for n in INPUT_NAMES] + [OUTPUT_NAME + ".npy"], **notes})
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    return manifest


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m interest_model.export", description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="training output dir (or its model.pt)")
    ap.add_argument("--spec", required=True, help="feature_spec.json the job will feed (must match the model's)")
    ap.add_argument("--out", required=True, help="ONNX file to write")
    ap.add_argument("--golden", help="directory for golden vectors (omit to skip)")
    ap.add_argument("--data", help="data dir whose test split supplies golden users (else synthetic users)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    try:
        spec = load_spec(args.spec)
    except SpecError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    model, ckpt = load_checkpoint(args.model)
    if model.spec.metadata() != spec.metadata():
        diff = {k: (model.spec.metadata().get(k), v) for k, v in spec.metadata().items()
                if model.spec.metadata().get(k) != v}
        print(f"error: the model was trained on a different feature spec; (model, --spec) differ in {diff}",
              file=sys.stderr)
        return 2
    proto = export_onnx(model, args.out)
    version = {p.key: p.value for p in proto.metadata_props}["model_version"]
    print(f"wrote {args.out}: {os.path.getsize(args.out)} bytes, {count_parameters(model)} parameters, "
          f"opset {OPSET}, model_version {version}")
    if args.golden:
        split = load_split(args.data, "test", spec) if args.data else None
        manifest = write_golden(model, args.golden, split, seed=args.seed)
        print(f"wrote golden vectors to {args.golden}: " + ", ".join(c["name"] for c in manifest["cases"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
