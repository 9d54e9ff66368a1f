#!/usr/bin/env bash
# Data-parallel scaling on this machine (docs/distributed.md, "Scaling"), outside the test suite:
# the same CRLD distillation step (resnet8 student from a resnet8 teacher, Fashion-MNIST, global
# batch 64) run as
#   A. one process with THREADS intra-op threads, and
#   B. `launch --nproc-per-node 2`, each worker with THREADS / 2 threads, gradients all-reduced
#      during the backward pass (SHARPDISTILL_GRAD_SYNC=overlap, the default), and
#   C. the same with the all-reduce after the backward pass (SHARPDISTILL_GRAD_SYNC=after-backward),
# alternating REPEATS times. Prints training images/s of each (from metrics.jsonl: train time of the
# epoch, evaluation excluded) and B's and C's gradient all-reduce time per step (gloo, rank 0; for B
# the wait left after the backward pass). SHARPDISTILL_BUCKET_MB sets the bucket size (default 25:
# resnet8's 0.3 MB of gradients are then one bucket, which cannot overlap anything).
#
#   scripts/bench/scaling.sh [REPEATS] [TRAIN_LIMIT] [THREADS]      (defaults 2, 2048, 2)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
repeats="${1:-2}"
train_limit="${2:-2048}"
threads="${3:-2}"
[ -x ./sharpdistill ] || { echo "build SharpDistill first (scripts/setup.sh)" >&2; exit 2; }
work="$(mktemp -d -t sdscaling.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=PASSIVE

common=(--set "experiment.output_dir=$work" --set dataset.train_limit="$train_limit" --set dataset.test_limit=64
        --set solver.epochs=1 --set log.progress=false --set models.student=resnet8 --set models.teacher=resnet8
        --set dataset.num_workers=1 --set solver.batch_size=64)
# The teacher's weights do not change the cost of a step: a one-epoch teacher on 256 images will do.
SHARPDISTILL_THREADS="$threads" ./sharpdistill train "${common[@]}" --set experiment.name=teacher --set dataset.train_limit=256 >/dev/null
teacher="$work/teacher/checkpoints/latest.safetensors"

images_per_second() { /usr/bin/python3 -c 'import json,sys; print(round(json.loads(open(sys.argv[1]).readline())["ImagesPerSecond"], 1))' "$1/metrics.jsonl"; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$repeats"); do
  SHARPDISTILL_THREADS="$threads" ./sharpdistill distill --method crld -t "$teacher" "${common[@]}" --set "experiment.name=one$i" >/dev/null
  echo "1 process x $threads threads:   $(images_per_second "$work/one$i") img/s"
  for sync in overlap after-backward; do
    out="$(SHARPDISTILL_GRAD_SYNC="$sync" SHARPDISTILL_THREADS="$threads" ./sharpdistill launch --nproc-per-node 2 -- distill --method crld -t "$teacher" "${common[@]}" --set "experiment.name=two-$sync$i" 2>/dev/null)"
    echo "2 processes x $((threads / 2 > 0 ? threads / 2 : 1)) thread(s), $sync: $(images_per_second "$work/two-$sync$i") img/s; $(grep -o 'gradient all-reduce [0-9.]* ms per step on rank 0 ([0-9]* bucket(s)' <<<"$out"))"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
