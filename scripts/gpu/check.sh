#!/usr/bin/env bash
# GPU check: builds the native shim against the CUDA libtorch of a `torch` wheel and runs the CLI's
# CUDA paths. Meant for a CUDA machine without the .NET SDK: the CLI travels as a self-contained
# single-file build (scripts/gpu/publish.sh writes artifacts/gpu/cli) with a Fashion-MNIST subset in
# artifacts/gpu/fmnist. Usage: scripts/gpu/check.sh [out-dir]
set -uo pipefail
cd "$(dirname "$0")/../.."
out="${1:-${OUT:-artifacts/gpu/out}}"; mkdir -p "$out"
py="${PYTHON:-python3}"
torch_dir="$("$py" -c 'import torch,os;print(os.path.join(torch.utils.cmake_prefix_path,"Torch"))')"
echo "== libtorch: $("$py" -c 'import torch;print(torch.__version__, "cuda", torch.version.cuda)')"
cmake -S native -B native/build-cuda -DTorch_DIR="$torch_dir" -DCMAKE_BUILD_TYPE=Release >"$out/cmake.log" 2>&1 &&
  cmake --build native/build-cuda -j"$(nproc)" -- -k >>"$out/cmake.log" 2>&1 || { tail -60 "$out/cmake.log"; exit 1; }
export SHARPDISTILL_NATIVE="$PWD/native/build-cuda/libsharpdistill_native.so"
cli=artifacts/gpu/cli/SharpDistill.Cli
data="$PWD/artifacts/gpu/fmnist"
step() { echo "== $*"; "$@" 2>&1 | tail -25; echo "rc=${PIPESTATUS[0]}"; }
runs="$out/runs"
common=(--set dataset.root="$data" --set experiment.device=cuda --set experiment.output_dir="$runs" --set dataset.train_limit=6000 --set dataset.test_limit=2000)
step $cli bench --device cuda --teacher resnet32x4 --student resnet8x4 --method crld --batch-size 64 --steps 20 --json "$out/bench_crld_cuda.json"
step $cli train -c configs/fashion_mnist/ce/res20.yaml "${common[@]}" --set solver.epochs=2
teacher="$(ls -d "$runs"/*res20*/checkpoints/best.safetensors | head -1)"
for m in kd dkd dist crld dcd cmkd; do
  cfg="$(ls configs/fashion_mnist/$m/*.yaml | head -1)"
  step $cli distill -c "$cfg" "${common[@]}" --set solver.epochs=1 --set models.teacher_checkpoint="$teacher"
done
