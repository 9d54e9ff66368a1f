#!/usr/bin/env bash
# SharpDistill against PyTorch 1.13 on this machine, outside the test suite (README, "Speed").
#
#   scripts/bench/compare_pytorch.sh CRLD_SOURCE [REPEATS]
#
# CRLD_SOURCE: a checkout of https://github.com/arcaninez/CRLD, or a bare git directory of it
# (its mdistiller code is exported to a temporary folder; nothing of it enters this repository).
# CRLD_SRC in the environment works too. REPEATS (default 3): alternating repetitions per figure.
# Needs Debian's python3-torch (apt-get install python3-torch python3-torchvision), the built
# ./sharpdistill, dataset-fashion-mnist and farm-bench. Run it on a quiet machine: it prints the
# load average before and after, and every figure is a median over alternating runs.
#
# Prints two tables:
#  1. resnet32x4 -> resnet8x4 CRLD step, batch 64, 2 threads: teacher fwd, student fwd+bwd, step
#     (median ms) for PyTorch fp32 / channels_last / channels_last+autocast bf16 and SharpDistill.
#  2. a whole Fashion-MNIST student run (resnet8, 10k images, 3 epochs, eval after each):
#     SharpDistill vs the PyTorch script, each with its default allocator and with the glibc
#     settings the other would use, timed by farm-bench (A/B pairs, medians).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
source_arg="${1:-${CRLD_SRC:-}}"
repeats="${2:-3}"
# Smaller figures for a smoke test of this script (not for comparisons): COMPARE_STEPS, COMPARE_TRAIN_LIMIT.
steps="${COMPARE_STEPS:-10}"
train_limit="${COMPARE_TRAIN_LIMIT:-10000}"
# Elsewhere (e.g. a GPU machine's CPU, scripts/gpu/check.sh): COMPARE_PYTHON (another python with torch),
# SHARPDISTILL (the command that runs the CLI), COMPARE_STEPS_ONLY=1 (table 1 only, no farm-bench),
# COMPARE_CPUS (a taskset CPU list both sides are pinned to, e.g. 0,1).
python="${COMPARE_PYTHON:-/usr/bin/python3}"
read -r -a sharpdistill <<<"${SHARPDISTILL:-./sharpdistill}"
pin=()
[ -n "${COMPARE_CPUS:-}" ] && pin=(taskset -c "$COMPARE_CPUS")
steps_only="${COMPARE_STEPS_ONLY:-0}"
if [ -z "$source_arg" ]; then echo "usage: $0 CRLD_SOURCE [REPEATS] (a checkout or bare git dir of arcaninez/CRLD)" >&2; exit 2; fi
"$python" -c 'import torch' 2>/dev/null || { echo "needs Debian's python3-torch: apt-get install -y python3-torch python3-torchvision" >&2; exit 2; }
[ -n "${SHARPDISTILL:-}" ] || [ -x ./sharpdistill ] || { echo "build SharpDistill first (scripts/setup.sh)" >&2; exit 2; }
[ "$steps_only" = 1 ] || command -v farm-bench >/dev/null || { echo "needs farm-bench on PATH" >&2; exit 2; }

work="$(mktemp -d /tmp/sd_compare.XXXXXX)"
trap 'rm -rf "$work"' EXIT
if [ -f "$source_arg/mdistiller/distillers/CRLD.py" ]; then
  crld="$source_arg"
elif git --git-dir="$source_arg" rev-parse HEAD >/dev/null 2>&1; then
  mkdir -p "$work/crld" && git --git-dir="$source_arg" archive HEAD mdistiller | tar -x -C "$work/crld"
  crld="$work/crld"
else
  echo "$source_arg is neither a CRLD checkout nor its git directory" >&2; exit 2
fi
export OMP_WAIT_POLICY=PASSIVE
glibc_env=(MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=536870912)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pytorch: $("$python" -c 'import torch; print(torch.__version__)'); pinned to CPUs: ${COMPARE_CPUS:-none}"
echo "flags: $(grep -m1 -o -w -E 'avx512_bf16|amx_bf16' /proc/cpuinfo | sort -u | xargs || true)"

