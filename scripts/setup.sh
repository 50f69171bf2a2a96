#!/usr/bin/env bash
# Installs the Debian packages numkit needs, only those that are missing.
# Idempotent: runs `apt-get update` only when something must be installed.
# Usage: scripts/setup.sh [--bench]   (--bench adds the peers: NumPy/SciPy and R)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libeigen3-dev libboost-dev libboost-math-dev libboost-iostreams-dev libboost-filesystem-dev
  libcli11-dev catch2 libgnuplot-iostream-dev gnuplot-nox nlohmann-json3-dev libfmt-dev
  libbenchmark-dev liblbfgspp-dev libspectra-dev libsuitesparse-dev libgmp-dev libmpfr-dev
  libopenblas-dev liblapacke-dev libzip-dev
  # make install's man page, generated from the help text
  help2man
  # the PETSc engine (a plugin loaded only by the commands that use it): PETSc 3.18 with hypre
  # and MUMPS, Open MPI and its launcher
  libpetsc-real-dev libopenmpi-dev openmpi-bin
  # the libFuzzer harnesses (scripts/fuzz.sh): clang with its sanitizer and fuzzer runtimes
  clang-14 libclang-rt-14-dev libfuzzer-14-dev libomp-14-dev
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3-numpy python3-scipy r-base-core hyperfine)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
