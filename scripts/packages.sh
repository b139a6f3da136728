#!/bin/sh
# `make package-test`: the .deb installs with dpkg on this machine, the installed tool
# runs and its man page and completions are where the distribution looks, and it
# removes cleanly; the x86_64 .rpm does the same with rpm, into a scratch root; both
# .debs and both .rpms carry the right files and metadata, the documents (README.md and
# docs/), and the licence texts of the crates compiled in (THIRD-PARTY).
# Usage: packages.sh VERSION
set -eu
version=$1
fail() { echo "packages: $*" >&2; exit 1; }
has() { echo "$1" | grep -q -- "$2" || fail "$3: no '$2' in: $1"; }
# The systemd units and the tmpfiles.d rule every package ships (installed disabled).
units="/usr/lib/systemd/system/docspace-guest-cleanup@.service
    /usr/lib/systemd/system/docspace-guest-cleanup@.timer /usr/lib/tmpfiles.d/docspace-guest.conf"
# The documents every package ships: README.md and each docs/*.md of this checkout.
docs=/usr/share/doc/docspace-guest/README.md
for doc in docs/*.md; do docs="$docs /usr/share/doc/docspace-guest/$doc"; done

deb=dist/docspace-guest_${version}-1_amd64.deb
[ -f "$deb" ] || fail "$deb was not built (make deb)"
info=$(dpkg-deb --info "$deb")
for field in "Package: docspace-guest" "Version: ${version}-1" "Architecture: amd64" "Section: admin"; do
    has "$info" "$field" "$deb"
done
[ "$(id -u)" = 0 ] || fail "installing the .deb needs root"
dpkg -s docspace-guest >/dev/null 2>&1 && fail "docspace-guest is already installed here; remove it first"
dpkg -i "$deb" >/dev/null
[ "$(/usr/bin/docspace-guest --version)" = "docspace-guest $version" ] || fail "the installed tool does not run"
[ "$(man -w docspace-guest)" = /usr/share/man/man1/docspace-guest.1.gz ] || fail "man -w: $(man -w docspace-guest 2>&1)"
man docspace-guest 2>/dev/null | grep -q "EXIT STATUS" || fail "the man page does not read"
for file in /usr/share/bash-completion/completions/docspace-guest \
    /usr/share/zsh/vendor-completions/_docspace-guest \
    /usr/share/fish/vendor_completions.d/docspace-guest.fish \
    /usr/share/doc/docspace-guest/THIRD-PARTY $units; do
    [ -s "$file" ] || fail "$file is not installed"
done
ls /etc/systemd/system/timers.target.wants/docspace-guest-cleanup@* >/dev/null 2>&1 &&
    fail "the package enabled a timer: it is installed disabled"
grep -q '^ring [0-9.]*: Apache-2.0 AND ISC$' /usr/share/doc/docspace-guest/THIRD-PARTY ||
    fail "/usr/share/doc/docspace-guest/THIRD-PARTY lacks ring's licence"
for file in $docs; do
    cmp -s "${file#/usr/share/doc/docspace-guest/}" "$file" || fail "$file is not installed as in the checkout"
done
dpkg -r docspace-guest >/dev/null
dpkg -s docspace-guest >/dev/null 2>&1 && fail "still installed after dpkg -r"
[ ! -e /usr/bin/docspace-guest ] && [ ! -e /usr/share/man/man1/docspace-guest.1.gz ] ||
    fail "files left after dpkg -r"
echo "packages: $deb installs, runs, reads as man docspace-guest, and removes cleanly"

arm=dist/docspace-guest_${version}-1_arm64.deb
has "$(dpkg-deb --info "$arm")" "Architecture: arm64" "$arm"
has "$(dpkg-deb --contents "$arm")" "./usr/bin/docspace-guest" "$arm"
has "$(dpkg-deb --contents "$arm")" "./usr/share/doc/docspace-guest/THIRD-PARTY" "$arm"
for file in $docs $units; do
    has "$(dpkg-deb --contents "$arm")" ".$file" "$arm"
done

for arch in x86_64 aarch64; do
    rpm=dist/docspace-guest-${version}-1.$arch.rpm
    [ -f "$rpm" ] || fail "$rpm was not built (make rpm)"
    info=$(rpm -qip "$rpm" 2>/dev/null)
    for field in "Name *: docspace-guest" "Version *: $version" "Architecture: $arch" "License *: MIT"; do
        has "$info" "$field" "$rpm"
    done
    files=$(rpm -qlp "$rpm" 2>/dev/null)
    for file in /usr/bin/docspace-guest /usr/share/man/man1/docspace-guest.1.gz \
        /usr/share/bash-completion/completions/docspace-guest \
        /usr/share/zsh/site-functions/_docspace-guest \
        /usr/share/fish/vendor_completions.d/docspace-guest.fish $docs $units; do
        has "$files" "^$file\$" "$rpm"
    done
    has "$(rpm -K "$rpm" 2>&1)" "digests OK" "$rpm (rpm -K)"
    # %license files: what `rpm -qL` lists and what --excludedocs keeps.
    licences=$(rpm -qLp "$rpm" 2>/dev/null)
    for file in /usr/share/licenses/docspace-guest/LICENSE /usr/share/licenses/docspace-guest/THIRD-PARTY; do
        has "$licences" "^$file\$" "$rpm (%license)"
    done
    echo "packages: $rpm: $arch, MIT, the binary, the man page, three completions, the documents, two %license files"
done

# The x86_64 .rpm installs into a scratch root (its own database there; --nodeps: the
# scratch root has no rpmlib packages), runs, and removes cleanly.
rpm=dist/docspace-guest-${version}-1.x86_64.rpm
[ "$(uname -m)" = x86_64 ] || fail "installing $rpm needs an x86_64 host"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
installed="/usr/bin/docspace-guest /usr/share/man/man1/docspace-guest.1.gz
    /usr/share/bash-completion/completions/docspace-guest
    /usr/share/zsh/site-functions/_docspace-guest
    /usr/share/fish/vendor_completions.d/docspace-guest.fish
    /usr/share/licenses/docspace-guest/LICENSE /usr/share/licenses/docspace-guest/THIRD-PARTY
    $docs $units"
# rpm reads --dbpath inside --root: /db is $scratch/db.
rpm -i --root "$scratch" --dbpath /db --nodeps "$rpm" 2>"$scratch/rpm.err" ||
    fail "rpm -i $rpm: $(cat "$scratch/rpm.err")"
rm -f "$scratch/rpm.err"
[ "$(rpm -q --root "$scratch" --dbpath /db docspace-guest 2>&1)" = "docspace-guest-${version}-1.x86_64" ] ||
    fail "rpm -q does not find docspace-guest in the scratch database"
[ "$("$scratch/usr/bin/docspace-guest" --version)" = "docspace-guest $version" ] ||
    fail "the tool installed from $rpm does not run"
gzip -dc "$scratch/usr/share/man/man1/docspace-guest.1.gz" | grep -q '^\.SH "\{0,1\}EXIT STATUS' ||
    fail "the man page installed from $rpm has no EXIT STATUS section"
for file in $installed; do
    [ -s "$scratch$file" ] || fail "$file is not installed from $rpm"
done
rpm -e --root "$scratch" --dbpath /db docspace-guest ||
    fail "rpm -e docspace-guest failed in the scratch root"
rpm -q --root "$scratch" --dbpath /db docspace-guest >/dev/null 2>&1 &&
    fail "docspace-guest is still in the scratch database after rpm -e"
for file in $installed; do
    [ ! -e "$scratch$file" ] || fail "$file is left after rpm -e"
done
echo "packages: $rpm installs into a scratch root, runs, has its man page and completions, and removes cleanly"
