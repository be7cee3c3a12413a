#!/usr/bin/env bash
# Installs the Debian packages inkan needs to build, run and test, if missing.
# Idempotent: does nothing (no apt-get at all) when everything is present.
set -euo pipefail
pkgs=(
  build-essential pkg-config ca-certificates clang libclang-dev   # compiler, bindgen
  tesseract-ocr tesseract-ocr-jpn tesseract-ocr-eng libtesseract-dev libleptonica-dev
  poppler-utils qpdf                                              # pdftotext / qpdf --check in tests
  chromium                                                        # the web page's end-to-end test (headless)
  python3 python3-pil python3-numpy fonts-ipafont fonts-noto-cjk fonts-dejavu-core  # sample and test-data generators
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup (https://rustup.rs), then run this again" >&2; exit 1; }
