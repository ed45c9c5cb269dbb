#!/usr/bin/env python3
"""The file tree of scripts/bench-catalog.sh (not a test): many small files, so that a backup's catalogs measure
metadata, and a change of about 1 % of them between two snapshots, as a day of a file server might bring.

  bench-catalog-tree.py make ROOT FILES          FILES files in ROOT, about 100 per directory
  bench-catalog-tree.py change ROOT STEP [PERCENT]  change PERCENT (default 1) of the files; STEP names what it adds

Layout: ROOT/sNNN/lNN/ leaf directories of 100 files each, 50 leaves per sNNN, and a few files in each sNNN besides.
Sizes are mostly 0-16 KiB (16 KiB x r^2.2 for r uniform, mean about 5 KiB) with 0.5 % of 16-64 KiB, so 200,000 files
hold about 1 GiB. Names end in one of a few extensions; 1 % in .dat, which the benchmark's find looks for. A change
modifies 40 % of its share (rewrites or appends), adds 20 %, removes 20 % and renames 20 % (to another leaf directory,
half of them with a new name), and every 5th step renames a leaf directory. KEEP_DIR (the directory the benchmark
lists) and TRACKED (the file whose history it asks for, changed at every step) are never removed or renamed.
Content is slices of one random buffer: incompressible like photos, and fast to write. Seeded, so reproducible."""
import os
import random
import sys

KEEP_DIR = "s000/l01"
TRACKED = "s000/l00/tracked.log"
FILES_PER_LEAF = 100
LEAVES_PER_TOP = 50
EXTENSIONS = [".txt", ".jpg", ".log", ".json", ".c", ".h", ".md", ".png", ".csv", ".xml"]

pool = os.urandom(64 << 20)


def size(rng):
    if rng.random() < 0.005:
        return rng.randint(16 << 10, 64 << 10)
    return int((16 << 10) * rng.random() ** 2.2)


def extension(rng):
    return ".dat" if rng.random() < 0.01 else rng.choice(EXTENSIONS)


def content(rng, length):
    start = rng.randrange(len(pool) - length)
    return pool[start : start + length]


def write(path, rng, length=None):
    with open(path, "wb") as f:
        f.write(content(rng, size(rng) if length is None else length))


def make(root, files):
    rng = random.Random(files)
    leaves = -(-files // FILES_PER_LEAF)
    written = 0
    for leaf in range(leaves):
        top = f"s{leaf // LEAVES_PER_TOP:03d}"
        directory = os.path.join(root, top, f"l{leaf % LEAVES_PER_TOP:02d}")
        os.makedirs(directory)
        # A few files in each top directory too: not every file sits at the same depth.
        if leaf % LEAVES_PER_TOP == 0:
            for k in range(5):
                if written < files:
                    write(os.path.join(root, top, f"top{k}{extension(rng)}"), rng)
                    written += 1
        for k in range(FILES_PER_LEAF):
            if written >= files:
                break
            write(os.path.join(directory, f"f{written:07d}{extension(rng)}"), rng)
            written += 1
    with open(os.path.join(root, TRACKED), "w") as f:
        f.write("step 0\n")


def change(root, step, percent):
    rng = random.Random(step * 7919 + 1)
    files, leaves = [], []
    for top in sorted(os.listdir(root)):
        for entry in sorted(os.scandir(os.path.join(root, top)), key=lambda e: e.name):
            if entry.is_dir(follow_symlinks=False):
                leaves.append(f"{top}/{entry.name}")
                files.extend(f"{top}/{entry.name}/{name}" for name in sorted(os.listdir(entry.path)))
            else:
                files.append(f"{top}/{entry.name}")
    files = [f for f in files if f != TRACKED]
    count = max(5, round(len(files) * percent / 100))
    chosen = rng.sample(files, count)
    modify, remove, rename = chosen[: count * 2 // 5], chosen[count * 2 // 5 : count * 3 // 5], chosen[count * 3 // 5 :]
    for rel in modify:
        path = os.path.join(root, rel)
        if rng.random() < 0.5:
            write(path, rng)
        else:
            with open(path, "ab") as f:
                f.write(content(rng, rng.randint(1, 4096)))
    for rel in remove:
        os.unlink(os.path.join(root, rel))
    for k, rel in enumerate(rename):
        name = os.path.basename(rel)
        if rng.random() < 0.5:
            name = f"m{step:03d}-{k:05d}-{name}"
        os.rename(os.path.join(root, rel), os.path.join(root, rng.choice(leaves), name))
    for k in range(count // 5):
        write(os.path.join(root, rng.choice(leaves), f"n{step:03d}-{k:05d}{extension(rng)}"), rng)
    with open(os.path.join(root, TRACKED), "a") as f:
        f.write(f"step {step}\n")
    if step % 5 == 0:
        movable = [leaf for leaf in leaves if leaf not in (KEEP_DIR, os.path.dirname(TRACKED))]
        leaf = rng.choice(movable)
        os.rename(os.path.join(root, leaf), os.path.join(root, f"{leaf}-r{step:03d}"))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "change":
        change(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]) if len(sys.argv) == 5 else 1.0)
    else:
        sys.exit(__doc__)
