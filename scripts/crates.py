#!/usr/bin/env python3
"""The crates compiled into the docspace-guest binary for one target, from `cargo metadata`.

A crate counts when the binary's package reaches it through normal dependencies only,
for that target: build scripts' dependencies (cc, shlex, ...) run on the build host and
are not in the binary; dev-dependencies are for the tests.

Usage:
  crates.py list TARGET          name and version of each crate, one a line
  crates.py third-party TARGET   the THIRD-PARTY file: each crate's own licence files
  crates.py sbom TARGET IN OUT   a CycloneDX SBOM from cargo-cyclonedx, made reproducible
"""
import hashlib
import json
import os
import subprocess
import sys
import uuid

CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index"
LICENCE_PREFIXES = ("licence", "license", "copying", "copyright", "notice", "unlicense")


def fail(message):
    sys.exit("crates.py: " + message)


def metadata(target):
    command = ["cargo", "metadata", "--format-version", "1", "--locked",
               "--filter-platform", target]
    try:
        out = subprocess.run(command, check=True, stdout=subprocess.PIPE).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        fail("%s: %s" % (" ".join(command), error))
    return json.loads(out)


def compiled(target):
    """The root package and the packages compiled into its binary, sorted by name."""
    meta = metadata(target)
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root = meta["resolve"]["root"]
    if root is None:
        fail("no root package in cargo metadata")
    seen, todo = set(), [root]
    while todo:
        node = nodes[todo.pop()]
        for dep in node["deps"]:
            # kind null is a normal dependency; --filter-platform has already
            # dropped the ones for other targets.
            if any(k["kind"] is None for k in dep["dep_kinds"]) and dep["pkg"] not in seen:
                seen.add(dep["pkg"])
                todo.append(dep["pkg"])
    seen.discard(root)
    crates = sorted((packages[i] for i in seen), key=lambda p: (p["name"], p["version"]))
    for p in crates:
        if p["source"] != CRATES_IO:
            fail("%s %s comes from %s, not crates.io" % (p["name"], p["version"], p["source"]))
    return packages[root], crates


def licence_files(package):
    """The licence files a crate ships at its root (and its license-file), sorted."""
    directory = os.path.dirname(package["manifest_path"])
    names = set()
    for name in os.listdir(directory):
        if name.lower().startswith(LICENCE_PREFIXES) and os.path.isfile(os.path.join(directory, name)):
            names.add(name)
    if package.get("license_file"):
        names.add(package["license_file"])
    if not names:
        fail("%s %s ships no licence file in %s" % (package["name"], package["version"], directory))
    return [(name, os.path.join(directory, name)) for name in sorted(names)]


def third_party(target):
    root, crates = compiled(target)
    out = sys.stdout
    out.write("Third-party software in %s %s for %s\n\n" % (root["name"], root["version"], target))
    out.write("The binary contains these %d crates from crates.io (Cargo.lock), under the\n"
              "licences they declare; each crate's own licence files follow, as published.\n"
              "Build-time crates (build scripts' dependencies) are not in the binary and not\n"
              "listed. %s itself: see LICENSE.\n\n" % (len(crates), root["name"]))
    width = max(len("%s %s" % (p["name"], p["version"])) for p in crates)
    for p in crates:
        out.write("  %-*s  %s\n" % (width, "%s %s" % (p["name"], p["version"]), p["license"]))
    for p in crates:
        out.write("\n%s\n%s %s: %s\nhttps://crates.io/crates/%s/%s\n"
                  % ("=" * 78, p["name"], p["version"], p["license"], p["name"], p["version"]))
        for name, path in licence_files(p):
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read().replace("\r\n", "\n").rstrip("\n")
            out.write("\n--- %s/%s ---\n\n%s\n" % (p["name"], name, text))


def sbom(target, source, destination):
    """cargo-cyclonedx's SBOM, checked against the compiled crates and made reproducible:
    the commit's time, a serial number derived from the content, no local paths."""
    root, crates = compiled(target)
    with open(source, encoding="utf-8") as f:
        bom = json.load(f)
    want = {(p["name"], p["version"]) for p in crates}
    listed = {(c["name"], c["version"]) for c in bom.get("components", [])}
    if listed != want:
        fail("%s lists %s; the binary has %s (missing %s, extra %s)"
             % (source, len(listed), len(want), sorted(want - listed), sorted(listed - want)))
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    bom["metadata"]["timestamp"] = _utc(epoch)
    # The root's bom-ref (and its targets') is cargo's package id, which names the
    # checkout's directory: path+file:///home/.../docspace-guest#docspace-guest@0.1.0.
    old_ref = bom["metadata"]["component"]["bom-ref"]
    if not old_ref.startswith("path+file:///"):
        fail("%s: unexpected root bom-ref %s" % (source, old_ref))
    new_ref = "%s@%s" % (root["name"], root["version"])
    text = json.dumps(bom, sort_keys=True).replace(json.dumps(old_ref)[1:-1], new_ref)
    bom = json.loads(text)
    here = os.getcwd()
    for part in _walk(bom):
        if "file:///" in part or here in part:
            fail("%s still names a local path: %s" % (source, part))
    bom["serialNumber"] = ""
    digest = hashlib.sha256(json.dumps(bom, sort_keys=True).encode()).digest()
    bom["serialNumber"] = uuid.UUID(bytes=digest[:16], version=4).urn
    with open(destination, "w", encoding="utf-8") as f:
        json.dump(bom, f, indent=2, sort_keys=True)
        f.write("\n")


def _utc(epoch):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _walk(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, str):
        yield value


def main(args):
    if len(args) == 2 and args[0] == "list":
        for p in compiled(args[1])[1]:
            print(p["name"], p["version"])
    elif len(args) == 2 and args[0] == "third-party":
        third_party(args[1])
    elif len(args) == 4 and args[0] == "sbom":
        sbom(args[1], args[2], args[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
