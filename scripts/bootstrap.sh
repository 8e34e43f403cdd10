#!/usr/bin/env bash
# Gets a checkout ready to run: uv (installed with pip if it is missing), then the
# project's virtualenv synced from uv.lock (.venv, with the dev group).
#
# Works on a fresh Debian 12 that has only python3, git and make. Quick and harmless
# when everything is already there.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"

say() { printf '==> %s\n' "$*"; }
die() {
    printf 'bootstrap: error: %s\n' "$*" >&2
    exit 1
}

# Where `pip install --user` puts scripts: normally ~/.local/bin.
user_bin() {
    local base
    base="$("$PYTHON" -c 'import site; print(site.getuserbase())' 2>/dev/null || true)"
    [ -n "$base" ] && echo "$base/bin"
    echo "${HOME:-~}/.local/bin"
}

find_uv() {
    if command -v uv >/dev/null 2>&1; then
        command -v uv
        return 0
    fi
    local dir
    for dir in $(user_bin); do
        if [ -x "$dir/uv" ]; then
            echo "$dir/uv"
            return 0
        fi
    done
    return 1
}

ensure_pip() {
    if "$PYTHON" -m pip --version >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "pip is missing: installing python3-pip with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends python3-pip </dev/null
        "$PYTHON" -m pip --version >/dev/null 2>&1 || die "python3-pip is installed but '$PYTHON -m pip' still fails"
        return 0
    fi
    die "uv is missing and so is pip, needed to install it. Run:
    sudo apt-get install -y python3-pip
and try again (or install uv yourself: https://docs.astral.sh/uv/getting-started/installation/)."
}

install_uv() {
    command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found: vanphong needs Python 3.11 or later"
    ensure_pip
    export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
    local where=(--user)
    # Inside a virtualenv `--user` is refused; the virtualenv's bin/ is on PATH anyway.
    if "$PYTHON" -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)'; then
        where=()
    fi
    say "installing uv: $PYTHON -m pip install ${where[*]} uv"
    local output
    if output="$("$PYTHON" -m pip install --quiet "${where[@]}" uv 2>&1)"; then
        [ -z "$output" ] || printf '%s\n' "$output"
        return 0
    fi
    if grep -q 'externally-managed-environment' <<<"$output"; then
        # Debian marks its Python as externally managed (PEP 668). uv is a standalone
        # binary that touches nothing of the system's Python, so a --user install is safe.
        say "the system Python is externally managed (PEP 668): retrying with --break-system-packages"
        "$PYTHON" -m pip install --quiet "${where[@]}" --break-system-packages uv
        return 0
    fi
    printf '%s\n' "$output" >&2
    die "could not install uv with pip"
}

if ! uv="$(find_uv)"; then
    say "uv not found"
    install_uv
    uv="$(find_uv)" || die "uv was installed but is not in $(user_bin | paste -sd' ')"
fi
case ":$PATH:" in
    *":$(dirname "$uv"):"*) ;;
    *) say "note: $(dirname "$uv") is not on your PATH; make adds it, or add it to your shell profile" ;;
esac
say "uv: $uv ($("$uv" --version))"

say "syncing .venv from uv.lock (uv sync --frozen --compile-bytecode)"
# Bytecode compiled once here: every process (a worker, a command) would otherwise
# compile the libraries again when it starts where .pyc files are not written
# (PYTHONDONTWRITEBYTECODE, a read-only install): 2.7 s of a worker's start.
"$uv" sync --frozen --compile-bytecode
say "bootstrap done"
