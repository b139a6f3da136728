# Sourced by demo.sh and static.sh: starts the local portal (PORTAL) writing into a new
# temporary directory, $work, waits until it is ready, loads its env file, and stops it
# and removes $work on exit.
work=$(mktemp -d)
"$portal" "$work" &
portal_pid=$!
trap 'kill "$portal_pid" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
tries=0
until [ -f "$work/env" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
        echo "the local portal did not start" >&2
        exit 1
    fi
    sleep 0.1
done
. "$work/env"
export DOCSPACE_URL
