"""Loading one split of a data directory (layout written by ``export-training-data``) and batching it.

Arrays stay in their narrow on-disk dtypes in memory (int8/int16/int32) and are cast per mini-batch:
ids to int64 for torch, floats to float32.
"""

from __future__ import annotations

import os
from typing import Dict, Iterator, Optional, Tuple

import numpy as np
import torch

from .spec import INPUT_NAMES, SEQ_INPUTS, FeatureSpec, load_spec

EXTRA_ARRAYS = ("label", "oracle", "heuristic", "paper", "event_time", "user_id")
SPLITS = ("train", "valid", "test")


class DataError(ValueError):
    """A split folder does not match the feature spec."""


def _bounds(spec: FeatureSpec) -> Dict[str, int]:
    """Exclusive upper bound of every integer input."""
    return {
        "seq_item": spec.item_buckets, "cand_item": spec.item_buckets,
        "seq_category": spec.category_buckets, "cand_category": spec.category_buckets,
        "seq_action": spec.action_count, "seq_scenario": spec.scenario_count,
        "seq_age": spec.age_buckets, "seq_dwell": spec.dwell_buckets,
        "scenario": spec.scenario_count,
    }


class Split:
    """One split: the 11 model inputs plus label/oracle/heuristic/paper/event_time/user_id (numpy)."""

    def __init__(self, name: str, spec: FeatureSpec, arrays: Dict[str, np.ndarray]):
        self.name = name
        self.spec = spec
        self.arrays = arrays
        self.n = int(arrays["label"].shape[0])
        self._lengths = None

    def __len__(self) -> int:
        return self.n

    @property
    def label(self) -> np.ndarray:
        return self.arrays["label"]

    @property
    def scenario(self) -> np.ndarray:
        return self.arrays["scenario"].astype(np.int64)

    def inputs(self, idx=None) -> Dict[str, torch.Tensor]:
        """Model inputs for rows ``idx`` (all rows if None): ids int64, floats float32."""
        out = {}
        for name in INPUT_NAMES:
            a = self.arrays[name] if idx is None else self.arrays[name][idx]
            if np.issubdtype(a.dtype, np.integer):
                out[name] = torch.from_numpy(a.astype(np.int64, copy=False))
            else:
                out[name] = torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))
        return out

    def labels(self, idx=None) -> torch.Tensor:
        a = self.label if idx is None else self.label[idx]
        return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))

    @property
    def lengths(self) -> np.ndarray:
        """Per row: index of the last non-padding sequence position + 1 (0 for an empty sequence)."""
        if getattr(self, "_lengths", None) is None:
            nz = self.arrays["seq_item"] != 0
            L = nz.shape[1]
            self._lengths = np.where(nz.any(axis=1), L - np.argmax(nz[:, ::-1], axis=1), 0)
        return self._lengths

    def batches(self, batch_size: int, shuffle: bool = False, seed: int = 0, epoch: int = 0,
                bucket: bool = False) -> Iterator[Tuple[Dict[str, torch.Tensor], torch.Tensor]]:
        """Yields (inputs, labels); with ``shuffle`` the order depends only on (seed, epoch).

        With ``bucket`` (training), rows are shuffled, grouped into chunks of 50 batches, sorted by sequence
        length within a chunk and cut into batches whose order is shuffled again: batches of short histories
        can then be trimmed (see ``trim_sequences``), which makes an epoch several times faster when most
        histories are short."""
        if shuffle:
            rng = np.random.default_rng([seed, epoch])
            order = rng.permutation(self.n)
        else:
            rng = None
            order = np.arange(self.n)
        if bucket and shuffle:
            chunk = batch_size * 50
            pieces = []
            for start in range(0, self.n, chunk):
                part = order[start:start + chunk]
                part = part[np.argsort(self.lengths[part], kind="stable")]
                pieces.extend(part[i:i + batch_size] for i in range(0, len(part), batch_size))
            batches = [pieces[i] for i in rng.permutation(len(pieces))]
        else:
            batches = [order[i:i + batch_size] for i in range(0, self.n, batch_size)]
        for idx in batches:
            if shuffle:
                idx = np.sort(idx)  # faster gathers; the batch's content is what matters
            yield self.inputs(idx), self.labels(idx)

    def num_batches(self, batch_size: int) -> int:
        return (self.n + batch_size - 1) // batch_size

    def subset(self, idx: np.ndarray) -> "Split":
        return Split(self.name, self.spec, {k: v[idx] for k, v in self.arrays.items()})


