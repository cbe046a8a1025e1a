"""(d) The evaluation protocol: ECE, bootstrap AUC, top-K lists over sessions, calibration folded into the
model, the DIN-style pooling option, the world ablations' noise threshold and the evaluation run on data without an oracle (the Taobao path)."""

import os
import tempfile
import unittest

import numpy as np
import torch

from interest_model import evaluate, train
from interest_model.calibrate import calibrate, fit_platt
from interest_model.data import load_split
from interest_model.export import example_inputs
from interest_model.metrics import (WeightedAuc, auc, bootstrap_weights, ece, hr_ndcg_at_k, reliability, roc_curve,
                                    session_lists)
from interest_model.model import InterestModel
from interest_model.train import predict

from .helpers import small_spec
from .synthetic import make_dataset


class MetricsTest(unittest.TestCase):

    def test_ece(self):
        rng = np.random.default_rng(0)
        p = rng.uniform(0, 0.4, 200_000)
        y = (rng.random(p.size) < p).astype(float)
        self.assertLess(ece(y, p), 0.005)                   # calibrated scores
        self.assertAlmostEqual(ece(y, p / 2), np.mean(p) / 2, delta=0.005)  # all scores too low by half
        self.assertAlmostEqual(ece([0, 1, 1, 0], [0, 1, 1, 0], bins=2), 0.0)
        x, r, n = reliability(y, p, bins=10)
        self.assertEqual(n.sum(), p.size)
        np.testing.assert_allclose(x, r, atol=0.01)

    def test_weighted_auc_equals_auc_and_duplicates_rows(self):
        rng = np.random.default_rng(1)
        y = (rng.random(3000) < 0.2).astype(float)
        s = np.round(rng.normal(size=3000) + y, 1)          # many ties
        w = WeightedAuc(y, s)
        self.assertAlmostEqual(w(np.ones(3000)), auc(y, s), places=12)
        mult = rng.integers(0, 3, size=3000)
        self.assertAlmostEqual(w(mult), auc(np.repeat(y, mult), np.repeat(s, mult)), places=12)

    def test_cluster_bootstrap(self):
        users = np.repeat(np.arange(50), 4)
        ws = list(bootstrap_weights(users, 20, seed=3))
        self.assertEqual(len(ws), 20)
        for w in ws:
            self.assertEqual(w.sum(), 200)                  # 50 users drawn, 4 rows each
            self.assertTrue(np.all(w.reshape(50, 4) == w.reshape(50, 4)[:, :1]))  # a user's rows move together
        again = list(bootstrap_weights(users, 20, seed=3))
        np.testing.assert_array_equal(ws[5], again[5])

    def test_session_lists(self):
        user = np.array([1, 1, 1, 2, 1, 1])
        scen = np.array([1, 1, 2, 1, 1, 1])
        t = np.array([0, 10, 20, 30, 40, 5000])
        ids = session_lists(user, scen, t, gap=1000)
        self.assertEqual(ids[0], ids[1])
        self.assertEqual(ids[1], ids[4])                    # same user and scenario, within the gap
        self.assertNotEqual(ids[0], ids[2])                 # other scenario
        self.assertNotEqual(ids[0], ids[3])                 # other user
        self.assertNotEqual(ids[4], ids[5])                 # after the gap
        self.assertEqual(len(set(ids.tolist())), 4)

    def test_hr_ndcg(self):
        lists = np.repeat([0, 1, 2], 20)
        y = np.zeros(60)
        s = -np.tile(np.arange(20), 3).astype(float)        # rank = index within list
        y[0] = 1          # list 0: the click ranked first
        y[20 + 15] = 1    # list 1: the click ranked 16th
        # list 2 has no click: ignored
        r = hr_ndcg_at_k(lists, y, s, k=10, min_size=20)
        self.assertEqual(r["lists"], 2)
        self.assertAlmostEqual(r["hr"], 0.5)
        self.assertAlmostEqual(r["ndcg"], 0.5)
        y[1] = 1          # list 0: clicks at ranks 1 and 2: perfect
        y[20 + 1] = 1     # list 1: clicks at ranks 2 and 16: DCG 1/log2(3), ideal 1 + 1/log2(3)
        r = hr_ndcg_at_k(lists, y, s, k=10, min_size=20)
        self.assertAlmostEqual(r["ndcg"], (1 + (1 / np.log2(3)) / (1 + 1 / np.log2(3))) / 2)
        self.assertEqual(hr_ndcg_at_k(lists, y, s, k=10, min_size=21)["lists"], 0)

    def test_roc_curve_area(self):
        rng = np.random.default_rng(2)
        y = (rng.random(5000) < 0.3).astype(float)
        s = rng.normal(size=5000) + y
        fpr, tpr = roc_curve(y, s, points=10_000)
        self.assertAlmostEqual(np.trapz(tpr, fpr), auc(y, s), places=3)


