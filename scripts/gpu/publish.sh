#!/usr/bin/env bash
# Writes what scripts/gpu/check.sh needs on a CUDA machine that has no .NET SDK: the CLI as a
# self-contained single-file build (artifacts/gpu/cli) and a Fashion-MNIST subset (6,000 training,
# 2,000 test images, artifacts/gpu/fmnist) cut from the Debian package's files.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet publish src/SharpDistill.Cli -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
  -p:EnableCompressionInSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -o artifacts/gpu/cli -nologo -v quiet
# The GPU check runs no ONNX Runtime: leave its library out to stay within what the device tool carries.
rm -f artifacts/gpu/cli/*.pdb artifacts/gpu/cli/*.xml artifacts/gpu/cli/onnxruntime*
mkdir -p artifacts/gpu/fmnist
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
du -sh artifacts/gpu
