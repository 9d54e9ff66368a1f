#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the Fashion-MNIST distillation study
# (teacher, student baseline, KD, DKD, DIST, CRLD, DCD, CMKD) on the CPU, printing the results table
# and writing runs/study/report/report.html. Extra arguments go to `sharpdistill study`.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
exec ./sharpdistill study --config configs/fashion_mnist/study.yaml "$@"
