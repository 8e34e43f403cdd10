#!/usr/bin/env bash
# Debian packages that vanphong needs for a purpose: demo, test or ci.
#
#   scripts/system-packages.sh [demo|test|ci]      (default: demo)
#
# As root it installs the missing ones with apt-get (one `apt-get update`, only if
# something is missing). Otherwise it prints the one `sudo apt-get install ...` line
# for what is missing and carries on: the caller decides whether it can do without.
set -euo pipefail

purpose="${1:-demo}"

# gettext is not needed for the demo: the compiled .mo files are committed.
# libpango: WeasyPrint renders the printed registers (PDF) with it.
# fonts-liberation2: Liberation Serif with every Vietnamese letter (the drafts' PDFs and the
# signature stamp; fonts-liberation 1.x lacks some).
# unpaper: OCRmyPDF's --clean of noisy scans.
demo=(tesseract-ocr tesseract-ocr-vie ghostscript unpaper fonts-liberation fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0)
# softhsm2: a PKCS#11 token in software, for the tests of signing with a token.
test=("${demo[@]}" chromium fonts-dejavu-core softhsm2)
# wrk: bench/public.py measures the public home page with it.
ci=("${test[@]}" postgresql wrk)

case "$purpose" in
    demo) wanted=("${demo[@]}") ;;
    test) wanted=("${test[@]}") ;;
    ci) wanted=("${ci[@]}") ;;
    *)
        echo "usage: $0 [demo|test|ci]" >&2
        exit 2
        ;;
esac

say() { printf '==> %s\n' "$*"; }

if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    say "system packages ($purpose): not a Debian system; make sure these are installed: ${wanted[*]}"
    exit 0
fi

missing=()
for package in "${wanted[@]}"; do
    if ! dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed$'; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    say "system packages ($purpose): all present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    say "system packages ($purpose): missing ${missing[*]}; install them with:"
    echo "    sudo apt-get install -y --no-install-recommends ${missing[*]}"
    say "continuing without them"
    exit 0
fi

say "system packages ($purpose): installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
say "system packages ($purpose): installed"
