#!/bin/sh
# Creates the virtualenv with Python 3.11 (installing python3-venv from Debian if needed) and,
# with --with-system-packages, the Debian packages the test suite uses (as root, if missing).
set -eu
venv="$1"
here=$(cd "$(dirname "$0")" && pwd)

apt_install() {
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "bootstrap: please install these Debian packages: $*" >&2
        return 1
    fi
    echo "bootstrap: installing Debian packages: $*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ! -x "$venv/bin/python" ]; then
    python=""
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
            python="$candidate"
            break
        fi
    done
    if [ -z "$python" ]; then
        echo "bootstrap: Python 3.11 is required (python3.11 or python3 on PATH)." >&2
        exit 1
    fi
    if ! "$python" -m venv "$venv" 2>/dev/null; then
        rm -rf "$venv"
        apt_install python3.11-venv
        "$python" -m venv "$venv"
    fi
    "$venv/bin/python" -m pip install --quiet --upgrade pip
fi

if [ "${2:-}" = "--with-system-packages" ]; then
    missing=""
    for package in $(grep -v '^#' "$here/system-packages.txt"); do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing="$missing $package"
    done
    if [ -n "$missing" ]; then
        # shellcheck disable=SC2086
        apt_install $missing || echo "bootstrap: tests that need$missing will say so and skip." >&2
    fi
fi