# 1. The CRLD step, PyTorch and SharpDistill alternating.
steps_json="${COMPARE_KEEP:-$work/steps.jsonl}"  # COMPARE_KEEP: keep every measured row there (appended as they come)
# Without native bf16 (avx512_bf16 / amx_bf16) both sides emulate it tens of times slower: the bf16 forms
# are skipped then (COMPARE_BF16=1 runs them anyway).
ours_forms=(default plain-fp32 bf16)
theirs_bf16=()
if ! grep -q -w -E 'avx512_bf16|amx_bf16' /proc/cpuinfo && [ "${COMPARE_BF16:-0}" != 1 ]; then
  echo "no native bf16 on this CPU: the bf16 forms are skipped (COMPARE_BF16=1 to run them emulated)"
  ours_forms=(default plain-fp32)
  theirs_bf16=(--no-bf16)
fi
for ((r = 1; r <= repeats; r++)); do
  "${pin[@]}" "$python" scripts/bench/pytorch_reference.py step --crld-src "$crld" --threads 2 --steps "$steps" --warmup 2 "${theirs_bf16[@]}" >> "$steps_json"
  # SharpDistill in its default compute form, the plain fp32 one, and bf16 (teacher and student).
  for form in "${ours_forms[@]}"; do
    case "$form" in
      default) extra=() ;;
      plain-fp32) extra=(--memory-format contiguous --fold-teacher false) ;;
      bf16) extra=(--student-precision bf16 --teacher-precision bf16 --memory-format channels_last --fold-teacher true) ;;
    esac
    "${pin[@]}" "${sharpdistill[@]}" bench --method crld --teacher resnet32x4 --student resnet8x4 --batch-size 64 --threads 2 \
      --steps "$steps" --warmup-steps 2 --pipeline-samples 64 --teacher-compare-reps 1 "${extra[@]}" --json "$work/ours_${form}_$r.json" > /dev/null
    "$python" - "$work/ours_${form}_$r.json" "$form" >> "$steps_json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["training"]
print(json.dumps({"side": "sharpdistill", "form": sys.argv[2], "teacher_fwd_ms": t["teacher_forward"]["median_ms"],
                  "student_fwd_bwd_ms": t["student_forward_backward"]["median_ms"], "step_ms": t["step"]["median_ms"],
                  "img_per_s": t["images_per_second"]}))
PY
  done
done
"$python" - "$steps_json" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows.setdefault((r["side"], r["form"]), []).append(r)
print("\n| CRLD resnet32x4 -> resnet8x4, batch 64, 2 threads | teacher fwd ms | student fwd+bwd ms | step ms | img/s | runs |")
print("|---|---|---|---|---|---|")
for (side, form), rs in rows.items():
    m = lambda k: statistics.median(r[k] for r in rs)
    print(f"| {side} {form} | {m('teacher_fwd_ms'):.0f} | {m('student_fwd_bwd_ms'):.0f} | {m('step_ms'):.0f} | {m('img_per_s'):.1f} | {len(rs)} |")
PY

[ "$steps_only" = 1 ] && exit 0

# 2. Whole student runs, timed from outside (start-up included), A/B alternating.
cat > "$work/ours.sh" <<SH
d=\$(mktemp -d /tmp/sd_compare_run.XXXXXX)
"$here/sharpdistill" train -c "$here/configs/fashion_mnist/ce/res8.yaml" --set experiment.output_dir=\$d --set dataset.train_limit=$train_limit >/dev/null
s=\$?; rm -rf "\$d"; exit \$s
SH
cat > "$work/theirs.sh" <<SH
exec "$python" "$here/scripts/bench/pytorch_reference.py" run --crld-src "$crld" --threads 2 --train-limit $train_limit >/dev/null
SH
bench() { farm-bench -n "$repeats" --warmup 0 --timeout 3600 "$@"; }
echo
echo "## whole run: A = SharpDistill (default allocator), B = PyTorch (glibc defaults)"
bench --vs "sh $work/theirs.sh" -- sh "$work/ours.sh"
echo
echo "## whole run: A = SharpDistill, B = PyTorch, both under the same glibc settings (${glibc_env[*]})"
env "${glibc_env[@]}" farm-bench -n "$repeats" --warmup 0 --timeout 3600 --vs "sh $work/theirs.sh" -- sh "$work/ours.sh"
echo
echo "## whole run: A = SharpDistill default, B = SharpDistill with glibc defaults (SHARPDISTILL_ALLOCATOR=system)"
bench --vs "env SHARPDISTILL_ALLOCATOR=system sh $work/ours.sh" -- sh "$work/ours.sh"
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
