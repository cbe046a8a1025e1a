#!/usr/bin/env bash
# Regenerates the shipped model from nothing: simulated events, training data written by the job's own
# feature code (export-training-data, with the job's default settings), training with fixed seeds and a
# progress bar, evaluation, ONNX export with golden vectors, and the model card. About 20 minutes on 2
# idle cores (training about 11 of them), about twice that on shared ones. The training recipe is model/train-args.txt (shared with the
# per-scenario baselines of model/report.sh, which regenerates REPORT.md).
#
#   model/retrain.sh            # data under ./data (git-ignored), model files under model/
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${DATA:-$PWD/data}"
JAR=flink-job/tools/target/interest-stream.jar
PY=/usr/bin/python3

[ -f "$JAR" ] || mvn -B -q package -DskipTests
mkdir -p "$DATA"
if [ ! -f "$DATA/truth.csv" ] || [ ! -f "$DATA/events.avro" ]; then
  java -jar "$JAR" simulate --output "$DATA/events.avro" --truth "$DATA/truth.csv" \
    --events 1500000 --seed 42 --start-time 2026-01-01T00:00:00Z --rate 2000 --sessions 400
fi
if [ ! -f "$DATA/fs1/feature_spec.json" ]; then
  rm -rf "$DATA/fs1"
  java -Xmx4g -jar "$JAR" export-training-data --events "$DATA/events.avro" --truth "$DATA/truth.csv" --out "$DATA/fs1"
fi

cd model
rm -rf runs/fs1
$PY -m interest_model.train --data "$DATA/fs1" --out runs/fs1 $(cat train-args.txt)
$PY -m interest_model.evaluate --data "$DATA/fs1" --model runs/fs1 --bootstrap 500
$PY -m interest_model.export --model runs/fs1 --spec "$DATA/fs1/feature_spec.json" \
  --out interest-model.onnx --golden golden --data "$DATA/fs1"
$PY -m interest_model.card --data "$DATA/fs1" --model runs/fs1 --onnx interest-model.onnx \
  --golden golden --out MODEL_CARD.md
echo "retrained: $(grep -m1 '^# Model card' MODEL_CARD.md)"
