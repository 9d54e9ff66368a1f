#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds, runs every test project, and ends
# with one summary line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
scripts/setup.sh || exit 1
# libtorch's OpenMP threads busy-wait by default, which starves the other threads (data loading,
# the other test host) on a small machine; sleeping waits cost little here.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
log=$(mktemp)
dotnet test SharpDistill.slnx -c Release --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# dotnet test prints one "Failed: a, Passed: b, Skipped: c" line per test assembly.
summary=$(grep -oE 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" |
  awk -F'[:,] +' '{f+=$2; p+=$4; s+=$6} END {printf "%d passed, %d failed, %d skipped", p, f, s}')
rm -f "$log"
echo "${summary:-0 passed, 1 failed}"
exit "$status"
