#!/bin/sh
# `make package-test`: the .deb installs with dpkg on this machine, the installed tool
# runs and its man page and completions are where the distribution looks, and it
# removes cleanly; both .debs and both .rpms carry the right files and metadata.
# Usage: packages.sh VERSION
set -eu
version=$1
fail() { echo "packages: $*" >&2; exit 1; }
has() { echo "$1" | grep -q -- "$2" || fail "$3: no '$2' in: $1"; }

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
    /usr/share/fish/vendor_completions.d/docspace-guest.fish; do
    [ -s "$file" ] || fail "$file is not installed"
done
dpkg -r docspace-guest >/dev/null
dpkg -s docspace-guest >/dev/null 2>&1 && fail "still installed after dpkg -r"
[ ! -e /usr/bin/docspace-guest ] && [ ! -e /usr/share/man/man1/docspace-guest.1.gz ] ||
    fail "files left after dpkg -r"
echo "packages: $deb installs, runs, reads as man docspace-guest, and removes cleanly"

arm=dist/docspace-guest_${version}-1_arm64.deb
has "$(dpkg-deb --info "$arm")" "Architecture: arm64" "$arm"
has "$(dpkg-deb --contents "$arm")" "./usr/bin/docspace-guest" "$arm"

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
        /usr/share/fish/vendor_completions.d/docspace-guest.fish; do
        has "$files" "^$file\$" "$rpm"
    done
    echo "packages: $rpm: $arch, MIT, the binary, the man page and three completions"
done
