#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the Fashion-MNIST distillation study
# (teacher once, then student baseline, KD, DKD, DIST, CRLD, DCD, CMKD for each of the config's seeds)
# on the CPU, printing the table over seeds (mean ± std, paired gain with 95 % interval, verdict) and
# writing runs/study/report/report.html. Extra arguments go to `sharpdistill study` (e.g. --seeds 5;
# `--from runs/study` re-reports finished runs without training).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
exec ./sharpdistill study --config configs/fashion_mnist/study.yaml "$@"
