#!/usr/bin/env bash
# GPU check: on a CUDA machine with a `torch` wheel but no .NET SDK, builds the native shim against
# the wheel's CUDA libtorch (with NCCL where the wheel's headers and nccl.h are there), runs the
# engine's test suite on it (CUDA and NCCL tests included), then the CLI's CUDA paths: bench, a
# teacher, every method's distill, and data-parallel runs through `launch`.
# Needs artifacts/gpu from scripts/gpu/publish.sh. Usage: scripts/gpu/check.sh [out-dir]
set -uo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
out="${1:-${OUT:-artifacts/gpu/out}}"; mkdir -p "$out"
kit="$root/artifacts/gpu"
py="${PYTHON:-python3}"
step() { echo "== $*"; local t0=$SECONDS; "$@" >"$out/step.log" 2>&1; local rc=$?; tail -${TAIL:-12} "$out/step.log"; cat "$out/step.log" >>"$out/all.log"; echo "rc=$rc ($((SECONDS - t0)) s)"; }

echo "== machine: $(nproc) cores; $(nvidia-smi -L 2>&1 | head -2)"
echo "== libtorch: $("$py" -c 'import torch;print(torch.__version__, "cuda", torch.version.cuda)')"
mkdir -p /tmp/dotnet && tar -C /tmp/dotnet -xJf "$kit/dotnet-runtime.tar.xz"
# DOTNET_ROLL_FORWARD: xunit's console runner targets netcoreapp2.0 and runs on the newer runtime.
export DOTNET_ROOT=/tmp/dotnet PATH="/tmp/dotnet:$PATH" DOTNET_ROLL_FORWARD=Major DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

torch_dir="$("$py" -c 'import torch,os;print(os.path.join(torch.utils.cmake_prefix_path,"Torch"))')"
torch_inc="$("$py" -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"include"))')"
nccl_inc="$("$py" -c 'import nvidia.nccl,os;print(os.path.join(list(nvidia.nccl.__path__)[0],"include"))' 2>/dev/null)"
extra=()
[ -n "$nccl_inc" ] && extra+=(-DSHARPDISTILL_NCCL_INCLUDE="$nccl_inc")
# c10d's gloo header needs gloo's headers; use Debian's copy when the wheel does not ship them.
[ -d "$torch_inc/gloo" ] || extra+=(-DCMAKE_CXX_FLAGS="-isystem $kit/gloo/..")
echo "== nccl.h: ${nccl_inc:-none}; gloo headers in the wheel: $([ -d "$torch_inc/gloo" ] && echo yes || echo no)"
t0=$SECONDS
cmake -S native -B native/build-cuda -DTorch_DIR="$torch_dir" -DCMAKE_BUILD_TYPE=Release "${extra[@]}" >"$out/cmake.log" 2>&1 &&
  cmake --build native/build-cuda -j"$(nproc)" -- -k >>"$out/cmake.log" 2>&1 || { grep -E "error|Error" "$out/cmake.log" | head -40; exit 1; }
grep -E "sharpdistill:|NCCL" "$out/cmake.log" | head -5
echo "== shim built in $((SECONDS - t0)) s"
export SHARPDISTILL_NATIVE="$root/native/build-cuda/libsharpdistill_native.so" OMP_WAIT_POLICY=PASSIVE

(cd "$kit/torch-tests" && TAIL=25 step dotnet "$kit/xunit/xunit.console.dll" SharpDistill.Torch.Tests.dll -parallel none -noColor)

cli=("dotnet" "$kit/cli/SharpDistill.Cli.dll")
# Run directories stay outside out-dir: the device tool brings back only a few files, which should be
# the logs and summaries (all.log has every step's whole output).
runs=/tmp/sd_gpu_runs
common=(--set dataset.root="$kit/fmnist" --set experiment.device=cuda --set experiment.output_dir="$runs" --set dataset.train_limit=6000 --set dataset.test_limit=2000)
bench=("${cli[@]}" bench --device cuda --teacher resnet32x4 --student resnet8x4 --method crld --batch-size 64 --steps 50)
step "${bench[@]}" --json "$out/bench_crld_cuda.json"
step "${bench[@]}" --student-precision bf16 --teacher-precision bf16 --json "$out/bench_crld_cuda_bf16.json"
step "${cli[@]}" train -c configs/fashion_mnist/ce/res20.yaml "${common[@]}" --set solver.epochs=2
teacher="$(ls -d "$runs"/*res20*/checkpoints/best.safetensors | head -1)"
for m in kd dkd dist crld dcd cmkd; do
  cfg="$(ls configs/fashion_mnist/$m/*.yaml | head -1)"
  step "${cli[@]}" distill -c "$cfg" "${common[@]}" --set solver.epochs=1 --set models.teacher_checkpoint="$teacher"
