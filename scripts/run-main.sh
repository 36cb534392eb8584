#!/usr/bin/env bash
# The main job: install what is missing, build, replay every bundled trace.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"
shopt -s nullglob
traces=(traces/*.json traces/*.jsonl traces/findings/*.json)
./build/hypsec-model replay "${traces[@]}"
