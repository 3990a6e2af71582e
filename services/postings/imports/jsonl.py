"""The JSON-lines layout ("lingong.posting/1"): parse and shape only; the schemas validate the fields."""

import json
from collections.abc import Iterator
from typing import IO, Any

from services.postings.imports.rows import RawRow, RowProblem, failed

MAX_LINE_BYTES = 1 << 20
MAX_EXTERNAL_ID = 128
BOM = b"\xef\xbb\xbf"


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strip_strings(value: Any) -> Any:
    """Every string in a parsed JSON value, stripped of surrounding white space."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [strip_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: strip_strings(v) for k, v in value.items()}
    return value


def external_id_of(record: dict[str, Any]) -> str:
    value = record.get("external_id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or value == "":
        raise RowProblem("missing_field", "every line needs an external_id")
    if not isinstance(value, str) or len(value) > MAX_EXTERNAL_ID:
        raise RowProblem("bad_external_id", f"external_id is a string of 1-{MAX_EXTERNAL_ID} characters")
    return value


def parse_line(raw: bytes) -> dict[str, Any]:
    if b"\x00" in raw:
        raise RowProblem("nul_byte", "the line contains a NUL byte")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RowProblem("encoding", "the line is not valid UTF-8") from None
    try:
        value = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise RowProblem("bad_json", "the line is not valid JSON") from None
    if not isinstance(value, dict):
        raise RowProblem("bad_json", "each line must be one JSON object")
    record: dict[str, Any] = strip_strings(value)
    record["external_id"] = external_id_of(record)
    return record


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes without the line end), or None for a line over MAX_LINE_BYTES."""
    number = 0
    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        yield number, (line[len(BOM) :] if number == 1 and line.startswith(BOM) else line).rstrip(b"\r\n")


def read_jsonl(stream: IO[bytes]) -> Iterator[RawRow]:
    for number, line in _lines(stream):
        if line is None:
            yield failed(number, None, "line_too_long", f"a line has at most {MAX_LINE_BYTES} bytes")
            continue
        if not line.strip():
            continue
        try:
            record = parse_line(line)
        except RowProblem as problem:
            yield RawRow(number, None, None, problem.error)
            continue
        yield RawRow(number, record["external_id"], record, None)


def count_jsonl(stream: IO[bytes]) -> int:
    return sum(1 for _, line in _lines(stream) if line is None or line.strip())
