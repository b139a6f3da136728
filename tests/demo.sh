#!/bin/sh
# `make demo`: start the bundled fake portal, run the example's whole flow against it
# with the tool, stop the portal. Usage: demo.sh TOOL PORTAL
set -eu
tool=$1
portal=$2
dir=$(mktemp -d)
"$portal" "$dir" &
portal_pid=$!
trap 'kill "$portal_pid" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM

tries=0
until [ -f "$dir/env" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
        echo "demo: the local portal did not start" >&2
        exit 1
    fi
    sleep 0.1
done
. "$dir/env"
export DOCSPACE_URL

echo "\$ export DOCSPACE_URL=$DOCSPACE_URL"
echo "\$ docspace-guest run --email $DEMO_EMAIL --link $DEMO_LINK --api-key-file api-key"
echo
"$tool" run --email "$DEMO_EMAIL" --link "$DEMO_LINK" --api-key-file "$dir/api-key"
