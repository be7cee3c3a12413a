#!/usr/bin/env bash
# The whole test suite: unit tests of every crate and the end-to-end tests
# (real binary, real tesseract, generated scans). Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo test --workspace --no-fail-fast
