#!/usr/bin/env python3
"""Summarises a perf profile of judicial-bench by call-stack membership.

usage:
  perf_share.py PROFILE.perf REGEX...        share of samples whose stack has
                                             a frame matching each REGEX
  perf_share.py PROFILE.perf --under REGEX   what the frames called from the
                                             outermost match of REGEX cost
Shares are of all samples of the process: load generator and servers alike.
"""
import collections
import re
import subprocess
import sys


def samples(path):
    text = subprocess.run(
        ["perf", "script", "-i", path, "-F", "comm,tid,ip,sym"],
        capture_output=True, text=True, check=True,
    ).stdout
    out, cur = [], None
    for line in text.split("\n"):
        if not line.strip():
            if cur is not None:
                out.append(cur)
            cur = None
        elif not line[0].isspace():
            cur = []
        elif cur is not None:
            parts = line.strip().split(None, 1)
            cur.append(parts[1] if len(parts) > 1 else "?")
    if cur:
        out.append(cur)
    return out


def main():
    path, args = sys.argv[1], sys.argv[2:]
    stacks = samples(path)
    n = len(stacks) or 1
    print(f"{len(stacks)} samples")
    if args and args[0] == "--under":
        root = re.compile(args[1])
        children = collections.Counter()
        for s in stacks:
            hits = [i for i, f in enumerate(s) if root.search(f)]
            if hits:
                i = hits[-1]
                child = s[i - 1] if i > 0 else "(self)"
                children[re.sub(r"::\{\{closure\}\}", "", child)[:120]] += 1
        for name, count in children.most_common(20):
            print(f"{100 * count / n:6.2f}%  {name}")
        return
    for pattern in args:
        r = re.compile(pattern)
        count = sum(1 for s in stacks if any(r.search(f) for f in s))
        print(f"{100 * count / n:6.1f}%  {pattern}")


if __name__ == "__main__":
    main()
