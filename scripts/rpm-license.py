#!/usr/bin/env python3
"""Marks the files of an .rpm under a directory as %license files, in place.

cargo-generate-rpm can mark an asset as documentation (`doc = true`) but not as a licence
file (RPMFILE_LICENSE, what rpmbuild's %license sets and `rpm -qL` lists; `rpm
--excludedocs` keeps licence files and drops documentation). This sets that flag instead
of the documentation flag on the files under DIR, then writes the header's digests
again (SHA-1, SHA-256, and MD5 over header and payload) in the signature header. The
payload is not touched, and an .rpm signed with a key (RSA, DSA, ...) is refused: that
signature could not be made again here.

Usage: rpm-license.py RPM DIR   (e.g. /usr/share/licenses/docspace-guest)
"""
import hashlib
import struct
import sys

LEAD = 96
MAGIC = b"\x8e\xad\xe8\x01"
RPMFILE_DOC, RPMFILE_LICENSE = 1 << 1, 1 << 7
TAG_DIRINDEXES, TAG_BASENAMES, TAG_DIRNAMES, TAG_FILEFLAGS = 1116, 1117, 1118, 1037
# Signature header: region, size, MD5, SHA-1, SHA-256, payload size, long sizes, reserved space.
SIG_REGION, SIG_SIZE, SIG_MD5, SIG_SHA1, SIG_SHA256 = 62, 1000, 1004, 269, 273
SIG_KNOWN = {SIG_REGION, SIG_SIZE, SIG_MD5, SIG_SHA1, SIG_SHA256, 1007, 270, 271, 1008}


def fail(message):
    sys.exit("rpm-license.py: " + message)


def header(data, start):
    """(entries {tag: (type, offset, count)}, store offset, end offset) of a header."""
    if data[start:start + 4] != MAGIC:
        fail("no rpm header at byte %d" % start)
    count, size = struct.unpack(">II", data[start + 8:start + 16])
    entries = {}
    for i in range(count):
        tag, kind, offset, n = struct.unpack(">IIII", data[start + 16 + 16 * i:start + 32 + 16 * i])
        entries[tag] = (kind, offset, n)
    store = start + 16 + 16 * count
    return entries, store, store + size


def strings(data, store, entry):
    kind, offset, n = entry
    out, at = [], store + offset
    for _ in range(n):
        end = data.index(b"\0", at)
        out.append(data[at:end].decode())
        at = end + 1
    return out


def int32s(data, store, entry):
    kind, offset, n = entry
    if kind != 4:
        fail("an int32 array was expected, found type %d" % kind)
    return list(struct.unpack(">%dI" % n, data[store + offset:store + offset + 4 * n]))


def main(path, directory):
    data = bytearray(open(path, "rb").read())
    sig, sig_store, sig_end = header(data, LEAD)
    unknown = set(sig) - SIG_KNOWN
    if unknown:
        fail("%s carries signature tags %s (signed?): refusing to change it" % (path, sorted(unknown)))
    main_start = sig_end + (-sig_end % 8)
    tags, store, main_end = header(data, main_start)

    names = strings(data, store, tags[TAG_BASENAMES])
    dirs = strings(data, store, tags[TAG_DIRNAMES])
    indexes = int32s(data, store, tags[TAG_DIRINDEXES])
    flags = int32s(data, store, tags[TAG_FILEFLAGS])
    prefix = directory.rstrip("/") + "/"
    marked = []
    for i, name in enumerate(names):
        full = dirs[indexes[i]] + name
        if full.startswith(prefix):
            flags[i] = (flags[i] & ~RPMFILE_DOC) | RPMFILE_LICENSE
            marked.append(full)
    if not marked:
        fail("%s has no file under %s" % (path, directory))
    offset = store + tags[TAG_FILEFLAGS][1]
    data[offset:offset + 4 * len(flags)] = struct.pack(">%dI" % len(flags), *flags)

    head = bytes(data[main_start:main_end])
    digests = {
        SIG_SHA1: hashlib.sha1(head).hexdigest().encode() + b"\0",
        SIG_SHA256: hashlib.sha256(head).hexdigest().encode() + b"\0",
        SIG_MD5: hashlib.md5(bytes(data[main_start:])).digest(),
    }
    for tag, value in digests.items():
        if tag not in sig:
            continue
        kind, offset, n = sig[tag]
        at = sig_store + offset
        if tag == SIG_MD5:
            if n != 16:
                fail("an MD5 of %d bytes" % n)
        elif data[at:at + len(value)].find(b"\0") != len(value) - 1:
            fail("signature tag %d is not a %d-character digest" % (tag, len(value) - 1))
        data[at:at + len(value)] = value
    if SIG_SHA256 not in sig and SIG_SHA1 not in sig:
        fail("%s has no header digest to write again" % path)
    with open(path, "wb") as f:
        f.write(data)
    for name in marked:
        print("%s: %%license %s" % (path, name))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
