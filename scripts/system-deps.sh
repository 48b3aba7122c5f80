#!/usr/bin/env bash
# Install the Debian packages the tests need, only when missing: chromium (browser tests, never a downloaded
# browser) and the PostgreSQL server binaries (store tests run against a real server on loopback).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v initdb >/dev/null 2>&1 || [ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
# Tesseract with French and English data, for scanned letters (ingest/ocr.py).
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
for lang in fra eng; do
  [ -f "/usr/share/tesseract-ocr/5/tessdata/$lang.traineddata" ] || need+=("tesseract-ocr-$lang")
done
command -v dovecot >/dev/null 2>&1 || need+=(dovecot-imapd)  # IMAP tests and bench: a real server on loopback
command -v openssl >/dev/null 2>&1 || need+=(openssl)  # the IMAP tests' throwaway TLS certificate
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
