"""Tables as CSV (UTF-8 with a BOM, so Excel reads the Chinese) or XLSX (openpyxl), Chinese headings."""

import csv
import io
from collections.abc import Sequence
from typing import Any, Literal

from fastapi import Response
from openpyxl import Workbook

Format = Literal["json", "csv", "xlsx"]
Columns = Sequence[tuple[str, str]]  # (row key, heading)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "With ?format=csv or ?format=xlsx: the same table, Chinese headings",
    }
}


def _cell(value: object) -> object:
    return "" if value is None else value


def to_csv(columns: Columns, rows: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([heading for _, heading in columns])
    for row in rows:
        writer.writerow([_cell(row[key]) for key, _ in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, columns: Columns, rows: Sequence[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([heading for _, heading in columns])
    for row in rows:
        sheet.append([_cell(row[key]) for key, _ in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(fmt: Format, name: str, title: str, columns: Columns, rows: Sequence[dict[str, Any]]) -> Response:
    """The table as a download named `name`.csv / .xlsx."""
    if fmt == "csv":
        body, media = to_csv(columns, rows), "text/csv; charset=utf-8"
    else:
        body, media = to_xlsx(title, columns, rows), XLSX
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return Response(content=body, media_type=media, headers=headers)
