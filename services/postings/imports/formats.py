"""Files in → canonical records out, one RawRow per data row, streamed (gzip or not).

Three formats: our JSON lines ("lingong_jsonl"), our flat spreadsheet CSV ("lingong_csv") and the
column layout of the shared real-postings file ("real_postings_csv"). docs/import-formats.md has them all.
"""

import codecs
import csv
import gzip
import io
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from services.postings.imports import lingong_csv, real_postings
from services.postings.imports.jsonl import BOM, count_jsonl, read_jsonl
from services.postings.imports.rows import RawRow, RowError, RowProblem, failed

__all__ = ["Format", "RawRow", "RowError", "count_rows", "read_rows", "read_rows_from_bytes", "sniff_format"]

Format = Literal["real_postings_csv", "lingong_jsonl", "lingong_csv"]

GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 64 * 1024
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_BROKEN_STREAM = (OSError, EOFError, zlib.error)


def _decompressed_head(data: bytes) -> bytes:
    if not data.startswith(GZIP_MAGIC):
        return data[:HEAD_BYTES]
    try:
        return zlib.decompressobj(wbits=31).decompress(data, HEAD_BYTES)
    except zlib.error:
        return b""


def _csv_encoding(head: bytes) -> str:
    """UTF-8 unless the head is plainly GB18030 (what Excel on a Chinese Windows saves)."""
    utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=False)
    if utf8.count("\ufffd") < 4:
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
    except UnicodeDecodeError:
        return "utf-8-sig"
    return "gb18030"


def _header(head: bytes) -> list[str]:
    text = head.decode(_csv_encoding(head), errors="replace").removeprefix("\ufeff")
    first = next(csv.reader(io.StringIO(text)), [])
    return [column.strip().lower() for column in first]


def _format_of(head: bytes, name: str) -> Format:
    name = name.lower().removesuffix(".gz")
    body = head.removeprefix(BOM).lstrip()
    if name.endswith(_JSONL_SUFFIXES) or (not name.endswith(".csv") and body.startswith(b"{")):
        return "lingong_jsonl"
    if real_postings.SIGNATURE <= set(_header(body)):
        return "real_postings_csv"
    return "lingong_csv"


def sniff_format(path_or_first_bytes: Path | str | bytes, filename: str | None = None) -> Format:
    """The format of a file, from its name (.csv/.jsonl/.ndjson, optionally .gz) and its first bytes.

    Never raises for content: a CSV whose header is neither layout is "lingong_csv", and its reader
    reports the header as the one rejected row.
    """
    if isinstance(path_or_first_bytes, bytes):
        return _format_of(_decompressed_head(path_or_first_bytes), filename or "")
    path = Path(path_or_first_bytes)
    with path.open("rb") as raw, _open(raw) as stream:
        return _format_of(stream.read(HEAD_BYTES), filename or path.name)


def _open(raw: IO[bytes]) -> IO[bytes]:
    magic = raw.read(2)
    raw.seek(0)
    if magic == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return raw


_SURROGATE = re.compile("[\udc80-\udcff]")


def _cells_problem(cells: list[str]) -> RowProblem | None:
    joined = "\x1f".join(cells)
    if "\x00" in joined:
        return RowProblem("nul_byte", "the row contains a NUL byte")
    if _SURROGATE.search(joined):
        return RowProblem("encoding", "the row is not valid UTF-8 (nor GB18030)")
    return None


def _csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str] | RowProblem]]:
    """(first line of the row, cells) for each non-blank row, or (line, problem)."""
    encoding = _csv_encoding(stream.read(HEAD_BYTES))
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape", newline="")
    try:
        yield from _numbered(csv.reader(text))
    finally:
        text.detach()  # the caller owns the stream and closes it


def _numbered(reader: Any) -> Iterator[tuple[int, list[str] | RowProblem]]:
    previous_end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield previous_end + 1, RowProblem("bad_csv", f"the CSV row cannot be read: {exc}"[:200])
            previous_end = reader.line_num
            continue
        start, previous_end = previous_end + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells


