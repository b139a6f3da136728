#!/bin/sh
# `make demo`: start the bundled fake portal, run the example's whole flow against it
# with the tool, stop the portal. Usage: demo.sh TOOL PORTAL
set -eu
tool=$1
portal=$2
. "$(dirname "$0")/start-portal.sh"

echo "\$ export DOCSPACE_URL=$DOCSPACE_URL"
echo "\$ docspace-guest run --email $DEMO_EMAIL --link $DEMO_LINK --api-key-file api-key"
echo
"$tool" run --email "$DEMO_EMAIL" --link "$DEMO_LINK" --api-key-file "$work/api-key"
