#!/usr/bin/env bash
# System packages Paragraf uses beside Python: Tesseract with Swedish data (OCR of scanned PDFs)
# and Chromium + ChromeDriver (browser tests). Installs what is missing from Debian's packages
# when run as root (or with passwordless sudo); otherwise says what to install. Idempotent.
set -euo pipefail
missing=()
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx swe; then
  missing+=(tesseract-ocr-swe)
fi
if [ "${PARAGRAF_SKIP_BROWSER:-0}" != "1" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "OBS: installera systempaketen ${missing[*]} (apt-get install ${missing[*]}); OCR och webbläsartester kräver dem." >&2
  exit 0
fi
echo "==> Installerar systempaket: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
