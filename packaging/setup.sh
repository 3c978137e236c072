#!/usr/bin/env bash
# Sets GPO Studio up on Debian 12 and runs it:
#   bash packaging/setup.sh studio   install packages, build, open the studio on its demo project
#   bash packaging/setup.sh test     install packages, build, run the whole test suite (CTest)
#   bash packaging/setup.sh deb      install packages, build, make the .deb (build/gpo-studio_*.deb)
#   bash packaging/setup.sh test-torch   the same suite built against PyPI's torch wheel (LibTorch 2.x, CUDA
#                                        compiled in) in build-torch/; the wheel goes into a virtual
#                                        environment (GPO_TORCH_VENV, GPO_TORCH_VERSION); needs nvcc
set -euo pipefail
mode="${1:-}"
case "$mode" in studio|test|deb|test-torch) ;; *) echo "usage: $0 studio|test|deb|test-torch" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."

# Why each package is here: README.md, "Dependencies".
packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev libqcustomplot-dev
  nlohmann-json3-dev libsqlite3-dev libsnappy-dev libxxhash-dev libcli11-dev
  libpcre2-dev libutf8proc-dev libtorch-dev libgloo-dev libopenblas0-openmp
  desktop-file-utils appstream python3-venv
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "== installing: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ "$mode" = test-torch ]; then
  exec bash packaging/torch_build.sh
fi

echo "== building"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGPO_BUILD_STUDIO=ON -DGPO_BUILD_TESTS=ON
cmake --build build --parallel "$(nproc)"

if [ "$mode" = deb ]; then
  echo "== packaging"
  cd build
  cpack -G DEB
  exec ls -1 "$PWD"/gpo-studio_*.deb
fi
if [ "$mode" = test ]; then
  echo "== testing"
  cd build
  exec ctest --output-on-failure --parallel "$(nproc)"
fi
echo "== opening the studio on the demo project"
exec ./build/bin/gpo-studio --demo
