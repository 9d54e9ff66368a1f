#!/usr/bin/env bash
# Cost of distributed.sync_batch_norm on this machine (docs/distributed.md, "Batch norm"), outside
# the test suite: the same CRLD distillation (resnet8 student from a resnet8 teacher, Fashion-MNIST,
# global batch 64) under `launch --nproc-per-node 2`, with per-process and with synchronised batch
# norm, alternating REPEATS times. Prints training images/s of each (metrics.jsonl: the epoch's
# training time, evaluation excluded).
#
#   scripts/bench/sync_batch_norm.sh [REPEATS] [TRAIN_LIMIT] [THREADS]      (defaults 2, 2048, 2)
source "$(dirname "$0")/distributed_setup.sh"
export SHARPDISTILL_THREADS="$threads"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$repeats"); do
  for sync in false true; do
    ./sharpdistill launch --nproc-per-node 2 -- distill --method crld -t "$teacher" "${common[@]}" \
      --set "experiment.name=$sync$i" --set "distributed.sync_batch_norm=$sync" >/dev/null 2>&1
    echo "sync_batch_norm=$sync: $(images_per_second "$work/$sync$i") img/s"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
