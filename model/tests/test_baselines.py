"""The strong baselines of the evaluation (interest_model.baselines) and how the evaluation compares the
Transformer with them: plain features from the exported tensors, single-feature rankers chosen on
validation, the GBDT, the strongest baseline and the gap from it to the oracle."""

import os
import tempfile
import unittest

import numpy as np

from interest_model import baselines, evaluate, report
from interest_model.data import Split
from interest_model.metrics import auc

from .helpers import small_spec


def _split(seq_item, seq_category, seq_action, seq_scenario, scenario, cand_item, cand_category, label=None):
    """A split of hand-written sequences (L = 4), the other inputs zero."""
    spec = small_spec(4)
    n = len(seq_item)
    arrays = {
        "seq_item": np.array(seq_item, dtype=np.int32), "seq_category": np.array(seq_category, dtype=np.int16),
        "seq_action": np.array(seq_action, dtype=np.int8), "seq_scenario": np.array(seq_scenario, dtype=np.int8),
        "seq_age": np.ones((n, 4), dtype=np.int8), "seq_dwell": np.ones((n, 4), dtype=np.int8),
        "user_dense": np.zeros((n, 16), dtype=np.float32), "scenario": np.array(scenario, dtype=np.int8),
        "cand_item": np.array(cand_item, dtype=np.int32).reshape(n, 1),
        "cand_category": np.array(cand_category, dtype=np.int16).reshape(n, 1),
        "cand_dense": np.zeros((n, 1, 4), dtype=np.float32),
        "label": np.array(label if label is not None else [0] * n, dtype=np.int8),
        "user_id": np.arange(n, dtype=np.int64), "event_time": np.zeros(n, dtype=np.int64),
    }
    return Split("test", spec, arrays)


class PlainFeaturesTest(unittest.TestCase):

    def test_sequence_aggregates_count_the_candidates_item_and_category_from_the_newest_position(self):
        # Row 0: item 7 at positions 1 and 2, category 3 at positions 0-2, one LIKE (4) in it, one in scenario 2.
        # Row 1: empty history.
        s = _split(seq_item=[[5, 7, 7, 9], [0, 0, 0, 0]], seq_category=[[3, 3, 3, 8], [0, 0, 0, 0]],
                   seq_action=[[2, 4, 2, 2], [0, 0, 0, 0]], seq_scenario=[[1, 2, 1, 1], [0, 0, 0, 0]],
                   scenario=[2, 1], cand_item=[7, 7], cand_category=[3, 3])
        x, names = baselines.plain_features(s)
        f = {n: x[:, j] for j, n in enumerate(names)}
        self.assertEqual(x.shape, (2, 16 + 4 + len(baselines.SEQUENCE_AGGREGATES) + 1))
        np.testing.assert_allclose(f["seq:history_length"], [4, 0])
        np.testing.assert_allclose(f["seq:repeat_item"], [2, 0])
        np.testing.assert_allclose(f["seq:repeat_item_recency"], [1 / 2, 0])     # newest occurrence at position 1
        np.testing.assert_allclose(f["seq:category_count"], [3, 0])
        np.testing.assert_allclose(f["seq:category_recency"], [1, 0])            # position 0 is the newest
        np.testing.assert_allclose(f["seq:category_recent_count"], [3, 0])
        np.testing.assert_allclose(f["seq:category_in_scenario"], [1, 0])        # request scenario 2
        np.testing.assert_allclose(f["seq:category_strong"], [1, 0])             # the LIKE, not the clicks
        np.testing.assert_allclose(f["scenario"], [2, 1])


class SingleFeatureTest(unittest.TestCase):

    def test_sign_and_best_feature_are_chosen_on_validation_only(self):
        rng = np.random.default_rng(0)
        y_valid = (rng.random(2000) < 0.3).astype(float)
        x_valid = np.stack([y_valid + rng.normal(size=2000),          # good
                            -2 * y_valid + rng.normal(size=2000),     # better, but reversed
                            rng.normal(size=2000)], axis=1)           # noise
        x_test = rng.normal(size=(500, 3))
        preds, info = baselines.single_feature_scores(x_valid, y_valid, x_test, ["a", "b", "c"])
        self.assertEqual(info["b"]["sign"], -1)
        np.testing.assert_allclose(preds["feature:b"], -x_test[:, 1])
        np.testing.assert_allclose(preds["feature:a"], x_test[:, 0])
        self.assertGreater(info["b"]["valid_auc"], 0.5)
        self.assertEqual(baselines.best_feature(info), "b")

    def test_scenario_id_is_not_a_single_feature_ranker(self):
        preds, info = baselines.single_feature_scores(np.ones((4, 1)), np.array([0, 1, 0, 1]), np.ones((2, 1)),
                                                      ["scenario"])
        self.assertEqual(preds, {})


