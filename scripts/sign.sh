#!/bin/sh
# `make supply-test`: `make sign` signs dist/SHA256SUMS with an SSH key, the signature
# verifies with `ssh-keygen -Y verify` against an allowed_signers line, and a changed
# byte is caught: in an archive by `sha256sum -c`, in SHA256SUMS by the signature.
# The key is a throwaway ed25519 key made here, in a temporary directory.
# Usage: sign.sh (in the checkout, after make dist)
set -eu
fail() { echo "sign: $*" >&2; exit 1; }
MAKE=${MAKE:-make}

[ -s dist/SHA256SUMS ] || fail "no dist/SHA256SUMS (make dist)"
command -v ssh-keygen >/dev/null || fail "no ssh-keygen (Debian: apt-get install openssh-client)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; rm -f dist/SHA256SUMS.sig' EXIT
principal=release-test@docspace-guest.invalid

ssh-keygen -q -t ed25519 -N '' -C "$principal" -f "$tmp/key"
printf '%s namespaces="file" %s\n' "$principal" "$(cut -d ' ' -f 1,2 "$tmp/key.pub")" \
    > "$tmp/allowed_signers"

rm -f dist/SHA256SUMS.sig
$MAKE -s sign SIGNING_KEY="$tmp/key" >"$tmp/sign.log" 2>&1 || { cat "$tmp/sign.log" >&2; fail "make sign failed"; }
[ -s dist/SHA256SUMS.sig ] || fail "make sign wrote no dist/SHA256SUMS.sig"
head -n 1 dist/SHA256SUMS.sig | grep -q '^-----BEGIN SSH SIGNATURE-----$' ||
    fail "dist/SHA256SUMS.sig is not an SSH signature"

# What the README tells users to run.
verify() { # DIR [NAMESPACE]
    ssh-keygen -Y verify -f "$tmp/allowed_signers" -I "$principal" -n "${2:-file}" \
        -s "$1/SHA256SUMS.sig" < "$1/SHA256SUMS"
}
verify dist >"$tmp/verify.log" 2>&1 || { cat "$tmp/verify.log" >&2; fail "the signature of dist/SHA256SUMS does not verify"; }
grep -q "Good \"file\" signature for $principal" "$tmp/verify.log" ||
    fail "ssh-keygen -Y verify did not say Good: $(cat "$tmp/verify.log")"
(cd dist && sha256sum --quiet -c SHA256SUMS) || fail "sha256sum -c fails on dist/"
verify dist git >/dev/null 2>&1 && fail "the signature verifies in another namespace (git)"

# One byte changed in a copy: flip.py FILE flips the lowest bit of the middle byte.
flip() {
    python3 -c 'import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
data[len(data) // 2] ^= 1
open(path, "wb").write(data)' "$1"
}
archive=$(sed -n '1s/^[0-9a-f]*  //p' dist/SHA256SUMS)
[ -f "dist/$archive" ] || fail "the first line of SHA256SUMS names no file in dist/: $archive"

mkdir "$tmp/archive" && cp dist/SHA256SUMS dist/SHA256SUMS.sig "$tmp/archive/" &&
    cp dist/*.tar.gz dist/*.cdx.json "$tmp/archive/"
flip "$tmp/archive/$archive"
cmp -s "dist/$archive" "$tmp/archive/$archive" && fail "flip changed nothing in $archive"
verify "$tmp/archive" >/dev/null 2>&1 || fail "the signature stopped verifying though SHA256SUMS is unchanged"
(cd "$tmp/archive" && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1) &&
    fail "sha256sum -c accepts $archive with one byte changed"

mkdir "$tmp/sums" && cp dist/SHA256SUMS dist/SHA256SUMS.sig "$tmp/sums/"
flip "$tmp/sums/SHA256SUMS"
cmp -s dist/SHA256SUMS "$tmp/sums/SHA256SUMS" && fail "flip changed nothing in SHA256SUMS"
verify "$tmp/sums" >/dev/null 2>&1 && fail "the signature verifies SHA256SUMS with one byte changed"

echo "sign: make sign signs dist/SHA256SUMS; ssh-keygen -Y verify accepts it and rejects it with one byte changed; sha256sum -c rejects a changed archive"
