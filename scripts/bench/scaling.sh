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
source "$(dirname "$0")/distributed_setup.sh"

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
