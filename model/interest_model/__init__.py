"""interest_model: the PyTorch side of interest-stream.

Trains the multi-scenario Transformer on the tensors written by the Flink job's own feature code
(``export-training-data``, feature spec ``fs-1``), evaluates it against the baselines, and exports it
to ONNX for the job's ONNX scorer.
"""

SUPPORTED_FEATURE_SPEC_VERSION = "fs-1"

__all__ = ["SUPPORTED_FEATURE_SPEC_VERSION"]
