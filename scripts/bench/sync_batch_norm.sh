#!/usr/bin/env bash
# Cost of distributed.sync_batch_norm on this machine (docs/distributed.md, "Batch norm"), outside
# the test suite: the same CRLD distillation (resnet8 student from a resnet8 teacher, Fashion-MNIST,
# global batch 64) under `launch --nproc-per-node 2`, with per-process and with synchronised batch
# norm, alternating REPEATS times. Prints training images/s of each (metrics.jsonl: the epoch's
# training time, evaluation excluded).
#
#   scripts/bench/sync_batch_norm.sh [REPEATS] [TRAIN_LIMIT] [THREADS]      (defaults 2, 2048, 2)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
repeats="${1:-2}"
train_limit="${2:-2048}"
threads="${3:-2}"
[ -x ./sharpdistill ] || { echo "build SharpDistill first (scripts/setup.sh)" >&2; exit 2; }
work="$(mktemp -d -t sdsyncbn.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=PASSIVE SHARPDISTILL_THREADS="$threads"

common=(--set "experiment.output_dir=$work" --set dataset.train_limit="$train_limit" --set dataset.test_limit=64
        --set solver.epochs=1 --set log.progress=false --set models.student=resnet8 --set models.teacher=resnet8
        --set dataset.num_workers=1 --set solver.batch_size=64)
# The teacher's weights do not change the cost of a step: a one-epoch teacher on 256 images will do.
./sharpdistill train "${common[@]}" --set experiment.name=teacher --set dataset.train_limit=256 >/dev/null
teacher="$work/teacher/checkpoints/latest.safetensors"

images_per_second() { /usr/bin/python3 -c 'import json,sys; print(round(json.loads(open(sys.argv[1]).readline())["ImagesPerSecond"], 1))' "$1/metrics.jsonl"; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$repeats"); do
  for sync in false true; do
    ./sharpdistill launch --nproc-per-node 2 -- distill --method crld -t "$teacher" "${common[@]}" \
      --set "experiment.name=$sync$i" --set "distributed.sync_batch_norm=$sync" >/dev/null 2>&1
    echo "sync_batch_norm=$sync: $(images_per_second "$work/$sync$i") img/s"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
