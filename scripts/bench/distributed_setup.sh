# Sourced by scripts/bench/scaling.sh and sync_batch_norm.sh: their shared arguments and set-up.
# After it: $repeats, $threads, $work (removed on exit), common (the distill arguments of a small
# CRLD job: resnet8 from a resnet8 teacher, Fashion-MNIST, global batch 64, one epoch), $teacher
# (a one-epoch teacher checkpoint) and images_per_second RUN_DIR (training images/s of the epoch,
# evaluation excluded, from metrics.jsonl).
#
#   usage of both scripts: [REPEATS] [TRAIN_LIMIT] [THREADS]      (defaults 2, 2048, 2)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
repeats="${1:-2}"
train_limit="${2:-2048}"
threads="${3:-2}"
[ -x ./sharpdistill ] || { echo "build SharpDistill first (scripts/setup.sh)" >&2; exit 2; }
work="$(mktemp -d -t sdbench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=PASSIVE

common=(--set "experiment.output_dir=$work" --set dataset.train_limit="$train_limit" --set dataset.test_limit=64
        --set solver.epochs=1 --set log.progress=false --set models.student=resnet8 --set models.teacher=resnet8
        --set dataset.num_workers=1 --set solver.batch_size=64)
# The teacher's weights do not change the cost of a step: a one-epoch teacher on 256 images will do.
SHARPDISTILL_THREADS="$threads" ./sharpdistill train "${common[@]}" --set experiment.name=teacher --set dataset.train_limit=256 >/dev/null
teacher="$work/teacher/checkpoints/latest.safetensors"

images_per_second() { /usr/bin/python3 -c 'import json,sys; print(round(json.loads(open(sys.argv[1]).readline())["ImagesPerSecond"], 1))' "$1/metrics.jsonl"; }
