"""(c) End to end: train on a small data set and beat the job's heuristic scorer's test AUC.

The data set comes from the project's jar when it is built and has ``export-training-data``
(``simulate`` 120000 events, then ``export-training-data``), else from the synthetic generator.
Set INTEREST_TEST_DATA=synthetic or =jar to force one (=jar fails if the jar cannot do it).
"""

import json
import os
import subprocess
import tempfile
import time
import unittest

from interest_model import evaluate, train

from .helpers import JAR, find_java
from .synthetic import make_dataset

SIM_EVENTS = 120_000
# 120k events at 200 events/s span 10 minutes of event time, about the span of the 1.5M-event set at
# 2000/s; at 2000/s the 60 s span holds no trending snapshot yet, so trend features and the heuristic are 0.
SIM_RATE = 200


def jar_can_export():
    java = find_java()
    if not java or not os.path.exists(JAR):
        return False
    r = subprocess.run([java, "-jar", JAR, "export-training-data", "--help"], capture_output=True, text=True,
                       timeout=120)
    return r.returncode == 0


def make_with_jar(out_dir: str, work: str) -> None:
    java = find_java()
    events, truth = os.path.join(work, "events.avro"), os.path.join(work, "truth.csv")
    subprocess.run([java, "-jar", JAR, "simulate", "--output", events, "--truth", truth, "--events", str(SIM_EVENTS),
                    "--seed", "42", "--start-time", "2026-01-01T00:00:00Z", "--rate", str(SIM_RATE),
                    "--sessions", "400"], check=True, capture_output=True, timeout=300)
    subprocess.run([java, "-jar", JAR, "export-training-data", "--events", events, "--truth", truth,
                    "--out", out_dir], check=True, capture_output=True, timeout=300)


class TrainingBeatsHeuristicTest(unittest.TestCase):

    def test_transformer_beats_heuristic_auc(self):
        mode = os.environ.get("INTEREST_TEST_DATA", "auto")
        use_jar = mode == "jar" or (mode == "auto" and jar_can_export())
        with tempfile.TemporaryDirectory() as tmp:
            data, run = os.path.join(tmp, "data"), os.path.join(tmp, "run")
            t0 = time.time()
            if use_jar:
                make_with_jar(data, tmp)
                epochs = 2
            else:
                make_dataset(data, examples=32000, seed=11)
                epochs = 3
            t1 = time.time()
            # The shipped recipe's inputs (dense_norm, seq_aggregates): the heuristic ranks by category affinity (a
            # dense input); on this little data the model learns to use that input within two epochs only when it
            # is standardized. One GBDT depth keeps the evaluation short (the grid is the baselines' tests' job).
            info = train.train(data, run, epochs=epochs, seed=42, batch_size=512, progress=False, log=lambda *a: None,
                               dense_norm=True, seq_aggregates=True)
            t2 = time.time()
            result = evaluate.run(data, run, log=lambda *a: None, gbdt_depths=(4,), gbdt_rounds=200)
            t3 = time.time()
            m = result["metrics"]
            summary = (f"[{'jar' if use_jar else 'synthetic'} data: {info['train_examples']} train examples; "
                       f"data {t1 - t0:.0f}s, train {t2 - t1:.0f}s, evaluate {t3 - t2:.0f}s]\n{result['table']}")
            print("\n" + summary)
            overall = m["OVERALL"]
            self.assertGreater(overall["transformer"]["auc"], overall["heuristic"]["auc"] + 0.02, summary)
            self.assertGreater(overall["transformer"]["auc"], overall["lr"]["auc"], summary)
            self.assertLess(overall["transformer"]["logloss"], overall["lr"]["logloss"] + 0.01, summary)
            for name in ("ECOMMERCE", "SOCIAL", "NEWS"):
                self.assertGreater(m[name]["transformer"]["auc"], m[name]["heuristic"]["auc"], summary)
            with open(os.path.join(run, "metrics.json")) as f:
                self.assertIn("OVERALL", json.load(f)["metrics"])
            with open(os.path.join(run, "training_curve.json")) as f:
                self.assertEqual(len(json.load(f)["epochs"]), epochs)


if __name__ == "__main__":
    unittest.main()
