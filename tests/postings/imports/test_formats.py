"""The import readers on small invented files; the shared real-postings file only when it is present."""

import gzip
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from services.postings.imports import formats, jsonl
from services.postings.imports.formats import (
    RawRow,
    count_rows,
    read_rows,
    read_rows_from_bytes,
    sniff_format,
)

REPO = Path(__file__).resolve().parents[3]
SHARED_DATA = Path(os.environ.get("LINGONG_SHARED_DATA", REPO.parent / "shared" / "data"))
REAL_POSTINGS = SHARED_DATA / "postings" / "real_postings.csv.gz"

REAL_HEADER = (
    "id,platform,title,company,region,address,lng,lat,description,education,experience_years,"
    "salary_min,salary_max,salary_months,skills,benefits,first_published"
)
FLAT_HEADER = "external_id,employer_name,kind,title,lat,lng,pay_min,pay_unit"


def posting(external_id: str = "A-1", **extra: Any) -> dict[str, Any]:
    return {"external_id": external_id, "title": "电焊工", "kind": "job"} | extra


def jsonl_bytes(*lines: dict[str, Any] | str) -> bytes:
    text = (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines)
    return ("\n".join(text) + "\n").encode()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def rows_of(tmp_path: Path, name: str, data: bytes) -> list[RawRow]:
    return list(read_rows(write(tmp_path, name, data)))


def record_of(rows: RawRow | list[RawRow]) -> dict[str, Any]:
    """The record of a row, or of the only row of a list, which must have mapped without error."""
    (row,) = rows if isinstance(rows, list) else [rows]
    assert row.error is None, row.error
    assert row.record is not None
    return row.record


def codes(rows: list[RawRow]) -> list[str | None]:
    return [row.error.code if row.error else None for row in rows]


def real_row(**cells: str) -> str:
    values = {
        "id": "T_1", "platform": "TESTJOBS", "title": "仓库管理员", "company": "济南测试物流有限公司",
        "region": "济南·历下区", "address": "济南市历下区测试路1号", "lng": "117.08", "lat": "36.67",
        "description": "负责仓库收发货", "education": "大专", "experience_years": "1", "salary_min": "4000",
        "salary_max": "5500", "salary_months": "", "skills": "", "benefits": "",
        "first_published": "2024-10-09 11:34:24",
    } | cells  # fmt: skip
    return ",".join(json.dumps(values[c], ensure_ascii=False) for c in REAL_HEADER.split(","))


def real_record(tmp_path: Path, **cells: str) -> RawRow:
    (row,) = rows_of(tmp_path, "real.csv", f"{REAL_HEADER}\n{real_row(**cells)}\n".encode())
    return row


# --- sniffing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a.jsonl", "a.ndjson", "a.jsonl.gz", "A.NDJSON"])
def test_json_lines_are_known_by_extension(tmp_path: Path, name: str) -> None:
    assert sniff_format(write(tmp_path, name, jsonl_bytes(posting()))) == "lingong_jsonl"


def test_real_postings_layout_is_known_by_its_header(tmp_path: Path) -> None:
    assert sniff_format(write(tmp_path, "x.csv.gz", f"{REAL_HEADER}\n".encode())) == "real_postings_csv"


def test_other_csv_headers_are_the_flat_layout(tmp_path: Path) -> None:
    assert sniff_format(write(tmp_path, "x.csv", f"{FLAT_HEADER}\n".encode())) == "lingong_csv"


def test_first_bytes_and_filename_are_enough(tmp_path: Path) -> None:
    data = gzip.compress(f"\ufeff{REAL_HEADER}\nrest".encode())
    assert sniff_format(data[:4096], "upload.csv.gz") == "real_postings_csv"


def test_content_decides_when_the_name_says_nothing() -> None:
    assert sniff_format(b'  {"external_id": "1"}', "upload.txt") == "lingong_jsonl"
    assert sniff_format(FLAT_HEADER.encode()) == "lingong_csv"


# --- JSON lines ----------------------------------------------------------------------------------------


def test_json_line_becomes_a_record_with_strings_stripped(tmp_path: Path) -> None:
    (row,) = rows_of(
        tmp_path, "a.jsonl", jsonl_bytes(posting(" A-1 ", title=" 电焊工 ", certificates=[" welder"]))
    )
    assert row == RawRow(1, "A-1", posting(certificates=["welder"]), None)


def test_bad_json_line_is_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, "a.jsonl", jsonl_bytes(posting("1"), '{"external_id": "2",', posting("3")))
    assert codes(rows) == [None, "bad_json", None]
    assert [r.line for r in rows] == [1, 2, 3]


