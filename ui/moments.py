"""Saved moments: the exact state of a paused run, kept on the server's disk, so that a link to that moment opens
without training the run again from step 0.

A moment link is exact because training is deterministic: replaying the run reproduces every number bit for bit.
But replaying costs what training cost (11 to 14 s to step 20,000 at width 32, depth 6 with its equal-start twin,
README), and most links are opened on the server where they were made, soon after. So when a page shows a paused
run's link, the run's Trainer is written here once; opening the link loads the latest saved step at or before it
and replays only the rest (nothing, for the link's own step). A link opened elsewhere still replays from step 0.

The folder is shared by every server process on the machine (replicas behind a proxy read each other's moments)
and private to the user running them (mode 0700): a moment is a pickle, read only from there. Its name holds a
digest of the config and of the engine's source, so a changed engine never loads an old moment. At most
MAX_FILES moments and MAX_BYTES are kept; the least recently used go first.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from pathlib import Path

import symbreak_core

MAX_FILES = 200
MAX_BYTES = 512 * 2**20
FOLDER_ENV = "SYMBREAK_MOMENTS_DIR"  # where to keep them; default: the system's temporary folder


def _engine_digest() -> str:
    """A digest of the engine's source: moments saved by another version of it are never loaded."""
    h = hashlib.sha256()
    for path in sorted(Path(symbreak_core.__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


_ENGINE = _engine_digest()


def folder() -> Path:
    default = Path(tempfile.gettempdir()) / f"symbreak-moments-{os.getuid() if hasattr(os, 'getuid') else 0}"
    d = Path(os.environ.get(FOLDER_ENV) or default)
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    return d


def _prefix(config, copies=None) -> str:
    """The moments of a run of `config`, trained wide or narrow (copies: symbreak_core.Trainer.copies)."""
    text = json.dumps(config.to_dict(), sort_keys=True) + ("" if copies is None else f"copies={list(copies)}") + _ENGINE
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _path(config, step: int, copies=None) -> Path:
    return folder() / f"{_prefix(config, copies)}-{step:09d}.pkl"


def save(trainer) -> bool:
    """Keep `trainer` (a symbreak_core.Trainer) at its step; False when that moment was already kept."""
    path = _path(trainer.config, trainer.step, trainer.copies)
    if path.exists():
        os.utime(path)
        return False
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps(trainer, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, path)  # whole or absent, for a reader in another process
    prune()
    return True


def load(config, step: int, copies=None):
    """The kept Trainer of `config` at the latest step <= `step`, or None; trained narrow if `copies` names its hidden
    widths (symbreak_core.Trainer.copies). A copy: the caller may train it on."""
    best = None
    for path in folder().glob(f"{_prefix(config, copies)}-*.pkl"):
        kept = int(path.stem.rsplit("-", 1)[1])
        if kept <= step and (best is None or kept > best[0]):
            best = (kept, path)
    if best is None:
        return None
    try:
        trainer = pickle.loads(best[1].read_bytes())
        os.utime(best[1])
    except Exception:  # noqa: BLE001 -- pruned meanwhile by another process, or unreadable
        return None  # replay instead
    if trainer.config != config or trainer.copies != copies or trainer.step != best[0]:
        return None
    return trainer


def prune(max_files: int = MAX_FILES, max_bytes: int = MAX_BYTES) -> None:
    """Drop the least recently used moments beyond max_files or max_bytes."""
    entries = []
    for path in folder().glob("*.pkl"):
        try:
            s = path.stat()
        except OSError:
            continue
        entries.append((s.st_mtime, s.st_size, path))
    entries.sort(reverse=True)  # newest first
    total = 0
    for k, (_, size, path) in enumerate(entries):
        total += size
        if k >= max_files or total > max_bytes:
            path.unlink(missing_ok=True)