class CalibrationTest(unittest.TestCase):

    def test_platt_recovers_a_known_distortion(self):
        rng = np.random.default_rng(4)
        z = rng.normal(-2, 1, 100_000)
        y = (rng.random(z.size) < 1 / (1 + np.exp(-z))).astype(float)
        a, b = fit_platt(y, 1 / (1 + np.exp(-(z - 1) / 2)))  # logit' = (z - 1) / 2
        self.assertAlmostEqual(a, 2.0, delta=0.1)
        self.assertAlmostEqual(b, 1.0, delta=0.1)

    def test_folding_into_the_last_layer_is_exact(self):
        self._check_folding()

    def test_folding_scales_the_item_bias_with_the_rest_of_the_logit(self):
        self._check_folding(item_bias=True, seq_aggregates=True, dense_norm=True)

    def _check_folding(self, **config):
        with tempfile.TemporaryDirectory() as tmp:
            make_dataset(tmp, examples=6000, seed=5)
            split = load_split(tmp, "valid")
            torch.manual_seed(0)
            model = InterestModel(split.spec, **config).eval()
            if config.get("item_bias"):
                with torch.no_grad():  # a bias that matters: as large as the rest of the last layer's input
                    model.item_bias.weight.normal_(0, 1.0)
            before = predict(model, split)[:, 0].astype(np.float64)
            report = calibrate(model, split, predict, min_rows=10)
            after = predict(model, split)[:, 0].astype(np.float64)
        logit = np.log(before / (1 - before))
        for sid, name in split.spec.scenarios.items():
            rows = split.scenario == sid
            if "a" not in report[name]:
                continue
            a, b = report[name]["a"], report[name]["b"]
            np.testing.assert_allclose(after[rows], 1 / (1 + np.exp(-(a * logit[rows] + b))), atol=2e-5)
            self.assertLessEqual(report[name]["logloss_after"], report[name]["logloss_before"] + 1e-9)


