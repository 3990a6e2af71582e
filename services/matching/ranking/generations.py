"""Index generations on disk: one writer publishes, every process maps them (docs/load.md, part 2).

A generation is a directory `gen-<n>/` of `.npy` files, one per column of the posting index and of its
shift table (row capacity with spare rows, so a process can append to its copy-on-write map), plus the
lookup from posting id to row (a hash of each id, sorted), the lexical IDF and a `manifest.json` naming
every file with its CRC-32. It is written under `gen-<n>.tmp/`, each file fsynced, then renamed into
place; the pointer file `current` (JSON: the generation's name) is replaced the same way, last. So a
reader that follows the pointer finds a complete generation, never one being written.

A process using a generation holds a shared `flock` on its `lock` file; the writer deletes an old
generation only when it can take that lock exclusively (no process uses it), so disk does not grow.
"""

import fcntl
import hashlib
import json
import os
import re
import shutil
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from services.matching.ranking import grid

POINTER = "current"
MANIFEST = "manifest.json"
LOCK = "lock"
FORMAT = 2  # 2: the lexical terms as (rows, width) blocks "lex" and "lex_w" (1: a column per slot)
_NAME = re.compile(r"^gen-(\d{8})$")
SPARE_SHARE = 1 / 8  # spare rows written after the live ones, for appends between generations ...
SPARE_MIN = 4096  # ... at least this many
ID_WIDTH = 36  # a UUID's text; ids are stored as fixed-width unicode, at least this wide

Array = npt.NDArray[Any]


class GenerationMissing(LookupError):
    """No generation is published yet, or the one named was removed while being opened."""