def trim_sequences(inputs: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Drops trailing sequence columns that are padding in every row of the batch.

    Exact: padded keys are masked everywhere, and the model slices its position table to the length it
    gets. Saves time on batches of short histories; the exported graph always takes the full length.
    """
    used = torch.nonzero((inputs["seq_item"] != 0).any(dim=0))
    length = int(used.max()) + 1 if used.numel() else 1
    if length == inputs["seq_item"].shape[1]:
        return inputs
    out = dict(inputs)
    for name in SEQ_INPUTS:
        out[name] = inputs[name][:, :length]
    return out


def _check(name: str, a: np.ndarray, spec: FeatureSpec, n: Optional[int], path: str) -> None:
    L, U, C = spec.sequence_length, spec.user_dense_dim, spec.candidate_dense_dim
    expect = {
        **{s: (2, (n, L)) for s in SEQ_INPUTS},
        "user_dense": (2, (n, U)), "scenario": (1, (n,)),
        "cand_item": (2, (n, None)), "cand_category": (2, (n, None)), "cand_dense": (3, (n, None, C)),
        "label": (1, (n,)), "oracle": (1, (n,)), "heuristic": (1, (n,)),
        "paper": (2, (n, len(spec.paper_features))), "event_time": (1, (n,)), "user_id": (1, (n,)),
    }[name]
    ndim, shape = expect
    if a.ndim != ndim or any(e is not None and e != s for e, s in zip(shape, a.shape)):
        want = tuple("N" if e is None and i == 0 else ("K" if e is None else e) for i, e in enumerate(shape))
        raise DataError(f"{path}: {name}.npy has shape {a.shape}, expected {want}")
    is_int_input = name in _bounds(spec) or name in ("event_time", "user_id")
    if is_int_input and not np.issubdtype(a.dtype, np.integer):
        raise DataError(f"{path}: {name}.npy must hold integers, has {a.dtype}")
    if not is_int_input and not np.issubdtype(a.dtype, np.floating):
        raise DataError(f"{path}: {name}.npy must hold floats, has {a.dtype}")


def load_split(data_dir: str, split: str, spec: Optional[FeatureSpec] = None,
               max_examples: Optional[int] = None, seed: int = 0, validate: bool = True) -> Split:
    """Loads ``data_dir/split``. With ``max_examples`` a fixed-seed random subset (kept in time order)."""
    if spec is None:
        spec = load_spec(data_dir)
    path = os.path.join(data_dir, split)
    if not os.path.isdir(path):
        raise DataError(f"split folder not found: {path}")
    arrays: Dict[str, np.ndarray] = {}
    n = None
    for name in list(INPUT_NAMES) + list(EXTRA_ARRAYS):
        f = os.path.join(path, name + ".npy")
        if not os.path.exists(f):
            raise DataError(f"{path}: missing {name}.npy")
        a = np.load(f, allow_pickle=False)
        if n is None:
            n = a.shape[0] if a.ndim > 0 else None
        _check(name, a, spec, n, path)
        arrays[name] = a
    k = arrays["cand_item"].shape[1]
    if arrays["cand_category"].shape[1] != k or arrays["cand_dense"].shape[1] != k:
        raise DataError(f"{path}: cand_item, cand_category and cand_dense disagree on the candidate count")
    if validate and n:
        for name, hi in _bounds(spec).items():
            a = arrays[name]
            lo_v, hi_v = int(a.min()), int(a.max())
            if lo_v < 0 or hi_v >= hi:
                raise DataError(f"{path}: {name}.npy values lie in [{lo_v}, {hi_v}], must lie in [0, {hi})")
        for name in ("user_dense", "cand_dense", "label", "heuristic", "paper"):
            if not np.all(np.isfinite(arrays[name])):
                raise DataError(f"{path}: {name}.npy holds non-finite values")
        lab = arrays["label"]
        if not np.all((lab == 0) | (lab == 1)):
            raise DataError(f"{path}: label.npy must hold 0/1")
    if max_examples is not None and n is not None and n > max_examples:
        idx = np.sort(np.random.default_rng(seed).choice(n, size=max_examples, replace=False))
        arrays = {k2: v[idx] for k2, v in arrays.items()}
    return Split(split, spec, arrays)
