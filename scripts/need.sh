#!/bin/sh
# Makes sure commands exist: each argument is COMMAND:DEBIAN_PACKAGE. Missing ones are
# installed with apt-get when we are root on Debian/Ubuntu; otherwise they are named.
set -eu
missing=""
for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    echo "missing:$missing (Debian/Ubuntu: sudo apt-get install$missing)" >&2
    exit 1
fi
