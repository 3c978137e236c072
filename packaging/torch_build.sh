#!/usr/bin/env bash
# The second build: GPO Studio against the LibTorch inside PyPI's `torch` wheel (2.x, CUDA compiled in),
# the one GPU users have, beside Debian's 1.13 (build/). Called by `setup.sh test-torch` after the Debian
# packages are in; builds build-torch/ and runs the whole CTest suite there (on CPU).
#   GPO_TORCH_VENV     where the wheel is installed (default: ~/.cache/gpo-studio/torch-venv)
#   GPO_TORCH_VERSION  the torch version (default: the one this commit was tested with)
#   GPO_TORCH_TESTS    a ctest -R regex to run a subset (default: every suite)
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${GPO_TORCH_VENV:-$HOME/.cache/gpo-studio/torch-venv}"
version="${GPO_TORCH_VERSION:-2.15.0}"
python=/usr/bin/python3
[ -x "$python" ] || python=python3

if ! "$venv/bin/python" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$version')" 2>/dev/null; then
  echo "== installing torch $version into $venv (PyPI's Linux wheel brings its CUDA libraries: several GB)"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "torch==$version"
fi
prefix="$("$venv/bin/python" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)"
echo "== LibTorch: $("$venv/bin/python" -c 'import torch; print(torch.__version__)' 2>/dev/null) at $prefix"

# The wheel's LibTorch is CUDA-enabled, and its CMake package looks for the CUDA toolkit. Naming the GPU
# architectures spares it the detection, which needs a GPU and fails without one.
if ! command -v nvcc >/dev/null; then
  for d in /usr/local/cuda/bin /usr/local/cuda-*/bin; do [ -x "$d/nvcc" ] && PATH="$d:$PATH" && break; done
fi
command -v nvcc >/dev/null || { echo "setup.sh test-torch: the torch wheel's CMake package needs the CUDA toolkit (nvcc)" >&2; exit 1; }
export TORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-8.0;9.0}"

# The wheel's CUDA libraries (NCCL, cuBLAS, …) sit beside torch in the environment. The linker must take
# those, not an older copy the CUDA toolkit installed (its libnccl lacks symbols libtorch_cuda needs); at
# run time libtorch's own RPATH finds them.
site="$("$venv/bin/python" -c 'import site; print(site.getsitepackages()[0])')"
rpath_link="$(find "$site/nvidia" -maxdepth 2 -type d -name lib 2>/dev/null | paste -sd:)"

echo "== building (build-torch)"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-torch -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGPO_BUILD_STUDIO=ON -DGPO_BUILD_TESTS=ON \
  -DGPO_PACKAGE_TESTS=OFF \
  -DCMAKE_PREFIX_PATH="$prefix" ${rpath_link:+"-DCMAKE_EXE_LINKER_FLAGS=-Wl,-rpath-link,$rpath_link"} \
  ${rpath_link:+"-DCMAKE_SHARED_LINKER_FLAGS=-Wl,-rpath-link,$rpath_link"} "${launcher[@]}"
cmake --build build-torch --parallel "$(nproc)"

echo "== testing (build-torch)"
cd build-torch
./bin/gpo doctor
exec ctest --output-on-failure --parallel "$(nproc)" ${GPO_TORCH_TESTS:+-R "$GPO_TORCH_TESTS"}
