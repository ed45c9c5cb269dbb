#!/usr/bin/env python3
"""Compares two directory trees the way a restore must match its source: every path, its type, permission bits,
owner, size, content, symlink target, extended attributes, and which paths are hard links of each other. Nested
btrfs subvolumes are walked like directories; hard links are told by device and inode, since every subvolume is a
device of its own. --skip REL leaves out REL and what is below it, in both.
Usage: compare-trees.py [--skip REL ...] EXPECTED ACTUAL. Exit 0 when identical; otherwise the differences and exit 1."""
import hashlib
import os
import stat
import sys


def describe(root, skip):
    entries, inodes = {}, {}
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if os.path.relpath(os.path.join(directory, d), root) not in skip)
        for name in sorted(dirs + files):
            path = os.path.join(directory, name)
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            entry = {"type": stat.S_IFMT(st.st_mode), "mode": stat.S_IMODE(st.st_mode), "owner": (st.st_uid, st.st_gid)}
            if stat.S_ISLNK(st.st_mode):
                entry["target"] = os.readlink(path)
            else:
                entry["xattrs"] = {key: os.getxattr(path, key, follow_symlinks=False) for key in sorted(os.listxattr(path, follow_symlinks=False))}
            if stat.S_ISREG(st.st_mode):
                digest = hashlib.sha256()
                with open(path, "rb") as f:
                    for block in iter(lambda: f.read(1 << 20), b""):
                        digest.update(block)
                entry["size"], entry["sha256"] = st.st_size, digest.hexdigest()
                inodes.setdefault((st.st_dev, st.st_ino), []).append(rel)
            entries[rel] = entry
    links = sorted(tuple(sorted(paths)) for paths in inodes.values() if len(paths) > 1)
    return entries, links


def main():
    args, skip = sys.argv[1:], set()
    while args and args[0] == "--skip":
        skip.add(args[1])
        args = args[2:]
    expected, actual = args
    (want, want_links), (got, got_links) = describe(expected, skip), describe(actual, skip)
    problems = [f"missing: {p}" for p in sorted(want.keys() - got.keys())]
    problems += [f"extra: {p}" for p in sorted(got.keys() - want.keys())]
    problems += [f"differs: {p}: {want[p]} != {got[p]}" for p in sorted(want.keys() & got.keys()) if want[p] != got[p]]
    if want_links != got_links:
        problems.append(f"hard links differ: {want_links} != {got_links}")
    for problem in problems:
        print(problem)
    files = sum(1 for e in want.values() if "sha256" in e)
    if problems:
        sys.exit(1)
    print(f"identical: {len(want)} entries ({files} files, {len(want_links)} hard-link groups, "
          f"{sum(1 for e in want.values() if e.get('xattrs'))} with xattrs)")


main()
