#!/usr/bin/env bash
# Installs what building and testing hypsec-model needs (Debian, as root),
# and only what is missing.
set -euo pipefail
packages=(build-essential cmake pkg-config libglib2.0-dev libjansson-dev libcmocka-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
