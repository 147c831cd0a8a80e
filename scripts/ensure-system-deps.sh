#!/usr/bin/env bash
# Debian packages the test suites use: PostgreSQL (Store suite), Chromium (e2e), poppler (PDF text checks), zbar (QR decoding), IPAex fonts (Chromium rendering of Japanese).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
fc-list 2>/dev/null | grep -qi ipaex || need+=(fonts-ipaexfont)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need[*]}"
  if [ "$(id -u)" != 0 ]; then echo "run as root (or install: apt-get install ${need[*]})" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