done
crld="$(ls configs/fashion_mnist/crld/*.yaml | head -1)"
dist=(--set solver.epochs=1 --set models.teacher_checkpoint="$teacher")
# bf16: the student under CUDA autocast, the teacher's weights in bf16.
step "${cli[@]}" distill -c "$crld" "${common[@]}" "${dist[@]}" --set compute.student_precision=bf16 --set compute.teacher_precision=bf16 --set experiment.name=crld_bf16
# Small gradient buckets (several per step, all-reduced during backward) and synchronised batch norm.
export SHARPDISTILL_BUCKET_MB=0.05
dist+=(--set distributed.sync_batch_norm=true)
# One process: NCCL chosen by default for CUDA tensors (world size 1).
step "${cli[@]}" launch --nproc-per-node 1 -- distill -c "$crld" "${common[@]}" "${dist[@]}" --set experiment.name=launch_nccl_1
# Two processes sharing the one GPU: NCCL refuses two ranks on one device, so gloo carries CUDA tensors.
SHARPDISTILL_DIST_BACKEND=gloo step "${cli[@]}" launch --nproc-per-node 2 -- distill -c "$crld" "${common[@]}" "${dist[@]}" \
  --set experiment.device=cuda:0 --set experiment.name=launch_gloo_2
unset SHARPDISTILL_BUCKET_MB
# Two processes asking for one GPU each on a one-GPU machine: a readable error, exit 2.
[ "$(nvidia-smi -L | wc -l)" -lt 2 ] && step "${cli[@]}" launch --nproc-per-node 2 -- distill -c "$crld" "${common[@]}" "${dist[@]}" --set experiment.name=launch_too_many

# The machine's CPU: the bf16 training test where the CPU has native bf16, and (with crld/ in the
# kit) the CRLD step against PyTorch on two pinned cores, like the developers' 2-core machine.
if [ ! -e /usr/share/datasets/fashion-mnist ] && [ -w /usr/share ]; then
  mkdir -p /usr/share/datasets && cp -r "$kit/fmnist" /usr/share/datasets/fashion-mnist
fi
echo "== CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); bf16 flags: $(grep -m1 -o -w -E 'avx512_bf16|amx_bf16' /proc/cpuinfo | sort -u | xargs)"
(cd "$kit/tests" && TAIL=8 step dotnet "$kit/xunit/xunit.console.dll" SharpDistill.Tests.dll -class SharpDistill.Tests.Training.Bf16TrainingTests -noColor)
# fp32 against bf16 autocast on that CPU, paired by seed (all cores; resnet8 on the Fashion-MNIST subset).
for seed in 1 2 3; do
  for precision in fp32 bf16; do
    TAIL=1 step "${cli[@]}" train -c configs/fashion_mnist/ce/res8.yaml --set dataset.root="$kit/fmnist" --set experiment.device=cpu \
      --set experiment.output_dir=/tmp/sd_cpu_runs --set experiment.name="res8_${precision}_seed$seed" --set experiment.seed=$seed \
      --set solver.epochs=3 --set compute.student_precision=$precision
  done
done
("$py" - /tmp/sd_cpu_runs <<'PY'
import csv, os, statistics, sys
root = sys.argv[1]
def last(name):
    rows = list(csv.DictReader(open(os.path.join(root, name, "metrics.csv"))))
    return float(rows[-1]["test_top1"])
fp32 = [last(f"res8_fp32_seed{s}") for s in (1, 2, 3)]
bf16 = [last(f"res8_bf16_seed{s}") for s in (1, 2, 3)]
d = [b - f for f, b in zip(fp32, bf16)]
print("== CPU fp32 vs bf16, resnet8, 3 epochs, seeds 1-3: fp32 %s, bf16 %s" % (fp32, bf16))
print("   fp32 %.2f +- %.2f, bf16 %.2f +- %.2f, paired bf16 - fp32 %.2f +- %.2f" % (
    statistics.mean(fp32), statistics.stdev(fp32), statistics.mean(bf16), statistics.stdev(bf16), statistics.mean(d), statistics.stdev(d)))
PY
) | tee "$out/bf16_seeds.txt"
if [ -d "$kit/crld/mdistiller" ]; then
  TAIL=12 COMPARE_PYTHON="$py" SHARPDISTILL="dotnet $kit/cli/SharpDistill.Cli.dll" COMPARE_STEPS_ONLY=1 COMPARE_CPUS="${COMPARE_CPUS:-0,1}" \
    COMPARE_STEPS="${COMPARE_STEPS:-8}" COMPARE_KEEP="$out/compare_steps.jsonl" step bash scripts/bench/compare_pytorch.sh "$kit/crld" "${COMPARE_REPEATS:-2}"
fi
echo "== done in $SECONDS s"
