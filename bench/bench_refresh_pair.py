"""Two versions of the app, one visitor each: server CPU per live refresh, the versions served side by side.

bench_refresh.py reads each setting against the framework's floor, and the floor drifts with the machine between
plays by as much as a change worth measuring. To compare two versions of the code, this serves both at once (each
by serve.py, from its own folder: a git worktree of the other version, say) and plays each setting on them in turn,
10 s each, the order swapped every round, so both see the same machine. It prints each version's server CPU per
live refresh over the rounds: the median, the fastest, and every play.

Usage: python bench/bench_refresh_pair.py OTHER_FOLDER [--rounds 6] [--seconds 10] [PATH ...]
  OTHER_FOLDER: the other version's checkout; this one is the folder this script is in.
  PATH: the addresses to play (default: the Playground at `?preset=he&width=32&depth=6` and at its defaults).
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_browser import ROOT, Server  # noqa: E402
from bench_refresh import measure  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("other", type=Path, help="the other version's checkout")
    ap.add_argument("paths", nargs="*", default=["/?preset=he&width=32&depth=6", "/"])
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    roots = {"other": args.other.resolve(), "this": ROOT}
    servers = {name: Server("serve.py", cwd=root) for name, root in roots.items()}
    got = {(name, path): [] for path in args.paths for name in roots}
    try:
        for r in range(args.rounds):
            order = list(roots) if r % 2 == 0 else list(roots)[::-1]
            for path in args.paths:
                for name in order:
                    got[(name, path)].append(asyncio.run(measure(servers[name], path, args.seconds))[1])
    finally:
        for server in servers.values():
            server.stop()
    print("| version | address | server CPU per refresh: median | fastest | every play |")
    print("| --- | --- | ---: | ---: | --- |")
    for (name, path), ms in got.items():
        print(f"| {name} ({roots[name]}) | `{path}` | {statistics.median(ms):.2f} ms | {min(ms):.2f} ms | "
              + " ".join(f"{x:.1f}" for x in ms) + " |")


if __name__ == "__main__":
    main()
