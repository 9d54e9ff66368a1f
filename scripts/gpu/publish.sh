#!/usr/bin/env bash
# Writes what scripts/gpu/check.sh needs on a CUDA machine that has no .NET SDK (artifacts/gpu):
#   dotnet-runtime.tar.xz  this machine's .NET runtime (host + Microsoft.NETCore.App), unpacked there
#   cli/                   the CLI, framework-dependent, for linux-x64
#   torch-tests/           the engine's test assembly and xunit's console runner, to run the CUDA tests
#   fmnist/                a Fashion-MNIST subset (6,000 training, 2,000 test images) cut from Debian's files
#   gloo/                  Debian's gloo headers, for a libtorch whose include tree lacks them
#   tests/                 the library's test assembly (no ONNX Runtime), for the bf16 training test on a
#                          CPU with native bf16 (GPU machines have one; the developers' machine may not)
#   crld/                  with CRLD_SRC set (a checkout or bare git dir of arcaninez/CRLD): its mdistiller
#                          code, for the PyTorch side of scripts/bench/compare_pytorch.sh on that machine's CPU
# Everything must fit in what the device tool carries (64 MiB with the repository).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=artifacts/gpu
rm -rf "$out" && mkdir -p "$out"

dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
runtime="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }')"
tar -C "$dotnet_root" -cJf "$out/dotnet-runtime.tar.xz" dotnet host "shared/Microsoft.NETCore.App/$runtime"

dotnet publish src/SharpDistill.Cli -c Release -r linux-x64 --self-contained false -o "$out/cli" -nologo -v quiet
# The check runs no ONNX Runtime: leave its library out to stay within what the device tool carries.
rm -f "$out"/cli/*.pdb "$out"/cli/*.xml "$out"/cli/*onnxruntime* "$out"/cli/libsharpdistill_native.so

dotnet build tests/SharpDistill.Torch.Tests -c Release -nologo -v quiet -clp:ErrorsOnly
mkdir -p "$out/torch-tests"
cp tests/SharpDistill.Torch.Tests/bin/Release/net10.0/*.{dll,json} "$out/torch-tests/"
dotnet restore scripts/gpu/xunit-runner -nologo -v quiet
runner="${NUGET_PACKAGES:-$HOME/.nuget/packages}/xunit.runner.console/2.4.1/tools/netcoreapp2.0"
cp -r "$runner" "$out/xunit"

dotnet build tests/SharpDistill.Tests -c Release -nologo -v quiet -clp:ErrorsOnly
mkdir -p "$out/tests"
cp tests/SharpDistill.Tests/bin/Release/net10.0/*.{dll,json} "$out/tests/"
cp -r tests/SharpDistill.Tests/bin/Release/net10.0/Data "$out/tests/"
rm -f "$out"/tests/*OnnxRuntime* "$out/tests/SharpDistill.DistributedHost.dll"

if [ -n "${CRLD_SRC:-}" ]; then
  mkdir -p "$out/crld"
  if [ -d "$CRLD_SRC/mdistiller" ]; then cp -r "$CRLD_SRC/mdistiller" "$out/crld/"
  else git --git-dir="$CRLD_SRC" archive HEAD mdistiller | tar -x -C "$out/crld"; fi
fi

mkdir -p "$out/fmnist"
python3 - <<'PY'
import gzip, struct
src = '/usr/share/datasets/fashion-mnist/'
def cut(name, n, header_ints):
    data = gzip.open(src + name).read()
    head = list(struct.unpack('>' + 'I' * header_ints, data[:4 * header_ints]))
    per_item = 1
    for d in head[2:]: per_item *= d
    head[1] = n
    body = data[4 * header_ints:4 * header_ints + n * per_item]
    gzip.open('artifacts/gpu/fmnist/' + name, 'wb').write(struct.pack('>' + 'I' * header_ints, *head) + body)
cut('train-images-idx3-ubyte.gz', 6000, 4); cut('train-labels-idx1-ubyte.gz', 6000, 2)
cut('t10k-images-idx3-ubyte.gz', 2000, 4); cut('t10k-labels-idx1-ubyte.gz', 2000, 2)
PY
cp -r /usr/include/gloo "$out/gloo"
du -sh "$out"
