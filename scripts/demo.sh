#!/bin/sh
# `make demo`: start the demo portal (tests/demo, seeded by tests/portal/seed.rs), run
# the example's whole flow against it with the tool, then show `access` and a `review`
# with reasons, and stop the portal. With --keep (`make demo-portal`): start it, print
# the lines that point a shell at it, and keep it running until Ctrl-C.
# Usage: demo.sh [--keep] TOOL PORTAL
set -eu
keep=false
if [ "${1-}" = --keep ]; then
    keep=true
    shift
fi
tool=$1
portal=$2
. "$(dirname "$0")/start-portal.sh"
export DOCSPACE_API_KEY

if $keep; then
    echo "The demo portal serves $DOCSPACE_URL until Ctrl-C. In another shell:"
    echo
    echo "export DOCSPACE_URL='$DOCSPACE_URL'"
    echo "export DOCSPACE_API_KEY='$DOCSPACE_API_KEY'"
    echo "alias docspace-guest='$(cd "$(dirname "$tool")" && pwd)/$(basename "$tool")'"
    echo
    echo "then try any command: docspace-guest list, docspace-guest access,"
    echo "docspace-guest review --older-than 90 --inactive 60, docspace-guest disable --email $DEMO_EMAIL,"
    echo "docspace-guest run --email $DEMO_EMAIL --link $DEMO_LINK"
    echo "(the key is the demo portal's own, good nowhere else; Ctrl-C stops the portal)"
    wait "$portal_pid"
    exit 0
fi

show() {
    echo "\$ docspace-guest $*"
    "$tool" "$@"
    echo
}
echo "\$ export DOCSPACE_URL=$DOCSPACE_URL DOCSPACE_API_KEY=sk-…   # the demo's throwaway key"
echo
show run --email "$DEMO_EMAIL" --link "$DEMO_LINK"
show access
show review --older-than 90 --pending-older-than 30 --inviter-gone --inactive 60
echo "make demo-portal keeps the demo portal running, to try any command by hand."
