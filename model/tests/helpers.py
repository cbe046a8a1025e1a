"""Shared test helpers: paths, a small spec, and tool discovery."""

from __future__ import annotations

import glob
import os
import shutil

from interest_model.spec import spec_from_dict

from .synthetic import make_spec

MODEL_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(MODEL_DIR)
JAR = os.environ.get("INTEREST_STREAM_JAR", os.path.join(REPO_ROOT, "flink-job", "tools", "target", "interest-stream.jar"))
ORT_CHECK = os.path.join(MODEL_DIR, "tests", "ort_check", "OrtGoldenCheck.java")


def small_spec(sequence_length: int = 50):
    return spec_from_dict(make_spec(sequence_length), source="test spec")


def find_java():
    return shutil.which("java")


def find_ort_jar():
    """The ONNX Runtime Java jar (env ORT_JAR, else the newest in the local Maven repository)."""
    env = os.environ.get("ORT_JAR")
    if env and os.path.exists(env):
        return env
    jars = glob.glob(os.path.expanduser("~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/*/onnxruntime-*.jar"))
    jars = [j for j in jars if not j.endswith(("-sources.jar", "-javadoc.jar"))]
    return sorted(jars)[-1] if jars else None
