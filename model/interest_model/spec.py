"""Loading and validating ``feature_spec.json`` (the contract written by the Java exporter)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

from . import SUPPORTED_FEATURE_SPEC_VERSION

#: The inputs of the model, in the order of the contract; the spec must list exactly these.
INPUT_NAMES: Tuple[str, ...] = (
    "seq_item", "seq_category", "seq_action", "seq_scenario", "seq_age", "seq_dwell",
    "user_dense", "scenario", "cand_item", "cand_category", "cand_dense",
)
SEQ_INPUTS: Tuple[str, ...] = INPUT_NAMES[:6]
OUTPUT_NAME = "score"

_INT_KEYS = ("sequence_length", "item_buckets", "category_buckets", "action_count", "scenario_count",
             "age_buckets", "dwell_buckets")


class SpecError(ValueError):
    """The feature spec is missing, malformed, or of a version this code does not understand."""


@dataclass(frozen=True)
class FeatureSpec:
    version: str
    sequence_length: int
    item_buckets: int
    category_buckets: int
    action_count: int
    scenario_count: int
    age_buckets: int
    dwell_buckets: int
    user_dense: Tuple[str, ...]
    candidate_dense: Tuple[str, ...]
    paper_features: Tuple[str, ...]
    inputs: Tuple[Dict[str, Any], ...]
    outputs: Tuple[Dict[str, Any], ...]
    scenarios: Dict[int, str]
    splits: Dict[str, Dict[str, Any]]
    raw: Dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def input_names(self) -> List[str]:
        return [i["name"] for i in self.inputs]

    def input(self, name: str) -> Dict[str, Any]:
        for i in self.inputs:
            if i["name"] == name:
                return i
        raise KeyError(name)

    @property
    def user_dense_dim(self) -> int:
        return len(self.user_dense)

    @property
    def candidate_dense_dim(self) -> int:
        return len(self.candidate_dense)

    def scenario_ids(self) -> List[int]:
        """Request scenario ids, ascending (1 = ECOMMERCE, 2 = SOCIAL, 3 = NEWS in fs-1)."""
        return sorted(self.scenarios)

    def metadata(self) -> Dict[str, str]:
        """The spec's numbers as ONNX metadata_props (all values strings)."""
        md = {"feature_spec_version": self.version}
        for k in _INT_KEYS:
            md[k] = str(getattr(self, k))
        md["user_dense"] = ",".join(self.user_dense)
        md["candidate_dense"] = ",".join(self.candidate_dense)
        return md

    def to_dict(self) -> Dict[str, Any]:
        return dict(self.raw)


def _require(cond: bool, msg: str) -> None:
    if not cond:
        raise SpecError(msg)


def spec_from_dict(d: Dict[str, Any], source: str = "<dict>") -> FeatureSpec:
    _require(isinstance(d, dict), f"{source}: feature spec must be a JSON object")
    version = d.get("feature_spec_version")
    _require(version == SUPPORTED_FEATURE_SPEC_VERSION,
             f"{source}: feature_spec_version is {version!r}, but this code only understands "
             f"{SUPPORTED_FEATURE_SPEC_VERSION!r}; retrain with a matching interest_model version "
             f"or regenerate the data with a matching exporter")
    for k in _INT_KEYS:
        v = d.get(k)
        _require(isinstance(v, int) and not isinstance(v, bool) and v > 0,
                 f"{source}: {k} must be a positive integer, was {v!r}")
    for k in ("user_dense", "candidate_dense", "paper_features"):
        v = d.get(k)
        _require(isinstance(v, list) and len(v) > 0 and all(isinstance(x, str) for x in v),
                 f"{source}: {k} must be a non-empty list of names, was {v!r}")
    inputs = d.get("inputs")
    _require(isinstance(inputs, list), f"{source}: inputs must be a list")
    names = [i.get("name") for i in inputs]
    _require(tuple(names) == INPUT_NAMES,
             f"{source}: inputs must be exactly {list(INPUT_NAMES)} in this order, were {names}")
    L = d["sequence_length"]
    expected = {n: ("int32", ["batch", L]) for n in SEQ_INPUTS}
    expected.update({
        "user_dense": ("float32", ["batch", len(d["user_dense"])]),
        "scenario": ("int32", ["batch"]),
        "cand_item": ("int32", ["batch", "candidates"]),
        "cand_category": ("int32", ["batch", "candidates"]),
        "cand_dense": ("float32", ["batch", "candidates", len(d["candidate_dense"])]),
    })
    for i in inputs:
        dt, shape = expected[i["name"]]
        _require(i.get("dtype") == dt, f"{source}: input {i['name']} must have dtype {dt}, was {i.get('dtype')!r}")
        _require(list(i.get("shape", [])) == shape,
                 f"{source}: input {i['name']} must have shape {shape}, was {i.get('shape')!r}")
    outputs = d.get("outputs")
    _require(isinstance(outputs, list) and len(outputs) == 1 and outputs[0].get("name") == OUTPUT_NAME,
             f"{source}: outputs must be a single output named {OUTPUT_NAME!r}, were {outputs!r}")
    _require(outputs[0].get("dtype") == "float32" and list(outputs[0].get("shape", [])) == ["batch", "candidates"],
             f"{source}: output score must be float32 [batch, candidates]")
    scen = d.get("scenarios")
    _require(isinstance(scen, dict) and len(scen) > 0, f"{source}: scenarios must be a non-empty object")
    try:
        scenarios = {int(k): str(v) for k, v in scen.items()}
    except ValueError as e:
        raise SpecError(f"{source}: scenario ids must be integers: {e}") from None
    _require(all(0 < s < d["scenario_count"] for s in scenarios),
             f"{source}: scenario ids must lie in [1, scenario_count={d['scenario_count']}), were {sorted(scenarios)}")
    splits = d.get("splits", {})
    _require(isinstance(splits, dict), f"{source}: splits must be an object")
    return FeatureSpec(
        version=version,
        sequence_length=L,
        item_buckets=d["item_buckets"],
        category_buckets=d["category_buckets"],
        action_count=d["action_count"],
        scenario_count=d["scenario_count"],
        age_buckets=d["age_buckets"],
        dwell_buckets=d["dwell_buckets"],
        user_dense=tuple(d["user_dense"]),
        candidate_dense=tuple(d["candidate_dense"]),
        paper_features=tuple(d["paper_features"]),
        inputs=tuple(dict(i) for i in inputs),
        outputs=tuple(dict(o) for o in outputs),
        scenarios=scenarios,
        splits={k: dict(v) for k, v in splits.items()},
        raw=json.loads(json.dumps(d)),
    )


def load_spec(path: str) -> FeatureSpec:
    """Loads ``feature_spec.json``; ``path`` may be the file or the data directory holding it."""
    if os.path.isdir(path):
        path = os.path.join(path, "feature_spec.json")
    if not os.path.exists(path):
        raise SpecError(f"feature spec not found: {path}")
    with open(path, "r", encoding="utf-8") as f:
        try:
            d = json.load(f)
        except json.JSONDecodeError as e:
            raise SpecError(f"{path}: not valid JSON: {e}") from None
    return spec_from_dict(d, source=path)