def id_key(posting_id: str) -> int:
    """A stable 63-bit hash of a posting id (the same in every process, unlike hash())."""
    digest = hashlib.blake2b(posting_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def id_keys(ids: list[str]) -> npt.NDArray[np.int64]:
    return np.fromiter((id_key(i) for i in ids), dtype=np.int64, count=len(ids))


@dataclass
class Snapshot:
    """A consistent copy of an index's state, taken on the event loop, written by `write` in a thread."""

    seq: int  # every replica change up to this feed seq is in it
    cols: dict[str, Array]  # posting columns but "id", rows [0, n)
    shifts: dict[str, Array]  # shift columns but "id", rows [0, shift n)
    ids: Array  # posting ids (object or unicode; None or "" for a tombstone)
    shift_ids: Array
    employers: list[str]  # employer id by code
    reliability: Array
    idf: Array
    documents: int
    widths: tuple[int, int, int]  # occ, minor, lex


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _save(path: Path, arr: Array) -> int:
    """Write one array as .npy, fsynced; returns its CRC-32."""
    with path.open("wb") as fh:
        np.save(fh, arr, allow_pickle=False)
        fh.flush()
        os.fsync(fh.fileno())
    return crc32(path)


def crc32(path: Path) -> int:
    crc = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            crc = zlib.crc32(chunk, crc)
    return crc


def _padded(arr: Array, rows: int, fill: Any) -> Array:
    out = np.full((rows, *arr.shape[1:]), fill, dtype=arr.dtype)
    out[: len(arr)] = arr
    return out


def _compacted(snap: Snapshot) -> tuple[dict[str, Array], dict[str, Array], int]:
    """Live rows sorted by grid cell (as PostingIndex.compact), shifts gathered in the same order."""
    ids = snap.ids
    if ids.dtype.kind == "U":
        alive = ids != ""
    else:
        alive = np.fromiter((bool(x) for x in ids.tolist()), dtype=np.bool_, count=len(ids))
    rows = np.flatnonzero(alive)
    rows = rows[np.argsort(snap.cols["cell"][rows], kind="stable")]
    cols = {name: arr[rows] for name, arr in snap.cols.items()}
    offs, cnts = cols["sh_off"], cols["sh_cnt"]
    take = grid.concat_ranges(offs, offs + cnts)
    shifts = {name: arr[take] for name, arr in snap.shifts.items()}
    shifts["id"] = snap.shift_ids[take]
    cols["sh_off"] = (np.cumsum(cnts) - cnts).astype(offs.dtype)
    cols["id"] = ids[rows]
    return cols, shifts, len(rows)


def _unicode(values: Array) -> Array:
    out = values.astype(str) if values.dtype.kind != "U" else values
    if out.dtype.itemsize < 4 * ID_WIDTH:
        out = out.astype(f"U{ID_WIDTH}")
    return out


def next_name(directory: Path) -> str:
    found = (_NAME.match(p.name.removesuffix(".tmp")) for p in directory.iterdir())
    numbers = [int(m.group(1)) for m in found if m]
    return f"gen-{max(numbers, default=0) + 1:08d}"


def write(snap: Snapshot, directory: Path, fills: dict[str, Any], shift_fills: dict[str, Any]) -> str:
    """Write a generation and point `current` at it; returns its name. Blocking: run it in a thread."""
    directory.mkdir(parents=True, exist_ok=True)
    name = next_name(directory)
    tmp = directory / f"{name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    cols, shifts, n = _compacted(snap)
    capacity = n + max(SPARE_MIN, int(n * SPARE_SHARE))
    shift_capacity = len(shifts["id"]) + max(SPARE_MIN, int(len(shifts["id"]) * SPARE_SHARE))
    files: dict[str, dict[str, Any]] = {}

    def put(key: str, arr: Array) -> None:
        filename = f"{key}.npy"
        files[key] = {"file": filename, "dtype": arr.dtype.str, "shape": list(arr.shape)}
        files[key]["crc32"] = _save(tmp / filename, arr)

    for col, arr in cols.items():
        value = _unicode(arr) if col == "id" else arr
        put(f"p.{col}", _padded(value, capacity, "" if col == "id" else fills[col]))
    for col, arr in shifts.items():
        value = _unicode(arr) if col == "id" else arr
        put(f"s.{col}", _padded(value, shift_capacity, "" if col == "id" else shift_fills[col]))
    keys = id_keys([str(x) for x in cols["id"].tolist()])
    order = np.argsort(keys, kind="stable")
    put("keys", keys[order])
    put("key_rows", order.astype(np.int64))
    put("idf", snap.idf)
    put("reliability", snap.reliability)
    manifest = {
        "format": FORMAT,
        "name": name,
        "seq": snap.seq,
        "rows": n,
        "capacity": capacity,
        "shift_rows": int(len(shifts["id"])),
        "shift_capacity": shift_capacity,
        "documents": snap.documents,
        "widths": list(snap.widths),
        "employers": snap.employers,
        "files": files,
        "written_at": time.time(),
    }
    with (tmp / MANIFEST).open("w", encoding="utf-8") as fh:
        json.dump(manifest, fh)
        fh.flush()
        os.fsync(fh.fileno())
    (tmp / LOCK).touch()
    _fsync_dir(tmp)
    tmp.rename(directory / name)
    _fsync_dir(directory)
    pointer = directory / f"{POINTER}.tmp"
    with pointer.open("w", encoding="utf-8") as fh:
        json.dump({"generation": name, "seq": snap.seq}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    pointer.replace(directory / POINTER)
    _fsync_dir(directory)
    return name


def current(directory: Path) -> str | None:
    """The name of the published generation, or None."""
    try:
        with (directory / POINTER).open(encoding="utf-8") as fh:
            return str(json.load(fh)["generation"])
    except (FileNotFoundError, ValueError, KeyError):
        return None


@dataclass
class Generation:
    """An opened generation: its manifest, its arrays mapped copy-on-write, and the shared lock held."""

    name: str
    path: Path
    manifest: dict[str, Any]
    arrays: dict[str, Array]
    lock_fd: int | None

    @property
    def seq(self) -> int:
        return int(self.manifest["seq"])

    def __del__(self) -> None:
        self.release()

    def release(self) -> None:
        """Let the writer delete this generation once no other process uses it (the maps stay valid)."""
        if self.lock_fd is not None:
            os.close(self.lock_fd)
            self.lock_fd = None


def open_generation(directory: Path, name: str | None = None, *, mmap_mode: str = "c") -> Generation:
    """Map the current generation (or `name`), holding its shared lock. Raises GenerationMissing."""
    name = name or current(directory)
    if name is None:
        raise GenerationMissing(str(directory))
    path = directory / name
    try:
        fd = os.open(path / LOCK, os.O_RDONLY)
    except FileNotFoundError as exc:
        raise GenerationMissing(name) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # fails only while the writer deletes it
        with (path / MANIFEST).open(encoding="utf-8") as fh:
            manifest = json.load(fh)
        # Plain arrays over the maps: an np.memmap's every index and slice runs Python code of its own
        # (about 3 µs each, a hundred times a query); the view keeps the map alive through its base.
        arrays = {
            key: np.load(path / spec["file"], mmap_mode=mmap_mode, allow_pickle=False).view(np.ndarray)  # type: ignore[arg-type]
            for key, spec in manifest["files"].items()
        }
    except (BlockingIOError, FileNotFoundError) as exc:
        os.close(fd)
        raise GenerationMissing(name) from exc
    except BaseException:
        os.close(fd)
        raise
    return Generation(name, path, manifest, arrays, fd)


def verify(path: Path) -> list[str]:
    """The files of a generation whose CRC-32 or shape differs from its manifest (empty: intact)."""
    with (path / MANIFEST).open(encoding="utf-8") as fh:
        manifest = json.load(fh)
    bad = []
    for key, spec in manifest["files"].items():
        file = path / spec["file"]
        if crc32(file) != spec["crc32"] or list(np.load(file, mmap_mode="r").shape) != spec["shape"]:
            bad.append(key)
    return bad


def prune(directory: Path, keep: str) -> list[str]:
    """Delete every generation but `keep` that no process holds (and leftovers of a crashed write);
    returns the names deleted."""
    removed = []
    for path in sorted(directory.iterdir()):
        if path.name == keep or not _NAME.match(path.name.removesuffix(".tmp")):
            continue
        if path.name.endswith(".tmp"):
            shutil.rmtree(path, ignore_errors=True)
            continue
        try:
            fd = os.open(path / LOCK, os.O_RDONLY)
        except FileNotFoundError:
            shutil.rmtree(path, ignore_errors=True)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            (path / MANIFEST).unlink(missing_ok=True)  # first: a process opening it now gives up
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
        finally:
            os.close(fd)
    return removed
