"""Writes the Java test fixture flink-job/tools/src/test/resources/models/sequence-length-20.onnx: a small,
untrained model exported for a feature spec with sequence length 20, which the job must refuse at
start-up (OnnxModelTest). Run from the repository root:

    /usr/bin/python3 model/tests/make_java_fixture.py flink-job/tools/src/test/resources/models/sequence-length-20.onnx
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import torch  # noqa: E402

from interest_model.export import export_onnx  # noqa: E402
from interest_model.model import InterestModel  # noqa: E402
from interest_model.spec import spec_from_dict  # noqa: E402
from tests.synthetic import make_spec  # noqa: E402


def main(out: str) -> None:
    spec = spec_from_dict(make_spec(sequence_length=20, item_buckets=64, category_buckets=16), source="fixture")
    torch.manual_seed(0)
    export_onnx(InterestModel(spec, d_model=8, heads=2, layers=1, ff=16).eval(), out)


if __name__ == "__main__":
    main(sys.argv[1])