class GbdtTest(unittest.TestCase):

    def setUp(self):
        rng = np.random.default_rng(1)
        self.x = rng.normal(size=(3000, 4)).astype(np.float32)
        logit = 2 * self.x[:, 0] - self.x[:, 1] * self.x[:, 2]      # an interaction a linear model misses
        self.y = (rng.random(3000) < 1 / (1 + np.exp(-logit))).astype(float)
        self.groups = np.repeat(np.arange(300), 10)

    def test_binary_and_ranking_objectives_learn_the_signal_and_keep_the_best_depth(self):
        tr, va = slice(0, 2000), slice(2000, 3000)
        for objective in ("binary", "rank"):
            booster, info = baselines.fit_gbdt(self.x[tr], self.y[tr], self.x[va], self.y[va], objective,
                                               self.groups[tr], depths=(1, 3), rounds=40, patience=10,
                                               log=lambda *a: None)
            self.assertEqual([t["max_depth"] for t in info["grid"]], [1, 3])
            self.assertEqual(info["valid_auc"], max(t["valid_auc"] for t in info["grid"]))
            self.assertEqual(info["chosen"]["valid_auc"], info["valid_auc"])
            self.assertGreater(auc(self.y[va], baselines.gbdt_predict(booster, self.x[va])), 0.75)
            cost = baselines.gbdt_serving_cost(booster, 4, users=2, candidates=5, seconds=0.05)
            self.assertGreater(cost["ms_per_call"], 0)
            self.assertEqual(cost["trees"], info["chosen"]["trees"])

    def test_ranking_objective_needs_groups(self):
        with self.assertRaises(ValueError):
            baselines.fit_gbdt(self.x, self.y, self.x, self.y, "rank", None, depths=(1,), rounds=2,
                               log=lambda *a: None)


class StrongestBaselineTest(unittest.TestCase):
    """The gap closed is measured from the best thing that is not the Transformer, not from the paper's LR."""

    def setUp(self):
        rng = np.random.default_rng(2)
        n = 4000
        self.oracle = rng.uniform(0.02, 0.6, n)
        y = (rng.random(n) < self.oracle).astype(np.int8)
        logit = np.log(self.oracle / (1 - self.oracle))
        self.preds = {"oracle": self.oracle,
                      "transformer": 1 / (1 + np.exp(-(logit + rng.normal(0, 0.8, n)))),
                      "gbdt_binary": 1 / (1 + np.exp(-(logit + rng.normal(0, 1.2, n)))),
                      "lr": np.full(n, 0.2) + rng.normal(0, 0.01, n),
                      "heuristic": rng.random(n),
                      "feature:lucky": logit + rng.normal(0, 0.3, n)}   # better than the GBDT, not a baseline
        spec = small_spec(4)
        self.split = Split("test", spec, {
            "label": y, "scenario": rng.integers(1, 4, n).astype(np.int8),
            "user_id": rng.integers(0, 400, n), "event_time": np.zeros(n, dtype=np.int64)})

    def test_strongest_baseline_is_the_best_non_transformer_row_and_ignores_single_features(self):
        m = evaluate.compute_metrics(self.split, self.preds, {1: "ECOMMERCE", 2: "SOCIAL", 3: "NEWS"},
                                     bootstrap=30, seed=1)
        y = self.split.label
        for g in ("ECOMMERCE", "OVERALL"):
            r = m[g]
            self.assertEqual(r["strongest_baseline"], "gbdt_binary")
            expected = (r["transformer"]["auc"] - r["gbdt_binary"]["auc"]) / (r["oracle"]["auc"] - r["gbdt_binary"]["auc"])
            self.assertAlmostEqual(r["transformer"]["gap_closed_strongest"], expected, places=10)
            self.assertEqual(r["gap_closed_strongest"], r["transformer"]["gap_closed_strongest"])
            lo, hi = r["transformer"]["gap_closed_strongest_ci"]
            self.assertLess(lo, hi)
            # the secondary, LR-based figure is larger: the LR is a far weaker starting point
            self.assertGreater(r["transformer"]["gap_closed"], r["transformer"]["gap_closed_strongest"])
            for other in ("gbdt_binary", "lr", "heuristic", "feature:lucky"):
                self.assertIn(f"transformer-{other}", r["auc_difference_ci"])
        self.assertAlmostEqual(m["OVERALL"]["gbdt_binary"]["auc"], auc(y, self.preds["gbdt_binary"]))
        self.assertIsNotNone(m["OVERALL"]["gbdt_binary"]["logloss"])    # a probability
        self.assertIsNone(m["OVERALL"]["heuristic"]["logloss"])         # a ranking score

    def test_without_oracle_there_is_a_strongest_baseline_but_no_gap(self):
        preds = {k: v for k, v in self.preds.items() if k != "oracle"}
        m = evaluate.compute_metrics(self.split, preds, {1: "ECOMMERCE", 2: "SOCIAL", 3: "NEWS"})
        self.assertEqual(m["OVERALL"]["strongest_baseline"], "gbdt_binary")
        self.assertTrue(np.isnan(m["OVERALL"]["gap_closed_strongest"]))

    def test_table_names_the_strongest_baseline_and_both_gaps(self):
        m = evaluate.compute_metrics(self.split, self.preds, {1: "ECOMMERCE", 2: "SOCIAL", 3: "NEWS"},
                                     bootstrap=10, seed=1)
        table = evaluate.format_table(m)
        self.assertIn("gap closed from the strongest baseline", table)
        self.assertIn("gap closed from paper LR (secondary)", table)
        self.assertIn("GBDT, binary logistic", table)
        self.assertIn("lucky", table)


