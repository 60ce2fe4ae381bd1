#!/usr/bin/env python3
"""Summarises the CPU samples (jdk.ExecutionSample) of JFR recordings made with
-Dbench.jfr (bench/engine.sh): the top frames by method, and the rows of issue 15's
profile table (shares of all samples, inclusive unless said otherwise).

  bench/jfr-top.py /tmp/after-h2.jfr [more.jfr ...]   # one column per file
  bench/jfr-top.py --top 20 /tmp/before-h2.jfr /tmp/after-h2.jfr

Reads the recording with the JDK's `jfr print --stack-depth 256 --events jdk.ExecutionSample`.
JFR samples only threads running Java code: GC and JIT compiler threads are not in the figures.
"""
import argparse
import collections
import re
import subprocess
import sys

FRAME = re.compile(r"^\s+(\S+?)\((.*)\)\s+line:")


def samples(path):
    """Yields (thread name, [method, ...] top frame first) for each execution sample."""
    out = subprocess.run(
        ["jfr", "print", "--stack-depth", "256", "--events", "jdk.ExecutionSample", path],
        check=True, capture_output=True, text=True).stdout
    thread, frames, in_stack = None, [], False
    for line in out.splitlines():
        s = line.strip()
        if s.startswith("jdk.ExecutionSample"):
            thread, frames, in_stack = None, [], False
        elif s.startswith("sampledThread"):
            m = re.search(r'"(.*)"', s)
            thread = m.group(1) if m else s
        elif s.startswith("stackTrace = ["):
            in_stack = True
        elif in_stack and s == "]":
            in_stack = False
        elif in_stack:
            m = FRAME.match(line)
            if m:
                frames.append(m.group(1))
            elif s and s != "...":
                frames.append(s.split("(")[0])
        elif s == "}" and frames:
            yield thread or "?", frames
            frames = []


def has(frames, *names):
    return any(f == n or f.endswith("." + n) for f in frames for n in names)


def contains(frames, text):
    return any(text in f for f in frames)


GUEST = re.compile(r"chicory\.\$gen|CompiledMachine|\$gen\.")

# Issue 15's table: label -> predicate(thread, frames); shares of all samples.
ROWS = [
    ("`ByteBufferMemory.<init>` (Chicory's memory allocation)",
     lambda t, f: contains(f, "ByteBufferMemory.<init>")),
    ("`Arrays.fill` under `Instance.initialize` (zeroing memory again)",
     lambda t, f: has(f, "java.util.Arrays.fill") and contains(f, "Instance.initialize")),
    ("Taproot memory image: LinearMemory/MemoryImage/ChunkPool set-up (after only)",
     lambda t, f: any(re.search(r"runtime\.(MemoryImage|ChunkPool)\.|LinearMemory\.(<init>|materialise)", x)
                      for x in f)),
    ("`LinearMemory.chunk`, self (after only: the lazy chunk lookup on loads and stores, with the"
     " materialisation C2 inlines into it)",
     lambda t, f: f[0].endswith("LinearMemory.chunk")),
    ("`fdRead`, all of it (inclusive)", lambda t, f: any(x.endswith(".fdRead") for x in f)),
    ("`InputStream.read` under `fdRead`",
     lambda t, f: any(x.endswith(".fdRead") for x in f)
     and any(re.search(r"InputStream\.read|InStream\.read", x) for x in f)),
    ("H2 (org.h2) on the checkpoint writer thread",
     lambda t, f: "checkpoint" in t and contains(f, "org.h2.")),
    ("H2 (org.h2), all threads", lambda t, f: contains(f, "org.h2.")),
    ("checkpoint writer thread, all of it", lambda t, f: "checkpoint" in t),
    ("guest code: top frame in the compiled guest classes (self)",
     lambda t, f: bool(GUEST.search(f[0]))),
    ("guest code with its memory loads/stores: top frame in the guest classes or a memory read/write",
     lambda t, f: bool(GUEST.search(f[0]))
     or (bool(re.search(r"(ByteBufferMemory|GuardedMemory|LinearMemory)\.", f[0]))
         and not re.search(r"<init>|zero|materialise", f[0]))),
    ("guest code: compiled guest classes anywhere on the stack (includes host calls)",
     lambda t, f: any(GUEST.search(x) for x in f)),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    totals, rows, tops = [], [], []
    for path in args.files:
        n = 0
        row = collections.Counter()
        top = collections.Counter()
        for thread, frames in samples(path):
            n += 1
            top[frames[0]] += 1
            for label, pred in ROWS:
                if pred(thread, frames):
                    row[label] += 1
        totals.append(n)
        rows.append(row)
        tops.append(top)

    def pct(c, n):
        return "%.1f %%" % (100.0 * c / n) if n else "-"

    names = [p.rsplit("/", 1)[-1] for p in args.files]
    print("| where | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    print("| all execution samples | " + " | ".join(str(n) for n in totals) + " |")
    for label, _ in ROWS:
        print("| " + label + " | " + " | ".join(pct(r[label], n) for r, n in zip(rows, totals)) + " |")
    for name, top, n in zip(names, tops, totals):
        print("\nTop %d frames by method (self samples), %s (%d samples)\n" % (args.top, name, n))
        print("| method | share |")
        print("|---|---:|")
        for method, c in top.most_common(args.top):
            print("| `%s` | %s |" % (method.replace("|", "\\|"), pct(c, n)))


if __name__ == "__main__":
    sys.exit(main())
