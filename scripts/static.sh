#!/bin/sh
# `make static-test`: each static binary is statically linked, within the size budget,
# and runs the demo flow from an empty directory with a cleared environment (the
# aarch64 one under qemu). Usage: static.sh PORTAL TARGET...
set -eu
portal=$1
shift
budget=2000000
top=$(pwd)
. "$(dirname "$0")/start-portal.sh"

fail() { echo "static: $target: $*" >&2; exit 1; }
for target in "$@"; do
    bin="$top/target/$target/release/docspace-guest"
    [ -f "$bin" ] || fail "not built (make static)"
    file "$bin" | grep -Eq "statically linked|static-pie linked" || fail "not static: $(file "$bin")"
    ldd "$bin" >/dev/null 2>&1 && ! ldd "$bin" 2>&1 | grep -q "statically linked" &&
        fail "ldd lists libraries: $(ldd "$bin")"
    size=$(wc -c < "$bin")
    [ "$size" -le "$budget" ] || fail "$size bytes, over the budget of $budget"
    case "$target" in
        x86_64-*) runner="" ;;
        aarch64-*) runner="qemu-aarch64-static" ;;
        *) fail "no way to run it here" ;;
    esac
    empty=$(mktemp -d)
    cp "$bin" "$empty/docspace-guest"
    cp "$work/api-key" "$empty/key"
    out=$(cd "$empty" && env -i DOCSPACE_URL="$DOCSPACE_URL" $runner ./docspace-guest run \
        --email "$DEMO_EMAIL" --link "$DEMO_LINK" --api-key-file key) || fail "the flow failed: $out"
    rm -rf "$empty"
    echo "$out" | grep -q "deleted successfully.$" || fail "unexpected output: $out"
    echo "static: $target: statically linked, $size bytes, runs the demo flow${runner:+ under $runner}"
done