class SumPoolTest(unittest.TestCase):

    def test_sum_pool_counts_matching_history(self):
        torch.manual_seed(0)
        model = InterestModel(small_spec(), sum_pool=True).eval()
        self.assertTrue(model.config["sum_pool"])
        x = example_inputs(model.spec, 3, 4, seed=1)
        with torch.no_grad():
            s = model(**x)
        self.assertTrue(torch.all((s > 0) & (s < 1)))
        L = model.spec.sequence_length
        y = {k: v.clone() for k, v in x.items()}
        x["seq_item"][:, L // 2:] = 0
        y["seq_item"][:, L // 2:] = 0
        y["seq_category"][:, L // 2:] = 3                  # behind the padding: ignored
        with torch.no_grad():
            torch.testing.assert_close(model(**x), model(**y), atol=1e-5, rtol=0)


class EvaluateWithoutOracleTest(unittest.TestCase):
    """Real logs (Taobao) have no oracle: the evaluation must still produce every other number."""

    def test_no_oracle(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, run = os.path.join(tmp, "data"), os.path.join(tmp, "run")
            make_dataset(data, examples=4000, seed=9)
            for split in ("train", "valid", "test"):
                f = os.path.join(data, split, "oracle.npy")
                np.save(f, np.full_like(np.load(f), np.nan))
            train.train(data, run, epochs=1, seed=1, batch_size=256, progress=False, log=lambda *a: None)
            r = evaluate.run(data, run, log=lambda *a: None, mlp_epochs=1, bootstrap=20)
        m = r["metrics"]["OVERALL"]
        self.assertNotIn("oracle", m)
        self.assertTrue(np.isnan(m["gap_closed"]))
        self.assertTrue(0 < m["transformer"]["auc"] < 1)
        self.assertEqual(len(m["transformer"]["auc_ci"]), 2)
        self.assertIsNotNone(m["transformer"]["ece"])


if __name__ == "__main__":
    unittest.main()


class WorldNoiseTest(unittest.TestCase):
    """The threshold a world ablation must pass: test-set noise plus the spread of training runs."""

    SEEDS = {"seeds": {"seed42": {
        "metrics": {"OVERALL": {"transformer": {"auc_ci": [0.790, 0.790 + 3.92 * 0.002]}},
                    "NEWS": {"transformer": {"auc_ci": [0.770, 0.770 + 3.92 * 0.005]}}},
        "difference_ci": {"NEWS": {"transformer-per_scenario": [0.01, 0.01 + 3.92 * 0.004]}}}}}

    def test_training_runs_widen_the_threshold_by_their_variance_over_their_count(self):
        from interest_model.report import training_variance, world_noise
        only_test = world_noise(self.SEEDS)
        self.assertAlmostEqual(only_test["OVERALL"], 2 * np.sqrt(2) * 0.002, places=9)
        worlds = {"worlds": {
            "default": {"OVERALL": {"transformer_seeds": [0.80, 0.81, 0.79]},
                        "NEWS": {"transformer_seeds": [0.78, 0.78, 0.78], "per_scenario_seeds": [0.76, 0.75, 0.77]}},
            "other": {"OVERALL": {"transformer_seeds": [0.70, 0.72, 0.71]},
                      "NEWS": {"transformer_seeds": [0.70, 0.70, 0.70]}}}}
        var = training_variance(worlds)
        # both worlds spread 0.01 around their mean: unbiased variance 1e-4 each, three runs per world
        self.assertAlmostEqual(var["OVERALL"][0], 1e-4, places=12)
        self.assertEqual(var["OVERALL"][1], 3)
        self.assertAlmostEqual(var["NEWS"][0], 0.0, places=12)
        self.assertAlmostEqual(var["TRANSFER"][0], 1e-4, places=12)  # gains 0.02, 0.03, 0.01
        noise = world_noise(self.SEEDS, worlds)
        self.assertAlmostEqual(noise["OVERALL"], 2 * np.sqrt(2 * 0.002 ** 2 + 2 * 1e-4 / 3), places=9)
        self.assertAlmostEqual(noise["NEWS"], only_test["NEWS"], places=9)
        self.assertGreater(noise["TRANSFER"], only_test["TRANSFER"])

    def test_ablation_reading_judges_each_point_against_two_runs_training_noise(self):
        from interest_model.report import ablation_reading

        def point(auc, ms):
            return {"valid_auc": {"OVERALL": auc}, "latency": {"ms_per_call": ms}}
        abl = {"ablations": {"L50": point(0.800, 5.0), "small": point(0.802, 4.0), "big": point(0.815, 10.0),
                             "bad": point(0.780, 3.0)}}
        worlds = {"worlds": {"default": {"OVERALL": {"transformer_seeds": [0.80, 0.81, 0.79]}}}}
        # one run's sd 0.01: threshold 2 * sqrt(2) * 0.01 = 0.0283
        text = ablation_reading(abl, worlds)
        self.assertIn("under 0.0283", text)
        self.assertIn("small +0.0020 (within noise, 0.80x the latency)", text)
        self.assertIn("big +0.0150 (within noise, 2.00x the latency)", text)
        self.assertIn("bad -0.0200 (within noise, 0.60x the latency)", text)
        self.assertIn("Cheaper and not worse beyond noise: small (+0.0020, 0.80x), bad (-0.0200, 0.60x)", text)
        tight = {"worlds": {"default": {"OVERALL": {"transformer_seeds": [0.800, 0.801, 0.799]}}}}
        text = ablation_reading(abl, tight)
        self.assertIn("big +0.0150 (better, 2.00x the latency)", text)
        self.assertIn("bad -0.0200 (worse, 0.60x the latency)", text)
        self.assertIn("Cheaper and not worse beyond noise: small (+0.0020, 0.80x).", text)
        self.assertEqual(ablation_reading(abl, None), "")

    def test_replication_counts_a_change_whose_mean_over_two_seeds_passes_the_threshold_of_a_mean(self):
        from interest_model.report import replication_section

        def world(oracle, model, news):
            return {"OVERALL": {"oracle": oracle, "transformer": model}, "NEWS": {"oracle": oracle, "transformer": news},
                    "train_seeds": [42, 43, 44]}
        noise = {"OVERALL": 0.01, "NEWS": 0.02, "TRANSFER": 0.04}
        worlds = {"worlds": {"default": world(0.90, 0.79, 0.77), "small": world(0.90, 0.798, 0.77),
                             "none": world(0.90, 0.792, 0.77)}}
        replicate = {"simulator_seed": 7, "worlds": {"default": world(0.90, 0.80, 0.78),
                                                     "small": world(0.90, 0.808, 0.78),
                                                     "none": world(0.90, 0.796, 0.78)}}
        text = replication_section(worlds, replicate, noise)
        rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| ")}
        # +0.008 on both seeds: below 0.01 each, above 0.01 / sqrt(2) as a mean of two
        self.assertIn("changes Transformer +0.0080", rows["small"])
        # +0.002 and -0.004: nothing, and the seeds disagree
        self.assertIn("changes nothing beyond noise (the seeds disagree in sign)", rows["none"])
