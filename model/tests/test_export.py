"""(b) ONNX export round trip: checker, metadata, input/output signature, golden vectors, and (when Java
and the ONNX Runtime jar are available) parity of ONNX Runtime with PyTorch on the golden vectors."""

import contextlib
import io
import json
import os
import subprocess
import tempfile
import unittest

import numpy as np
import onnx
import torch

from interest_model import export as export_mod
from interest_model.data import load_split
from interest_model.model import InterestModel, model_version
from interest_model.spec import INPUT_NAMES

from .helpers import ORT_CHECK, find_java, find_ort_jar, small_spec
from .synthetic import make_dataset

ONNX_TYPES = {"int32": onnx.TensorProto.INT32, "float32": onnx.TensorProto.FLOAT}


class ExportTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(2)
        torch.manual_seed(0)
        cls.spec = small_spec()
        cls.model = InterestModel(cls.spec).eval()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.tmp.name, "interest-model.onnx")
        export_mod.export_onnx(cls.model, cls.path)
        cls.proto = onnx.load(cls.path)
        cls.data = os.path.join(cls.tmp.name, "data")
        make_dataset(cls.data, examples=300, seed=3)
        cls.golden = os.path.join(cls.tmp.name, "golden")
        cls.manifest = export_mod.write_golden(cls.model, cls.golden, load_split(cls.data, "test"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_checker_and_opset(self):
        onnx.checker.check_model(self.proto)
        self.assertEqual([o.version for o in self.proto.opset_import if o.domain in ("", "ai.onnx")], [17])
        self.assertLess(os.path.getsize(self.path), 20 * 1024 * 1024)

    def test_metadata(self):
        meta = {p.key: p.value for p in self.proto.metadata_props}
        expected = dict(self.spec.metadata(), model_version=model_version(self.model))
        self.assertEqual(meta, expected)
        self.assertRegex(meta["model_version"], r"^ims-fs1-[0-9a-f]{8}$")
        for key in ("feature_spec_version", "sequence_length", "item_buckets", "category_buckets", "action_count",
                    "scenario_count", "age_buckets", "dwell_buckets", "user_dense", "candidate_dense"):
            self.assertIn(key, meta)
        self.assertEqual(meta["sequence_length"], "50")
        self.assertEqual(meta["user_dense"].split(","), list(self.spec.user_dense))
        self.assertEqual(meta["candidate_dense"].split(","), list(self.spec.candidate_dense))

    def test_signature(self):
        graph_inputs = [i for i in self.proto.graph.input]
        self.assertEqual([i.name for i in graph_inputs], list(INPUT_NAMES))
        for gi, si in zip(graph_inputs, self.spec.inputs):
            tt = gi.type.tensor_type
            self.assertEqual(tt.elem_type, ONNX_TYPES[si["dtype"]], gi.name)
            dims = [d.dim_param if d.dim_param else d.dim_value for d in tt.shape.dim]
            self.assertEqual(dims, si["shape"], gi.name)
        self.assertEqual(len(self.proto.graph.output), 1)
        out = self.proto.graph.output[0]
        self.assertEqual(out.name, "score")
        self.assertEqual(out.type.tensor_type.elem_type, onnx.TensorProto.FLOAT)
        self.assertEqual([d.dim_param for d in out.type.tensor_type.shape.dim], ["batch", "candidates"])

    def test_golden_files(self):
        m = self.manifest
        with open(os.path.join(self.golden, "manifest.json")) as f:
            self.assertEqual(json.load(f), json.loads(json.dumps(m)))
        self.assertEqual(m["model_version"], model_version(self.model))
        self.assertEqual(m["tolerance"], 1e-4)
        self.assertEqual([(c["batch"], c["candidates"]) for c in m["cases"]], [(1, 1), (3, 7), (32, 100)])
        for c in m["cases"]:
            d = os.path.join(self.golden, c["dir"])
            arrays = {n: np.load(os.path.join(d, n + ".npy")) for n in INPUT_NAMES}
            for si in self.spec.inputs:
                self.assertEqual(arrays[si["name"]].dtype, np.dtype(si["dtype"]), si["name"])
            score = np.load(os.path.join(d, "score.npy"))
            self.assertEqual(score.dtype, np.float32)
            self.assertEqual(score.shape, (c["batch"], c["candidates"]))
            self.assertTrue(np.all((score > 0) & (score < 1)))
            with torch.no_grad():
                again = self.model(**{n: torch.from_numpy(a) for n, a in arrays.items()}).numpy()
            np.testing.assert_allclose(again, score, atol=1e-6)
            if c["batch"] > 1:
                self.assertTrue(c["padding_candidates"])
                b, k = c["padding_candidates"][0]
                self.assertEqual(arrays["cand_item"][b, k], 0)
                self.assertEqual(c["empty_sequence_users"], [c["batch"] - 1])
                self.assertTrue(np.all(arrays["seq_item"][-1] == 0))
        size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(self.golden) for f in fs)
        self.assertLess(size, 1024 * 1024)

    def test_cli_refuses_other_spec_versions(self):
        bad = os.path.join(self.tmp.name, "bad_spec.json")
        with open(os.path.join(self.data, "feature_spec.json")) as f:
            d = json.load(f)
        d["feature_spec_version"] = "fs-9"
        with open(bad, "w") as f:
            json.dump(d, f)
        ckpt = os.path.join(self.tmp.name, "ckpt")
        os.makedirs(ckpt)
        torch.save({"state_dict": self.model.state_dict(), "config": self.model.config,
                    "spec": self.spec.to_dict()}, os.path.join(ckpt, "model.pt"))
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = export_mod.main(["--model", ckpt, "--spec", bad, "--out", os.path.join(self.tmp.name, "x.onnx")])
        self.assertEqual(rc, 2)
        self.assertIn("fs-9", err.getvalue())
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "x.onnx")))

    def test_onnx_runtime_matches_pytorch(self):
        java, jar = find_java(), find_ort_jar()
        if not java or not jar:
            self.skipTest("java or the ONNX Runtime jar (~/.m2 or $ORT_JAR) not available")
        r = subprocess.run([java, "-cp", jar, ORT_CHECK, self.path, self.golden, "1e-4"], capture_output=True,
                           text=True, timeout=180)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout.count(" OK"), 3, r.stdout)
        self.assertIn("input seq_item INT32 [-1, 50]", r.stdout)
        self.assertIn("input cand_dense FLOAT [-1, -1, 4]", r.stdout)
        self.assertIn("metadata model_version=" + model_version(self.model), r.stdout)