class ReportTest(unittest.TestCase):
    """The report's summary reads the comparison with the GBDT and the gap from its JSON, never by hand."""

    def _metrics(self, transformer_noise, gbdt_noise):
        rng = np.random.default_rng(3)
        n = 6000
        oracle = rng.uniform(0.02, 0.6, n)
        y = (rng.random(n) < oracle).astype(np.int8)
        logit = np.log(oracle / (1 - oracle))
        noisy = lambda sd: 1 / (1 + np.exp(-(logit + rng.normal(0, sd, n))))
        preds = {"oracle": oracle, "transformer": noisy(transformer_noise), "gbdt_binary": noisy(gbdt_noise),
                 "gbdt_rank": noisy(gbdt_noise), "lr": rng.random(n), "mlp": rng.random(n),
                 "heuristic": logit + rng.normal(0, 0.9, n), "feature:cand:category_affinity": logit + rng.normal(0, 1.4, n),
                 "feature:cand:trend_pop": rng.random(n)}
        preds["best_feature"] = preds["feature:cand:category_affinity"]
        split = Split("test", small_spec(4), {"label": y, "scenario": rng.integers(1, 4, n).astype(np.int8),
                                              "user_id": rng.integers(0, 600, n), "event_time": np.zeros(n, dtype=np.int64)})
        return evaluate.compute_metrics(split, preds, {1: "ECOMMERCE", 2: "SOCIAL", 3: "NEWS"}, bootstrap=40, seed=2)

    def test_summary_says_whether_the_transformer_beats_the_gbdt_and_the_heuristic_its_features(self):
        _, status = report.targets(self._metrics(transformer_noise=0.3, gbdt_noise=1.5))
        self.assertTrue(status["beats_gbdt"])
        self.assertTrue(status["gap_strongest_positive"])
        self.assertTrue(status["heuristic_at_least_its_features"])
        _, status = report.targets(self._metrics(transformer_noise=1.5, gbdt_noise=0.3))
        self.assertFalse(status["beats_gbdt"])
        self.assertFalse(status["gap_strongest_positive"])

    def test_baselines_section_names_the_best_feature_and_the_gbdt_choice(self):
        m = self._metrics(transformer_noise=0.3, gbdt_noise=1.5)
        ev = {"metrics": m, "baselines": {
            "best_feature": "cand:category_affinity",
            "single_features": {"cand:category_affinity": {"sign": 1, "valid_auc": 0.7},
                                "cand:trend_pop": {"sign": 1, "valid_auc": 0.5}},
            "gbdt_binary": {"objective": "binary:logistic", "eta": 0.1, "early_stopping_rounds": 30,
                            "grid": [{"max_depth": 4, "trees": 12, "valid_auc": 0.8}],
                            "chosen": {"max_depth": 4, "trees": 12, "valid_auc": 0.8},
                            "serving": {"ms_per_call": 2.0, "users": 32, "candidates": 100, "trees": 12},
                            "top_features": ["cand:category_affinity"]}}}
        text = report.baselines_section(ev, transformer_ms=4.0)
        self.assertIn("best single feature (cand:category_affinity)", text)
        self.assertIn("cand:category_affinity (best)", text)
        self.assertIn("kept depth 4", text)
        self.assertIn("0.50x the Transformer's 4.0 ms", text)
        self.assertIn(f"from {evaluate.label(m['OVERALL']['strongest_baseline'])}", text)


class ExtraScoresTest(unittest.TestCase):

    def test_extra_scores_must_match_the_split_and_not_shadow_a_row(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = os.path.join(tmp, "s.npy")
            np.save(p, np.arange(5, dtype=np.float32))
            self.assertEqual(list(evaluate._extra_scores({"old": p}, 5)), ["old"])
            with self.assertRaises(ValueError):
                evaluate._extra_scores({"old": p}, 6)
            with self.assertRaises(ValueError):
                evaluate._extra_scores({"heuristic": p}, 5)


if __name__ == "__main__":
    unittest.main()