@pytest.mark.parametrize("line", ["[1, 2]", '"text"', '{"external_id": "1", "lat": NaN}'])
def test_lines_that_are_not_plain_json_objects_are_bad_json(tmp_path: Path, line: str) -> None:
    assert codes(rows_of(tmp_path, "a.jsonl", jsonl_bytes(line))) == ["bad_json"]


@pytest.mark.parametrize("record", [{"title": "x"}, {"external_id": ""}, {"external_id": None}])
def test_line_without_external_id_is_missing_field(tmp_path: Path, record: dict[str, Any]) -> None:
    assert codes(rows_of(tmp_path, "a.jsonl", jsonl_bytes(record))) == ["missing_field"]


@pytest.mark.parametrize("value", ["x" * 129, ["A-1"], True])
def test_external_id_of_wrong_type_or_length_is_bad(tmp_path: Path, value: Any) -> None:
    assert codes(rows_of(tmp_path, "a.jsonl", jsonl_bytes({"external_id": value}))) == ["bad_external_id"]


def test_numeric_external_id_is_read_as_text(tmp_path: Path) -> None:
    (row,) = rows_of(tmp_path, "a.jsonl", jsonl_bytes({"external_id": 1001}))
    assert row.external_id == "1001"


def test_nul_byte_in_a_line_is_rejected(tmp_path: Path) -> None:
    data = jsonl_bytes(posting("1")) + b'{"external_id": "2", "title": "a\x00b"}\n'
    assert codes(rows_of(tmp_path, "a.jsonl", data)) == [None, "nul_byte"]


def test_invalid_utf8_in_a_line_is_an_encoding_error(tmp_path: Path) -> None:
    data = b'{"external_id": "1", "title": "\xff\xfe"}\n' + jsonl_bytes(posting("2"))
    assert codes(rows_of(tmp_path, "a.jsonl", data)) == ["encoding", None]


def test_empty_file_has_no_rows(tmp_path: Path) -> None:
    assert rows_of(tmp_path, "a.jsonl", b"") == []


def test_blank_lines_are_skipped_and_lines_keep_their_numbers(tmp_path: Path) -> None:
    rows = rows_of(
        tmp_path, "a.jsonl", b"\n" + jsonl_bytes(posting("1")) + b"   \n" + jsonl_bytes(posting("2"))
    )
    assert [(r.line, r.external_id) for r in rows] == [(2, "1"), (4, "2")]


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + jsonl_bytes(posting("1")).replace(b"\n", b"\r\n") * 2
    assert codes(rows_of(tmp_path, "a.jsonl", data)) == [None, None]


def test_gzipped_json_lines_are_read(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, "a.jsonl.gz", jsonl_bytes(posting("1"), posting("2")))
    assert [r.external_id for r in rows] == ["1", "2"]