@dataclass(frozen=True, slots=True)
class CsvLayout:
    map_row: Callable[[dict[str, str]], dict[str, Any]]
    check_header: Callable[[list[str]], None] | None = None
    source_of: Callable[[dict[str, str]], str] | None = None


LAYOUTS = {
    "real_postings_csv": CsvLayout(real_postings.map_row, source_of=real_postings.source_of),
    "lingong_csv": CsvLayout(lingong_csv.map_row, check_header=lingong_csv.check_header),
}


def _columns(header: list[str] | RowProblem, layout: CsvLayout) -> list[str]:
    if isinstance(header, RowProblem):
        raise header
    if (problem := _cells_problem(header)) is not None:
        raise problem
    columns = [c.strip().lower().removeprefix("\ufeff") for c in header]
    if layout.check_header is not None:
        layout.check_header(columns)
    return columns


def _read_csv(stream: IO[bytes], layout: CsvLayout) -> Iterator[RawRow]:
    rows = _csv_rows(stream)
    line, header = next(rows, (0, []))
    try:
        columns = _columns(header, layout)
    except RowProblem as problem:
        yield RawRow(line, None, None, problem.error)
        return
    for line, cells in rows:
        yield _one_csv_row(line, columns, cells, layout)


def _one_csv_row(line: int, columns: list[str], cells: list[str] | RowProblem, layout: CsvLayout) -> RawRow:
    if isinstance(cells, RowProblem):
        return RawRow(line, None, None, cells.error)
    if (problem := _cells_problem(cells)) is not None:
        return RawRow(line, None, None, problem.error)
    row = dict(zip(columns, cells, strict=False))
    external_id = (row.get("external_id") or row.get("id") or "").strip()[:128] or None
    source = layout.source_of(row) if layout.source_of else None
    if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
        message = f"the row has {len(cells)} cells, the header {len(columns)}"
        return RawRow(line, external_id, None, RowError("bad_csv", message), source)
    try:
        return RawRow(line, external_id, layout.map_row(row), None, source)
    except RowProblem as exc:
        return RawRow(line, external_id, None, exc.error, source)


def _dispatch(stream: IO[bytes], fmt: Format) -> Iterator[RawRow]:
    if fmt == "lingong_jsonl":
        return read_jsonl(stream)
    return _read_csv(stream, LAYOUTS[fmt])


def _guarded(rows: Iterator[RawRow]) -> Iterator[RawRow]:
    """A damaged stream (truncated gzip, bad deflate data) ends the rows with one error row."""
    line = 0
    try:
        for row in rows:
            line = row.line
            yield row
    except _BROKEN_STREAM as exc:
        yield failed(line + 1, None, "bad_file", f"the file is damaged: {exc}"[:200])


def _read_stream(opener: Callable[[], IO[bytes]], filename: str) -> Iterator[RawRow]:
    with opener() as raw, _open(raw) as stream:
        try:
            fmt = _format_of(stream.read(HEAD_BYTES), filename)
            stream.seek(0)
        except _BROKEN_STREAM as exc:
            yield failed(1, None, "bad_file", f"the file is damaged: {exc}"[:200])
            return
        yield from _guarded(_dispatch(stream, fmt))


def read_rows(path: Path) -> Iterator[RawRow]:
    """Every data row of a file, streamed: memory stays flat however long the file is."""
    file = Path(path)
    return _read_stream(lambda: file.open("rb"), file.name)


def read_rows_from_bytes(data: bytes, filename: str) -> Iterator[RawRow]:
    """The same for an uploaded body; filename gives the format (.csv, .jsonl, .ndjson, optionally .gz)."""
    return _read_stream(lambda: io.BytesIO(data), filename)


def count_rows(path: Path) -> int:
    """How many rows read_rows will yield, give or take blank lines: a progress bar's total."""
    fmt = sniff_format(path)
    with Path(path).open("rb") as raw, _open(raw) as stream:
        try:
            if fmt == "lingong_jsonl":
                return count_jsonl(stream)
            return max(sum(1 for _ in _csv_rows(stream)) - 1, 0)
        except _BROKEN_STREAM:
            return 0
