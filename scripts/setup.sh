#!/usr/bin/env bash
# Installs what SharpDistill needs on Debian 12 when it is missing, then builds native and managed
# code. Idempotent: when everything is installed and up to date it only runs an incremental build.
#   libtorch-dev          the tensor engine (libtorch 1.13, CPU) and its CMake package
#   libopenblas0-pthread  an optimised BLAS, so libtorch does not fall back to the reference one
#   dataset-fashion-mnist the default dataset for CPU runs (/usr/share/datasets/fashion-mnist)
#   libturbojpeg0, libspng0  JPEG and PNG decoding for image-folder datasets (Tiny-ImageNet, ImageNet)
#   libgloo-dev           headers of gloo, which libtorch's c10d ProcessGroupGloo header needs (data-parallel training)
#   cmake, g++, make      to build the native shim
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libtorch-dev libopenblas0-pthread dataset-fashion-mnist libturbojpeg0 libspng0 libgloo-dev cmake g++ make)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET 10 SDK is required but 'dotnet' is not on PATH (see https://learn.microsoft.com/dotnet/core/install/linux-debian)" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build SharpDistill.slnx -c Release -nologo -v quiet -clp:ErrorsOnly