def test_truncated_gzip_ends_with_a_bad_file_row(tmp_path: Path) -> None:
    data = gzip.compress(jsonl_bytes(*(posting(str(i)) for i in range(200))))
    rows = list(read_rows(write(tmp_path, "a.jsonl", data[: len(data) // 2])))
    assert codes(rows[-1:]) == ["bad_file"]


def test_over_long_line_is_rejected_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 64)
    data = jsonl_bytes(posting("1", description="x" * 500), posting("2"))
    assert codes(rows_of(tmp_path, "a.jsonl", data)) == ["line_too_long", None]


def test_bytes_read_like_the_same_file(tmp_path: Path) -> None:
    data = jsonl_bytes(posting("1"), "{", posting("3"))
    assert list(read_rows_from_bytes(gzip.compress(data), "up.jsonl.gz")) == rows_of(
        tmp_path, "a.jsonl", data
    )


def test_count_matches_rows_read(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl.gz", jsonl_bytes(*(posting(str(i)) for i in range(25))) + b"\n\n")
    assert count_rows(path) == len(list(read_rows(path))) == 25


# --- flat CSV ("lingong_csv") -----------------------------------------------------------------------


FULL_FLAT = (
    "external_id,employer_name,employer_kind,employer_uscc,kind,title,lat,lng,county_adcode,pay_min,pay_max,"
    "pay_unit,headcount,certificates,flags,accommodations,valid_until,status,shifts\n"
    'G-7,历下家政服务部,shop,91350100m000100y43,零工,钟点工,36.66,117.07,370102,"1,200",,天,3.0,'
    "健康证|electrician,mom_post,seated_work|flexible_hours,2026/12/31,,"
    "2026-12-01 08:00/2026-12-01T12:00+08:00/2\n"
)


def test_flat_row_becomes_a_canonical_record(tmp_path: Path) -> None:
    record = record_of(rows_of(tmp_path, "s.csv", FULL_FLAT.encode()))
    assert record["employer"] == {"name": "历下家政服务部", "kind": "shop", "uscc": "91350100M000100Y43"}
    assert record["pay"] == {"min": "1200", "max": None, "unit": "day"}
    assert (record["kind"], record["headcount"], record["status"]) == ("gig", 3, "open")
    assert record["certificates"] == ["health", "electrician"]
    assert record["accommodations"] == ["seated_work", "flexible_hours"]
    assert record["valid_until"] == "2026-12-31T23:59:59+08:00"
    assert record["shifts"] == [
        {"starts_at": "2026-12-01T08:00:00+08:00", "ends_at": "2026-12-01T12:00:00+08:00", "headcount": 2}
    ]


def test_flat_csv_with_header_only_has_no_rows(tmp_path: Path) -> None:
    assert rows_of(tmp_path, "s.csv", f"{FLAT_HEADER}\r\n".encode()) == []


def test_unknown_column_rejects_the_header(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, "s.csv", f"{FLAT_HEADER},pay_mni\nA,x,job,t,36.6,117.0,3000,month,1\n".encode())
    assert [(r.line, r.error.code if r.error else None) for r in rows] == [(1, "bad_header")]


@pytest.mark.parametrize(
    ("cells", "code"),
    [
        (",x,job,t,36.6,117.0,3000,month", "missing_field"),
        ("A,x,job,t,,117.0,3000,month", "no_coordinates"),
        ("A,x,job,t,36.6,117.0,lots,month", "bad_number"),
        ("A,x,job,t,36.6,117.0,3000,month,surplus", "bad_csv"),
    ],
)
def test_flat_row_problems_have_their_codes(tmp_path: Path, cells: str, code: str) -> None:
    assert codes(rows_of(tmp_path, "s.csv", f"{FLAT_HEADER}\n{cells}\n".encode())) == [code]


def test_flat_csv_with_bom_and_crlf_is_read(tmp_path: Path) -> None:
    data = f"\ufeff{FLAT_HEADER}\r\nA,x,job,t,36.6,117.0,3000,month\r\n".encode()
    assert codes(rows_of(tmp_path, "s.csv", data)) == [None]


def test_nul_and_invalid_utf8_reject_only_their_rows(tmp_path: Path) -> None:
    good = b"A,x,job,t,36.6,117.0,3000,month\n"
    data = (
        FLAT_HEADER.encode() + b"\n" + good + b"B,x\x00y,job,t,36.6,117,3000,month\n" + b"C,\xff,job\n" + good
    )
    assert codes(rows_of(tmp_path, "s.csv", data)) == [None, "nul_byte", "encoding", None]


def test_spreadsheet_saved_as_gb18030_is_read(tmp_path: Path) -> None:
    data = f"{FLAT_HEADER}\nA,济南鲁焊机械有限公司,job,电焊工,36.6,117.0,3000,月\n".encode("gb18030")
    record = record_of(rows_of(tmp_path, "s.csv", data))
    assert record["employer"]["name"] == "济南鲁焊机械有限公司"


def test_quoted_line_breaks_stay_in_one_row(tmp_path: Path) -> None:
    path = write(
        tmp_path, "s.csv", f'{FLAT_HEADER},description\nA,x,job,t,36.6,117,3000,month,"a\nb"\n'.encode()
    )
    record = record_of(list(read_rows(path)))
    assert record["description"] == "a\nb"
    assert count_rows(path) == 1


# --- the real-postings layout, on invented rows ------------------------------------------------------


def test_real_row_in_shandong_maps_to_a_record(tmp_path: Path) -> None:
    row = real_record(tmp_path)
    record = record_of(row)
    assert row.source == "testjobs"
    assert record["location"]["county_adcode"] == "370102"
    assert record["pay"] == {"min": "4000", "max": "5500", "unit": "month"}
    assert record["employer"] == {"name": "济南测试物流有限公司", "kind": "company", "uscc": None}
    assert record["published_at"] == "2024-10-09T11:34:24+08:00"


def test_real_row_far_from_shandong_is_outside_the_service_area(tmp_path: Path) -> None:
    assert real_record(tmp_path, lng="113.32", lat="23.13").error == formats.RowError(
        "outside_service_area", "no Shandong county centre within 60 km"
    )


def test_real_row_without_coordinates_is_rejected(tmp_path: Path) -> None:
    row = real_record(tmp_path, lng="", lat="")
    assert (row.external_id, row.error and row.error.code) == ("T_1", "no_coordinates")


@pytest.mark.parametrize(
    ("low", "high", "months", "pay"),
    [
        ("25", "35", "", {"min": "25", "max": "35", "unit": "hour"}),
        ("150", "200", "", {"min": "150", "max": "200", "unit": "day"}),
        ("4001", "6000", "13", {"min": "4001", "max": "6000", "unit": "month"}),
        ("240000", "360000", "", {"min": "20000", "max": "30000", "unit": "month"}),
        ("260000", "", "13", {"min": "20000", "max": None, "unit": "month"}),
        ("5000.00", "5000.00", "", {"min": "5000", "max": None, "unit": "month"}),
    ],
)
def test_salary_units_follow_the_size_of_the_numbers(
    tmp_path: Path, low: str, high: str, months: str, pay: dict[str, Any]
) -> None:
    record = record_of(real_record(tmp_path, salary_min=low, salary_max=high, salary_months=months))
    assert record["pay"] == pay


def test_small_pay_per_order_is_piece_rate(tmp_path: Path) -> None:
    row = real_record(tmp_path, title="送餐员", description="每单6-8元", salary_min="6", salary_max="8")
    record = record_of(row)
    assert record["pay"]["unit"] == "piece"


@pytest.mark.parametrize(("low", "high"), [("", ""), ("0", "0"), ("0", "1500")])
def test_real_row_without_a_pay_floor_is_no_pay(tmp_path: Path, low: str, high: str) -> None:
    assert codes([real_record(tmp_path, salary_min=low, salary_max=high)]) == ["no_pay"]


def test_description_is_cleaned_and_gets_skills_and_benefits(tmp_path: Path) -> None:
    row = real_record(
        tmp_path, description="<p>职责：</p>收发货<br />盘点&nbsp;库存&amp;台账", skills="叉车,仓储/WMS",
        benefits="五险一金,包吃住", salary_months="13",
    )  # fmt: skip
    expected = "职责：\n收发货\n盘点 库存&台账\n技能：叉车、仓储、WMS\n福利：五险一金、包吃住、13薪"
    assert record_of(row)["description"] == expected


def test_long_description_is_cut_but_keeps_its_skills_line(tmp_path: Path) -> None:
    description = record_of(real_record(tmp_path, description="长" * 6000, skills="焊接"))["description"]
    assert len(description) == 5000
    assert description.endswith("技能：焊接")


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2024-10-09T11:34:24+08:00", "2024-10-09T11:34:24+08:00"),
        ("45664.75", "2025-01-07T18:00:00+08:00"),
        ("", None),
    ],
)
def test_first_published_shapes_are_read(tmp_path: Path, published: str, expected: str | None) -> None:
    record = record_of(real_record(tmp_path, first_published=published))
    assert record["published_at"] == expected


@pytest.mark.parametrize(
    ("raw", "education"),
    [("大学专科", "大专"), ("统招本科", "本科"), ("学历不限", None), ("中技/中专", "中专/中技")],
)
def test_education_labels_are_normalised(tmp_path: Path, raw: str, education: str | None) -> None:
    record = record_of(real_record(tmp_path, education=raw))
    assert record["education"] == education


@pytest.mark.parametrize(
    ("company", "kind"),
    [("王女士", "household"), ("历下区老张水饺馆(个体工商户)", "shop"), ("济南某某饭店有限公司", "company")],
)
def test_employer_kind_is_guessed_from_the_name(tmp_path: Path, company: str, kind: str) -> None:
    record = record_of(real_record(tmp_path, company=company))
    assert record["employer"]["kind"] == kind


def test_real_postings_file_maps_or_rejects_every_row() -> None:
    if not REAL_POSTINGS.exists():
        pytest.skip(f"shared data not found at {REAL_POSTINGS} (set LINGONG_SHARED_DATA)")
    rows = list(read_rows(REAL_POSTINGS))
    outcomes = Counter(row.error.code if row.error else "ok" for row in rows)
    assert len(rows) == count_rows(REAL_POSTINGS)
    assert all((row.record is None) != (row.error is None) for row in rows)
    assert outcomes["ok"] > 1000
    assert outcomes["outside_service_area"] > outcomes["ok"]
    assert set(outcomes) <= {"ok", "outside_service_area", "no_coordinates", "no_pay", "missing_field"}
