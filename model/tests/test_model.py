"""(a) The model's forward pass, plus the spec, data and metric helpers it relies on."""

import itertools
import json
import os
import tempfile
import unittest

import numpy as np
import torch

from interest_model.data import load_split, trim_sequences
from interest_model.export import example_inputs
from interest_model.metrics import auc, logloss
from interest_model.model import InterestModel, load_checkpoint, model_version
from interest_model.spec import INPUT_NAMES, SpecError, load_spec, spec_from_dict

from .helpers import small_spec
from .synthetic import make_dataset, make_spec


def make_model(seed=0, **kw):
    torch.manual_seed(seed)
    return InterestModel(small_spec(), **kw).eval()


class ForwardTest(unittest.TestCase):

    def test_shapes_and_range(self):
        model = make_model()
        for b, k in [(1, 1), (2, 5), (4, 1), (3, 17)]:
            x = example_inputs(model.spec, b, k, seed=b * 100 + k)
            with torch.no_grad():
                s = model(**x)
            self.assertEqual(tuple(s.shape), (b, k))
            self.assertEqual(s.dtype, torch.float32)
            self.assertTrue(torch.all((s > 0) & (s < 1)), s)

    def test_positional_args_in_spec_order(self):
        model = make_model()
        x = example_inputs(model.spec, 2, 3)
        with torch.no_grad():
            a = model(**x)
            b = model(*[x[n] for n in model.spec.input_names])
        torch.testing.assert_close(a, b)

    def test_empty_sequence_and_padding_candidates_are_finite(self):
        model = make_model()
        x = example_inputs(model.spec, 3, 4)
        for n in INPUT_NAMES[:6]:
            x[n][1] = 0                         # user 1: empty sequence
        x["cand_item"][0, 2:] = 0               # user 0: two padding candidates
        x["cand_category"][0, 2:] = 0
        x["cand_dense"][0, 2:] = 0
        for training in (False, True):
            model.train(training)
            s = model(**x)
            self.assertTrue(torch.isfinite(s).all(), s)
            self.assertTrue(torch.all((s > 0) & (s < 1)))
        # every user with an empty sequence
        model.eval()
        for n in INPUT_NAMES[:6]:
            x[n] = torch.zeros_like(x[n])
        with torch.no_grad():
            self.assertTrue(torch.isfinite(model(**x)).all())

    def test_accepts_int32_and_int64(self):
        model = make_model()
        x = example_inputs(model.spec, 2, 3)
        x64 = {k: (v.long() if not v.is_floating_point() else v) for k, v in x.items()}
        with torch.no_grad():
            torch.testing.assert_close(model(**x), model(**x64))

    def test_encoder_runs_once_per_user(self):
        model = make_model()
        calls = []
        original = model._encoder_layer

        def counting(layer, x, pad):
            calls.append(tuple(x.shape))
            return original(layer, x, pad)

        model._encoder_layer = counting
        b, k = 3, 11
        x = example_inputs(model.spec, b, k)
        with torch.no_grad():
            model(**x)
        self.assertEqual(calls, [(b, model.spec.sequence_length + 1, model.config["d_model"])] * model.config["layers"])

    def test_encoder_layers_match_torch_transformer_encoder(self):
        """The hand-written encoder layer (for its subnormal-free softmax) computes what
        nn.TransformerEncoder computes with its -inf key padding mask, on unpadded positions."""
        for layers in (1, 2):
            model = make_model(layers=layers, dropout=0.0)
            d = model.config["d_model"]
            gen = torch.Generator().manual_seed(layers)
            x = torch.randn(4, 9, d, generator=gen) * 3
            pad = torch.zeros(4, 9, dtype=torch.bool)
            pad[1, 3:] = True
            pad[2, 1:] = True   # empty history: only the user token is unmasked
            pad[3, 8:] = True
            mine = x
            for layer in model.encoder.layers:
                mine = model._encoder_layer(layer, mine, pad)
            for grad in (False, True):  # the fused inference path and the reference path of torch
                with torch.set_grad_enabled(grad):
                    ref = model.encoder(x, src_key_padding_mask=pad)
                keep = ~pad
                torch.testing.assert_close(mine[keep].detach(), ref[keep].detach(), atol=2e-5, rtol=0)

    def test_masked_softmax_never_underflows_and_matches_softmax(self):
        """Every weight is exactly representable as a normal float or is large; masked keys get no
        weight within float32 resolution, unmasked ones what softmax with a -inf mask gives."""
        from interest_model.model import MASK_FLOOR, masked_softmax
        gen = torch.Generator().manual_seed(3)
        logits = torch.randn(5, 7, 12, generator=gen) * 40   # spreads far beyond exp's range
        pad = torch.zeros(5, 1, 12, dtype=torch.bool)
        pad[:, :, 6:] = True
        pad[2, :, 1:] = True
        w = masked_softmax(logits, pad)
        tiny = torch.finfo(torch.float32).tiny
        self.assertTrue(bool((w.abs() >= tiny).all()), "a weight is zero or subnormal")
        self.assertTrue(bool((w[pad.expand_as(w)] <= 13 * np.exp(MASK_FLOOR)).all()))
        ref = torch.softmax(logits.masked_fill(pad, float("-inf")), dim=-1)
        torch.testing.assert_close(w, ref, atol=1e-6, rtol=0)

    def test_serving_formulation_scores_as_the_training_one(self):
        """The exported graph multiplies each request's candidates by its scenario's STAR weights; training
        computes all scenarios and selects. Same function: scores agree for every scenario and K."""
        from interest_model.model import StarLinear
        model = make_model()
        model.eval()
        gen = torch.Generator().manual_seed(5)
        with torch.no_grad():  # scenario-specific weights away from their initial ones, so scenarios differ
            for m in model.modules():
                if isinstance(m, StarLinear):
                    m.weight_scenario.copy_(1 + 0.3 * torch.randn(m.weight_scenario.shape, generator=gen))
                    m.bias_scenario.copy_(0.1 * torch.randn(m.bias_scenario.shape, generator=gen))
        for k in (1, 7):
            x = example_inputs(model.spec, 6, k, seed=k)
            x["scenario"] = torch.tensor([1, 2, 3, 1, 2, 3])
            other = dict(x, scenario=torch.tensor([2, 3, 1, 2, 3, 1]))
            with torch.no_grad():
                trained, trained_other = model(**x), model(**other)
                served, served_other = model.serving()(**x), model(**other)
                model.serving(False)
            torch.testing.assert_close(served, trained, atol=1e-6, rtol=0)
            torch.testing.assert_close(served_other, trained_other, atol=1e-6, rtol=0)
            self.assertGreater(float((trained - trained_other).abs().max()), 1e-3)

    def test_scores_do_not_depend_on_other_candidates_or_users(self):
        model = make_model()
        x = example_inputs(model.spec, 3, 5)
        with torch.no_grad():
            full = model(**x)
            one = model(**{n: v[1:2] for n, v in x.items()})
            sub = model(**{n: (v[:, 1:3] if n.startswith("cand_") else v) for n, v in x.items()})
        torch.testing.assert_close(full[1:2], one, atol=1e-5, rtol=0)
        torch.testing.assert_close(full[:, 1:3], sub, atol=1e-5, rtol=0)

    def test_padding_positions_are_ignored(self):
        """Values behind the padding (seq_item == 0) must not change any score."""
        model = make_model()
        x = example_inputs(model.spec, 4, 3, seed=5)
        L = model.spec.sequence_length
        x["seq_item"][:, L // 2:] = 0
        y = {k: v.clone() for k, v in x.items()}
        for n in ("seq_category", "seq_action", "seq_age", "seq_dwell"):
            y[n][:, L // 2:] = 1
        with torch.no_grad():
            torch.testing.assert_close(model(**x), model(**y), atol=1e-5, rtol=0)

    def test_fast_path_and_trimming_match_reference(self):
        """Eval under no_grad (fused encoder path), with grad (reference path) and on sequences trimmed to the
        longest history all agree."""
        model = make_model()
        x = example_inputs(model.spec, 5, 4, seed=3)
        x["seq_item"][:, 20:] = 0
        with torch.no_grad():
            fast = model(**x)
            trimmed = model(**trim_sequences({k: v.long() if not v.is_floating_point() else v
                                              for k, v in x.items()}))
        ref = model(**x).detach()
        torch.testing.assert_close(fast, ref, atol=1e-5, rtol=0)
        torch.testing.assert_close(trimmed, ref, atol=1e-5, rtol=0)

    def test_scenario_changes_the_score(self):
        model = make_model()
        with torch.no_grad():
            for layer in (model.star1, model.star2, model.star3):
                layer.weight_scenario.normal_(1.0, 0.5)
                layer.bias_scenario.normal_(0.0, 0.5)
        x = example_inputs(model.spec, 2, 3)
        y = dict(x, scenario=torch.tensor([1, 1], dtype=torch.int32))
        z = dict(x, scenario=torch.tensor([3, 3], dtype=torch.int32))
        with torch.no_grad():
            self.assertFalse(torch.allclose(model(**y), model(**z)))

    def test_model_version_depends_on_weights(self):
        a, b = make_model(seed=0), make_model(seed=1)
        self.assertRegex(model_version(a), r"^ims-fs1-[0-9a-f]{8}$")
        self.assertNotEqual(model_version(a), model_version(b))
        self.assertEqual(model_version(a), model_version(make_model(seed=0)))


class SpecTest(unittest.TestCase):

    def test_rejects_other_versions(self):
        d = make_spec()
        d["feature_spec_version"] = "fs-2"
        with self.assertRaises(SpecError) as e:
            spec_from_dict(d)
        self.assertIn("fs-2", str(e.exception))
        self.assertIn("fs-1", str(e.exception))

    def test_rejects_inconsistent_shapes(self):
        d = make_spec()
        d["inputs"][0]["shape"] = ["batch", 49]
        with self.assertRaises(SpecError):
            spec_from_dict(d)
        d = make_spec()
        d["user_dense"] = d["user_dense"][:-1]
        with self.assertRaises(SpecError):
            spec_from_dict(d)

    def test_numbers_come_from_the_spec(self):
        spec = spec_from_dict(make_spec(sequence_length=12, item_buckets=1000, category_buckets=64))
        model = InterestModel(spec).eval()
        self.assertEqual(model.item_emb.num_embeddings, 1000)
        x = example_inputs(spec, 2, 3)
        self.assertEqual(tuple(x["seq_item"].shape), (2, 12))
        with torch.no_grad():
            self.assertEqual(tuple(model(**x).shape), (2, 3))

    def test_load_from_dir_or_file(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "feature_spec.json"), "w") as f:
                json.dump(make_spec(), f)
            self.assertEqual(load_spec(d), load_spec(os.path.join(d, "feature_spec.json")))
            self.assertEqual(load_spec(d).sequence_length, 50)


class DataTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        make_dataset(cls.tmp.name, examples=600, seed=1)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_load_and_batch(self):
        split = load_split(self.tmp.name, "train")
        self.assertEqual(split.n, 480)
        batches = list(split.batches(100, shuffle=True, seed=3, bucket=True))
        self.assertEqual(len(batches), split.num_batches(100))
        self.assertEqual(sum(len(y) for _, y in batches), split.n)
        x, y = batches[0]
        self.assertEqual(x["seq_item"].dtype, torch.int64)
        self.assertEqual(x["scenario"].dtype, torch.int64)
        self.assertEqual(x["user_dense"].dtype, torch.float32)
        self.assertEqual(y.dtype, torch.float32)
        again = list(split.batches(100, shuffle=True, seed=3, bucket=True))
        self.assertTrue(all(torch.equal(a[1], b[1]) for a, b in zip(batches, again)))
        model = make_model()
        with torch.no_grad():
            s = model(**trim_sequences(x))
        self.assertEqual(tuple(s.shape), (len(y), 1))

    def test_max_examples_is_a_fixed_subset(self):
        a = load_split(self.tmp.name, "train", max_examples=100, seed=5)
        b = load_split(self.tmp.name, "train", max_examples=100, seed=5)
        self.assertEqual(a.n, 100)
        np.testing.assert_array_equal(a.arrays["event_time"], b.arrays["event_time"])
        self.assertTrue(np.all(np.diff(a.arrays["event_time"]) >= 0))

    def test_out_of_range_ids_are_rejected(self):
        from interest_model.data import DataError
        with tempfile.TemporaryDirectory() as d:
            make_dataset(d, examples=60, seed=2)
            a = np.load(os.path.join(d, "test", "seq_action.npy"))
            a[0, 0] = 8
            np.save(os.path.join(d, "test", "seq_action.npy"), a)
            with self.assertRaises(DataError):
                load_split(d, "test")

    def test_fill_unseen_buckets(self):
        from interest_model.train import fill_unseen_buckets
        split = load_split(self.tmp.name, "train")
        model = make_model(seed=6)
        top_age = int(split.arrays["seq_age"].max())
        report = fill_unseen_buckets(model, split)
        w = model.age_emb.weight
        self.assertEqual(report["seq_age"]["largest_seen"], top_age)
        for b in range(top_age + 1, w.shape[0]):
            torch.testing.assert_close(w[b], w[top_age])
        seen = set(np.unique(split.arrays["seq_item"])) | set(np.unique(split.arrays["cand_item"]))
        unseen = [i for i in range(1, 200) if i not in seen]
        self.assertTrue(unseen)
        self.assertTrue(torch.all(model.item_emb.weight[unseen] == 0))
        used = sorted(i for i in seen if i != 0)[:5]
        self.assertTrue(torch.all(model.item_emb.weight[used].abs().sum(dim=1) > 0))
        x = example_inputs(model.spec, 2, 3)
        with torch.no_grad():
            self.assertTrue(torch.isfinite(model(**x)).all())

    def test_fill_unseen_buckets_zeroes_the_bias_of_items_training_never_scored(self):
        from interest_model.train import fill_unseen_buckets
        split = load_split(self.tmp.name, "train")
        model = make_model(seed=6, item_bias=True)
        with torch.no_grad():
            model.item_bias.weight.fill_(0.5)
        fill_unseen_buckets(model, split)
        seen = set(np.unique(split.arrays["seq_item"])) | set(np.unique(split.arrays["cand_item"]))
        unseen = [i for i in range(1, 200) if i not in seen]
        self.assertTrue(unseen)
        self.assertTrue(torch.all(model.item_bias.weight[unseen] == 0))
        self.assertTrue(torch.all(model.item_bias.weight[sorted(i for i in seen if i != 0)] == 0.5))

    def test_item_bias_moves_only_its_items_score_and_exports(self):
        from interest_model.export import export_onnx
        model = make_model(seed=7, item_bias=True)
        x = example_inputs(model.spec, 2, 3, seed=1)
        with torch.no_grad():
            before = model(**x)
            model.item_bias.weight[int(x["cand_item"][0, 1])] = 3.0
            after = model(**x)
        changed = (after - before).abs() > 1e-6
        self.assertTrue(bool(changed[0, 1]))
        self.assertEqual(int(changed.sum()), int((x["cand_item"] == x["cand_item"][0, 1]).sum()))
        with tempfile.TemporaryDirectory() as d:
            proto = export_onnx(model, os.path.join(d, "m.onnx"))
        self.assertIn("item_bias.weight", {i.name for i in proto.graph.initializer})

    def test_checkpoint_round_trip(self):
        model = make_model(seed=4)
        with tempfile.TemporaryDirectory() as d:
            torch.save({"state_dict": model.state_dict(), "config": model.config, "spec": model.spec.to_dict()},
                       os.path.join(d, "model.pt"))
            loaded, _ = load_checkpoint(d)
        self.assertEqual(model_version(loaded), model_version(model))


class DenseNormTest(unittest.TestCase):
    """Standardizing the dense inputs inside the graph: the job sends raw features, the model sees z-scores."""

    def test_standardizes_inside_the_model_and_survives_a_checkpoint(self):
        torch.manual_seed(5)
        normed = InterestModel(small_spec(), dense_norm=True).eval()
        plain = InterestModel(small_spec()).eval()
        plain.load_state_dict({k: v for k, v in normed.state_dict().items() if "dense_mean" not in k
                               and "dense_sd" not in k})
        rows = example_inputs(normed.spec, 64, 1, seed=1)
        rows["user_dense"] = rows["user_dense"] * 5 + 3
        rows["user_dense"][:, 0] = 2.0                                         # no spread: sd stays 1
        normed.set_dense_norm(rows["user_dense"], rows["cand_dense"])
        self.assertEqual(float(normed.user_dense_sd[0]), 1.0)
        x = example_inputs(normed.spec, 3, 4, seed=2)
        z = dict(x, user_dense=(x["user_dense"] - normed.user_dense_mean) / normed.user_dense_sd,
                 cand_dense=(x["cand_dense"] - normed.cand_dense_mean) / normed.cand_dense_sd)
        with torch.no_grad():
            torch.testing.assert_close(normed(**x), plain(**z))
        with tempfile.TemporaryDirectory() as d:
            torch.save({"state_dict": normed.state_dict(), "config": normed.config, "spec": normed.spec.to_dict()},
                       os.path.join(d, "model.pt"))
            loaded, _ = load_checkpoint(d)
        torch.testing.assert_close(loaded.user_dense_mean, normed.user_dense_mean)
        with torch.no_grad():
            torch.testing.assert_close(loaded(**x), normed(**x))

    def test_exports_to_onnx(self):
        from interest_model.export import export_onnx
        model = make_model(seed=6, dense_norm=True)
        x = example_inputs(model.spec, 32, 1, seed=3)
        model.set_dense_norm(x["user_dense"] * 3 + 1, x["cand_dense"])
        with tempfile.TemporaryDirectory() as d:
            proto = export_onnx(model, os.path.join(d, "m.onnx"))
        names = {i.name for i in proto.graph.initializer}
        self.assertTrue({"user_dense_mean", "user_dense_sd", "cand_dense_mean", "cand_dense_sd"} <= names, names)

    def test_models_without_it_keep_their_state_dict(self):
        self.assertFalse(any("dense_mean" in k for k in make_model().state_dict()))
        self.assertNotIn("dense_norm", make_model().config)


class SequenceAggregatesTest(unittest.TestCase):
    """The count-aware inputs computed in the graph: the same numbers as the GBDT's plain features (log1p of the
    counts), whatever trailing padding a batch is trimmed to; exported with their statistics (ONNX Runtime's
    scores of the shipped graph against PyTorch's: GoldenParityTest in Java)."""

    @staticmethod
    def _rows(n=64, L=12, seed=3):
        rng = np.random.default_rng(seed)
        lengths = rng.integers(0, L + 1, size=n)
        real = np.arange(L)[None, :] < lengths[:, None]
        ids = lambda hi: np.where(real, rng.integers(1, hi, size=(n, L)), 0)  # noqa: E731
        return {"seq_item": ids(6), "seq_category": ids(4), "seq_action": ids(8), "seq_scenario": ids(4),
                "scenario": rng.integers(1, 4, size=n), "cand_item": rng.integers(1, 6, size=(n, 1)),
                "cand_category": rng.integers(0, 4, size=(n, 1))}

    def test_match_the_plain_features_of_the_baselines(self):
        from interest_model import baselines
        from interest_model.data import Split
        from interest_model.model import SEQUENCE_AGGREGATES, sequence_aggregates
        rows = self._rows()
        n, L = rows["seq_item"].shape
        arrays = dict(rows, user_dense=np.zeros((n, 16), np.float32), cand_dense=np.zeros((n, 1, 4), np.float32),
                      label=np.zeros(n, np.int8))
        x, names = baselines.plain_features(Split("test", small_spec(L), arrays))
        t = {k: torch.as_tensor(v).long() for k, v in rows.items()}
        got = sequence_aggregates(t["seq_item"], t["seq_category"], t["seq_action"], t["seq_scenario"], t["scenario"],
                                  t["cand_item"], t["cand_category"])[:, 0, :].numpy()
        self.assertEqual(got.shape, (n, len(SEQUENCE_AGGREGATES)))
        for j, name in enumerate(SEQUENCE_AGGREGATES):
            want = x[:, names.index("seq:" + name)].astype(np.float64)
            want = want if name.endswith("recency") else np.log1p(want)
            np.testing.assert_allclose(got[:, j], want, rtol=1e-6, atol=1e-6, err_msg=name)
        self.assertGreater(float(np.abs(got).sum()), 0.0)

    def test_model_output_is_the_same_on_trimmed_sequences_and_after_a_checkpoint(self):
        model = make_model(seed=8, dense_norm=True, seq_aggregates=True)
        train_rows = example_inputs(model.spec, 256, 1, seed=4)
        model.set_aggregate_norm({k: train_rows[k] for k in ("seq_item", "seq_category", "seq_action", "seq_scenario",
                                                              "scenario", "cand_item", "cand_category")})
        self.assertTrue(bool((model.aggregate_sd > 0).all()))
        self.assertFalse(torch.equal(model.aggregate_mean, torch.zeros_like(model.aggregate_mean)))
        x = example_inputs(model.spec, 8, 5, seed=5)
        for name in ("seq_item", "seq_category", "seq_action", "seq_scenario", "seq_age", "seq_dwell"):
            x[name][:, 7:] = 0                                               # short histories: trimmable
        with torch.no_grad():
            full = model(**x)
            torch.testing.assert_close(model(**trim_sequences(x)), full)
        with tempfile.TemporaryDirectory() as d:
            torch.save({"state_dict": model.state_dict(), "config": model.config, "spec": model.spec.to_dict()},
                       os.path.join(d, "model.pt"))
            loaded, _ = load_checkpoint(d)
        with torch.no_grad():
            torch.testing.assert_close(loaded(**x), full)

    def test_exports_to_onnx_with_its_statistics(self):
        from interest_model.export import export_onnx
        model = make_model(seed=9, dense_norm=True, seq_aggregates=True)
        with tempfile.TemporaryDirectory() as d:
            proto = export_onnx(model, os.path.join(d, "m.onnx"))
        names = {i.name for i in proto.graph.initializer}
        self.assertTrue({"aggregate_mean", "aggregate_sd"} <= names, names)
        self.assertEqual([i.name for i in proto.graph.input], list(INPUT_NAMES))


class MetricsTest(unittest.TestCase):

    @staticmethod
    def brute_auc(y, s):
        pos, neg = s[y == 1], s[y == 0]
        wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
        return wins / (len(pos) * len(neg))

    def test_auc_matches_pairwise_with_ties(self):
        rng = np.random.default_rng(0)
        for n, levels in itertools.product((2, 17, 300), (2, 5, 1000)):
            y = rng.integers(0, 2, size=n)
            y[0], y[1] = 0, 1
            s = rng.integers(0, levels, size=n).astype(np.float64)
            self.assertAlmostEqual(auc(y, s), self.brute_auc(y, s), places=12)

    def test_auc_edge_cases(self):
        self.assertEqual(auc([0, 1], [0.1, 0.9]), 1.0)
        self.assertEqual(auc([0, 1], [0.9, 0.1]), 0.0)
        self.assertEqual(auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]), 0.5)
        self.assertTrue(np.isnan(auc([1, 1], [0.2, 0.3])))

    def test_logloss(self):
        self.assertAlmostEqual(logloss([1, 0], [0.5, 0.5]), np.log(2))
        self.assertTrue(np.isfinite(logloss([1, 0], [0.0, 1.0])))


if __name__ == "__main__":
    unittest.main()
