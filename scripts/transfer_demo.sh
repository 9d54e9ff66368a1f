#!/usr/bin/env bash
# The CPU-scale transfer demonstration (docs/transfer.md): on Fashion-MNIST, train a resnet20 teacher
# on classes 0-4 once, then for each seed the resnet8 baseline and the same student distilled with each
# method, then probe every student's (and the teacher's) frozen features on classes 5-9 with a new linear
# classifier, in both batch-norm modes. Every step is an ordinary, resumable run under runs/transfer_demo (a finished
# run is skipped), and the table is printed by scripts/transfer_demo_table.py.
#
#   scripts/transfer_demo.sh                  # seeds 0 1 2, methods kd dcd
#   SEEDS="0 1" METHODS="kd dcd crld" scripts/transfer_demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${SEEDS:-"0 1 2"}
METHODS=${METHODS:-"kd dcd"}
OUT=runs/transfer_demo
CONFIGS=configs/fashion_mnist/transfer
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}

# Runs `sharpdistill VERB ...` for run directory $OUT/NAME unless that run already finished;
# a run that was interrupted is resumed.
run() {
  local name=$1; shift
  local latest=$OUT/$name/checkpoints/latest.safetensors
  if grep -qs "^last_acc" "$OUT/$name/worklog.txt"; then
    echo "== $name: finished earlier, reused"; return
  fi
  echo "== $name"
  if [[ -f $latest ]]; then ./sharpdistill "$@" --resume; else ./sharpdistill "$@"; fi
}

run teacher_res20 train -c $CONFIGS/teacher_res20.yaml --set log.progress=false
for seed in $SEEDS; do
  run ce-seed$seed train -c $CONFIGS/student_res8.yaml --set experiment.seed=$seed --set experiment.name=ce-seed$seed --set log.progress=false
  for method in $METHODS; do
    config=$CONFIGS/${method}_res20_res8.yaml
    [[ -f $config ]] || config=$CONFIGS/kd_res20_res8.yaml
    run $method-seed$seed distill -c "$config" --set distiller.method=$method --set experiment.seed=$seed \
      --set experiment.name=$method-seed$seed --set log.progress=false
  done
  # The teacher's own features too (one teacher; each seed gives its probe another init and data order).
  for method in teacher ce $METHODS; do
    student=$OUT/$method-seed$seed/checkpoints/latest.safetensors
    [[ $method == teacher ]] && student=$OUT/teacher_res20/checkpoints/latest.safetensors
    run probe-bn_train-$method-seed$seed transfer "$student" -c $CONFIGS/probe_res8.yaml \
      --set experiment.seed=$seed --set experiment.name=probe-bn_train-$method-seed$seed --set log.progress=false
    run probe-bn_frozen-$method-seed$seed transfer "$student" --strict -c $CONFIGS/probe_res8.yaml \
      --set experiment.seed=$seed --set experiment.name=probe-bn_frozen-$method-seed$seed --set log.progress=false
  done
done
python3 scripts/transfer_demo_table.py "$OUT"
