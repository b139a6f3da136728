#!/bin/sh
# `make supply-test`: what a scanner reads in each static binary (cargo auditable's
# dependency list, read back with rust-audit-info), the SBOM beside each archive and the
# THIRD-PARTY file inside it, all against Cargo.lock and `cargo metadata`.
# Usage: supply.sh VERSION TARGET... (in the checkout, after make dist; SOURCE_DATE_EPOCH set)
set -eu
fail() { echo "supply: $*" >&2; exit 1; }
version=$1
shift
[ -n "${SOURCE_DATE_EPOCH:-}" ] || fail "SOURCE_DATE_EPOCH is not set"
command -v rust-audit-info >/dev/null || fail "no rust-audit-info (cargo install --locked rust-audit-info)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name version, one a line, of every package in Cargo.lock.
python3 -c 'import sys, tomllib
for p in tomllib.load(open("Cargo.lock", "rb"))["package"]:
    print(p["name"], p["version"])' > "$tmp/lock"

for target in "$@"; do
    bin=target/$target/release/docspace-guest
    name=docspace-guest-$version-$target
    [ -x "$bin" ] || fail "$bin was not built (make static)"
    rust-audit-info "$bin" > "$tmp/audit.json" 2>"$tmp/audit.err" ||
        fail "$bin carries no dependency list (cargo auditable): $(cat "$tmp/audit.err")"
    # The crates compiled in (not the build scripts' ones), as rust-audit-info reads them.
    python3 -c 'import json, sys
for p in json.load(open(sys.argv[1]))["packages"]:
    if p.get("kind", "runtime") == "runtime" and not p.get("root"):
        print(p["name"], p["version"])' "$tmp/audit.json" | sort > "$tmp/audit"
    for crate in ureq rustls ring serde_json lexopt; do
        want=$(awk -v c="$crate" '$1 == c { print $2 }' "$tmp/lock" | sort | tr '\n' ' ')
        got=$(awk -v c="$crate" '$1 == c { print $2 }' "$tmp/audit" | sort | tr '\n' ' ')
        [ -n "$want" ] || fail "$crate is not in Cargo.lock"
        [ "$got" = "$want" ] || fail "$bin: $crate ${got:-missing}, Cargo.lock says $want"
    done
    # Every crate in the binary is in Cargo.lock, at that version.
    while read -r crate v; do
        grep -qx "$crate $v" "$tmp/lock" || fail "$bin: $crate $v is not in Cargo.lock"
    done < "$tmp/audit"
    python3 scripts/crates.py list "$target" | sort > "$tmp/compiled"
    cmp -s "$tmp/audit" "$tmp/compiled" || fail "$bin: the embedded list and cargo metadata disagree:
$(diff "$tmp/audit" "$tmp/compiled")"
    count=$(wc -l < "$tmp/compiled")
    echo "supply: $bin: rust-audit-info reads $count crates, at Cargo.lock's versions"

    # The SBOM: the same crates, the commit's time, nothing of this machine.
    sbom=dist/$name.cdx.json
    [ -s "$sbom" ] || fail "$sbom was not made (make dist)"
    python3 - "$sbom" "$SOURCE_DATE_EPOCH" "$version" "$(pwd)" > "$tmp/sbom" <<'EOF'
import json, sys, time
path, epoch, version, here = sys.argv[1:]
text = open(path).read()
bom = json.loads(text)
def check(ok, what):
    if not ok:
        sys.exit("supply: %s: %s" % (path, what))
check(bom["bomFormat"] == "CycloneDX", "not CycloneDX")
check(bom["serialNumber"].startswith("urn:uuid:"), "serialNumber %r" % bom["serialNumber"])
check(bom["metadata"]["timestamp"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch))),
      "timestamp %s, not SOURCE_DATE_EPOCH's" % bom["metadata"]["timestamp"])
root = bom["metadata"]["component"]
check((root["name"], root["version"]) == ("docspace-guest", version), "describes %s %s" % (root["name"], root["version"]))
check(here not in text and "file:///" not in text, "names a local path")
for c in bom["components"]:
    check(c["purl"] == "pkg:cargo/%s@%s" % (c["name"], c["version"]), "purl %s" % c["purl"])
    check(any(h["alg"] == "SHA-256" for h in c.get("hashes", [])), "%s has no SHA-256" % c["name"])
    print(c["name"], c["version"])
EOF
    sort "$tmp/sbom" > "$tmp/sbom.sorted"
    cmp -s "$tmp/sbom.sorted" "$tmp/compiled" || fail "$sbom lists other crates than the binary has:
$(diff "$tmp/sbom.sorted" "$tmp/compiled")"
    grep -q "  $name.cdx.json\$" dist/SHA256SUMS || fail "dist/SHA256SUMS does not list $name.cdx.json"
    echo "supply: $sbom: the same $count crates, with hashes, at the commit's time"

    # THIRD-PARTY in the archive: every crate compiled in, with its licence text.
    tar -xzf "dist/$name.tar.gz" -O "$name/THIRD-PARTY" > "$tmp/third-party" 2>/dev/null ||
        fail "dist/$name.tar.gz has no THIRD-PARTY"
    while read -r crate v; do
        grep -q "^$crate $v: " "$tmp/third-party" || fail "$name/THIRD-PARTY lacks $crate $v"
        grep -q "^--- $crate/" "$tmp/third-party" || fail "$name/THIRD-PARTY has no licence text of $crate"
    done < "$tmp/compiled"
    # The build scripts' crates (cc, ...) run on the build host: not in the binary, not listed.
    python3 -c 'import json, sys
for p in json.load(open(sys.argv[1]))["packages"]:
    if p.get("kind") == "build":
        print(p["name"], p["version"])' "$tmp/audit.json" > "$tmp/build"
    [ -s "$tmp/build" ] || fail "$bin: rust-audit-info names no build-only crate (ring builds with cc)"
    while read -r crate v; do
        grep -q "^$crate $v: " "$tmp/third-party" && fail "$name/THIRD-PARTY lists $crate, a build-only crate"
        grep -q "\"name\": \"$crate\"" "$sbom" && fail "$sbom lists $crate, a build-only crate"
    done < "$tmp/build"
    echo "supply: $name/THIRD-PARTY: the licence texts of the $count crates"
done
(cd dist && sha256sum --quiet -c SHA256SUMS) || fail "dist/SHA256SUMS does not match dist/"