if __name__ == "__main__":
    unittest.main()


class ShippedModelTest(unittest.TestCase):
    """The committed model/interest-model.onnx and model/golden/ belong together (skipped if not shipped)."""

    def setUp(self):
        from .helpers import MODEL_DIR
        self.onnx_path = os.path.join(MODEL_DIR, "interest-model.onnx")
        self.golden = os.path.join(MODEL_DIR, "golden")
        if not os.path.exists(self.onnx_path) or not os.path.exists(os.path.join(self.golden, "manifest.json")):
            self.skipTest("no shipped model")

    def test_metadata_matches_manifest_and_spec(self):
        proto = onnx.load(self.onnx_path)
        onnx.checker.check_model(proto)
        meta = {p.key: p.value for p in proto.metadata_props}
        with open(os.path.join(self.golden, "manifest.json")) as f:
            manifest = json.load(f)
        self.assertEqual(meta["model_version"], manifest["model_version"])
        self.assertEqual(meta["feature_spec_version"], "fs-1")
        self.assertEqual([i.name for i in proto.graph.input], list(INPUT_NAMES))
        self.assertLess(os.path.getsize(self.onnx_path), 20 * 1024 * 1024)

    def test_onnx_runtime_matches_golden(self):
        java, jar = find_java(), find_ort_jar()
        if not java or not jar:
            self.skipTest("java or the ONNX Runtime jar (~/.m2 or $ORT_JAR) not available")
        r = subprocess.run([java, "-cp", jar, ORT_CHECK, self.onnx_path, self.golden, "1e-4"], capture_output=True,
                           text=True, timeout=180)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
