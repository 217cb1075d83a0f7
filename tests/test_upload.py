"""A user's own file: read against the shipped contract, every bad cell named, merged for the
session only, and downloaded back without live formulas."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

import openpyxl
import pandas as pd
import pytest

from components.data import Dataset
from components.filters import FilterState, filter_dataset
from components.metrics import led_by, mission_counts, took_part
from components.schema import TABLES_BY_NAME
from components.upload import (
    EXAMPLES,
    LEAD_CONTRIBUTION,
    LEAD_SOURCE,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_ROWS,
    UploadResult,
    merge_uploads,
    read_upload,
    read_uploads,
    safe_csv,
    template_csv,
    template_xlsx,
    uploaded_mask,
)

MISSION_COLUMNS = list(TABLES_BY_NAME["missions"].column_names)
PARTICIPANT_COLUMNS = list(TABLES_BY_NAME["mission_participants"].column_names)


def mission(mission_id: str, **changes: str) -> dict[str, str]:
    return {**EXAMPLES["missions"], "mission_id": mission_id, "name": mission_id.replace("_", " "), **changes}


def participant(mission_id: str, agency_id: str, role: str, **changes: str) -> dict[str, str]:
    base = {"contribution": "an element", "capabilities": "", "source": "workshop plan"}
    return {**base, "mission_id": mission_id, "agency_id": agency_id, "role": role, **changes}


def csv_bytes(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns or list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cells(result: UploadResult) -> list[tuple[int, str | None]]:
    return [(error.row, error.column) for error in result.errors]


def reason(result: UploadResult, row: int, column: str) -> str:
    return next(e.reason for e in result.errors if (e.row, e.column) == (row, column))


GOOD_MISSIONS = [
    mission("wk_lunar_lander"),
    mission(
        "wk_mars_orbiter",
        destination_id="terrestrial_planets",
        body_id="mars",
        launch_date="2031-07-01",
        launch_year="2031",
        status="in development",
        lead_agency_id="jaxa",
        mission_type="orbiter",
        capabilities="orbit|relay",
        cooperation_mode_id="multi_platform",
    ),
    mission(
        "wk_europa_probe",
        destination_id="giant_planets",
        body_id="europa",
        launch_year="",
        window_start="2045",
        window_end="2055",
        status="notional",
        lead_agency_id="",
        mission_type="probe",
        capabilities="atmospheric_probe",
        cooperation_mode_id="integrated_mission",
    ),
]


# ---------------------------------------------------------------------- good files


def test_a_good_csv_adds_its_missions_marked_as_uploaded(dataset: Dataset) -> None:
    result = read_upload("plans.csv", csv_bytes(GOOD_MISSIONS), dataset)
    assert result.ok and result.table == "missions"
    assert result.summary == "3 rows read: 3 valid, 0 with errors"
    assert result.rows.dtypes.to_dict() == dataset.missions.dtypes.to_dict()

    merged = merge_uploads(dataset, [result])
    assert merged is not dataset and merged.version != dataset.version
    assert len(merged.missions) == len(dataset.missions) + 3
    assert merged.missions["uploaded"].dtype == bool
    assert set(merged.missions.loc[merged.missions["uploaded"], "mission_id"]) == {
        r["mission_id"] for r in GOOD_MISSIONS
    }
    assert not merged.missions["uploaded"].iloc[: len(dataset.missions)].any()
    assert merged.missions.drop(columns="uploaded").dtypes.to_dict() == dataset.missions.dtypes.to_dict()
    assert merged.agencies is dataset.agencies  # the other tables are shared, not copied
    assert "uploaded" not in dataset.missions.columns  # the shipped frames are untouched


def test_a_mission_uploaded_alone_gets_its_lead_row(dataset: Dataset) -> None:
    merged = merge_uploads(dataset, [read_upload("plans.csv", csv_bytes(GOOD_MISSIONS), dataset)])
    added = merged.mission_participants[merged.mission_participants["uploaded"]]
    # The notional probe has no lead, so no lead row is made for it.
    assert sorted(added[["mission_id", "agency_id", "role"]].itertuples(index=False, name=None)) == [
        ("wk_lunar_lander", "esa", "lead"),
        ("wk_mars_orbiter", "jaxa", "lead"),
    ]
    assert set(added["contribution"]) == {LEAD_CONTRIBUTION} and set(added["source"]) == {LEAD_SOURCE}
    assert len(merged.mission_participants) == len(dataset.mission_participants) + 2
    assert not merged.mission_participants["uploaded"].iloc[: len(dataset.mission_participants)].any()
    assert merged.mission_participants.drop(columns="uploaded").dtypes.to_dict() == (
        dataset.mission_participants.dtypes.to_dict()
    )


def test_a_good_xlsx_reads_like_the_same_csv(dataset: Dataset) -> None:
    rows = []
    for row in GOOD_MISSIONS:
        values: list[object] = [row[c] or None for c in MISSION_COLUMNS]
        for column in ("launch_year", "window_start", "window_end"):  # typed as numbers in Excel
            index = MISSION_COLUMNS.index(column)
            values[index] = int(values[index]) if values[index] else None
        date_index = MISSION_COLUMNS.index("launch_date")
        if values[date_index]:
            values[date_index] = datetime.fromisoformat(str(values[date_index]))  # typed as a date
        rows.append(values)
    from_xlsx = read_upload("plans.xlsx", xlsx_bytes(MISSION_COLUMNS, rows), dataset)
    from_csv = read_upload("plans.csv", csv_bytes(GOOD_MISSIONS), dataset)
    assert from_xlsx.ok, from_xlsx.errors or from_xlsx.file_error
    pd.testing.assert_frame_equal(from_xlsx.rows, from_csv.rows)
    merged = merge_uploads(dataset, [from_xlsx])
    assert len(merged.missions) == len(dataset.missions) + 3
    assert merged.missions["uploaded"].sum() == 3


def test_columns_in_any_order_and_a_byte_order_mark_are_accepted(dataset: Dataset) -> None:
    columns = MISSION_COLUMNS[::-1]
    raw = "\ufeff".encode() + csv_bytes(GOOD_MISSIONS[:1], columns)
    result = read_upload("plans.CSV", raw, dataset)
    assert result.ok and result.rows.columns.tolist() == MISSION_COLUMNS


# ------------------------------------------------------------------------ bad rows


def test_every_bad_cell_is_listed_by_row_column_and_reason(dataset: Dataset) -> None:
    rows = [
        mission("wk_good"),
        mission("wk_bad_types", launch_year="20x0", status="flying"),
        mission("wk_bad_refs", lead_agency_id="esaa", body_id="europa"),
        mission("luna_2"),
        mission("wk_bad_values", name="", capabilities="landing|teleport", launch_year="2099"),
        mission("wk_good"),
        mission("wk_bad_rule", status="notional", launch_year="", window_start="2045", window_end="2040"),
    ]
    result = read_upload("plans.csv", csv_bytes(rows), dataset)
    assert result.file_error is None
    assert cells(result) == [
        (2, "launch_year"),
        (2, "status"),
        (3, "body_id"),
        (3, "lead_agency_id"),
        (4, "mission_id"),
        (5, "name"),
        (5, "launch_year"),
        (5, "capabilities"),
        (6, "mission_id"),
        (7, "window_end"),
    ]
    assert reason(result, 2, "launch_year") == "'20x0' is not a whole number (a year or a count)"
    assert reason(result, 2, "status").startswith("'flying' is not allowed here; use one of: completed, operating")
    assert reason(result, 3, "lead_agency_id").startswith("unknown agency_id 'esaa': not among the shipped agencies")
    assert reason(result, 3, "body_id") == "body 'europa' belongs to destination 'giant_planets', not 'moon'"
    assert reason(result, 4, "mission_id") == "'luna_2' is already in the shipped data; choose another id"
    assert reason(result, 5, "name") == "a value is required here"
    assert reason(result, 5, "launch_year") == "2099 is above the maximum 2061"
    assert "'landing|teleport' contains a value that is not allowed" in reason(result, 5, "capabilities")
    assert reason(result, 6, "mission_id") == "'wk_good' repeats row 1; ids must be unique"
    assert reason(result, 7, "window_end") == "the window ends (2040) before it starts (2045)"
    assert str(result.errors[0]) == "row 2, column 'launch_year': '20x0' is not a whole number (a year or a count)"
    assert result.summary == "7 rows read: 1 valid, 6 with errors"
    assert result.rows["mission_id"].tolist() == ["wk_good"]
    assert result.error_table.columns.tolist() == ["row", "column", "reason"] and len(result.error_table) == 10


def test_unknown_destination_body_and_carrier(dataset: Dataset) -> None:
    rows = [
        mission("wk_a", destination_id="atlantis"),
        mission("wk_b", body_id="vulcan"),
        mission("wk_c", carrier_mission_id="no_such_mission"),
        mission("wk_d", carrier_mission_id="wk_a"),  # its carrier is in the file, but broken
    ]
    result = read_upload("plans.csv", csv_bytes(rows), dataset)
    assert cells(result) == [
        (1, "destination_id"),
        (2, "body_id"),
        (3, "carrier_mission_id"),
        (4, "carrier_mission_id"),
    ]
    assert "unknown destination_id 'atlantis'" in reason(result, 1, "destination_id")
    assert "unknown body_id 'vulcan'" in reason(result, 2, "body_id")
    assert "unknown mission_id 'no_such_mission'" in reason(result, 3, "carrier_mission_id")
    assert reason(result, 4, "carrier_mission_id") == "its carrier 'wk_a' (row 1) has errors; fix that row first"


def test_a_carried_craft_must_launch_with_a_shipped_carrier(dataset: Dataset) -> None:
    carrier = dataset.missions.set_index("mission_id").loc["cassini_huygens"]
    ok = mission("wk_rider", launch_year=str(carrier["launch_year"]), carrier_mission_id="cassini_huygens")
    late = mission("wk_late_rider", launch_year="2040", carrier_mission_id="cassini_huygens")
    result = read_upload("plans.csv", csv_bytes([ok, late]), dataset)
    assert cells(result) == [(2, "launch_year")]
    assert "launches with its carrier 'cassini_huygens'" in reason(result, 2, "launch_year")


def test_a_mission_id_already_uploaded_in_the_session_is_refused(dataset: Dataset) -> None:
    first, second = read_uploads(
        [("a.csv", csv_bytes(GOOD_MISSIONS[:1])), ("b.csv", csv_bytes(GOOD_MISSIONS[:2]))], dataset
    )
    assert first.ok
    assert cells(second) == [(1, "mission_id")]
    assert reason(second, 1, "mission_id") == "'wk_lunar_lander' is already in your upload 'a.csv'"
    merged = merge_uploads(dataset, [first, second])
    assert len(merged.missions) == len(dataset.missions) + 2


# -------------------------------------------------------------------- participants


def test_participants_may_name_missions_uploaded_in_the_same_session(dataset: Dataset) -> None:
    participants = [
        participant("wk_mars_orbiter", "jaxa", "lead", contribution="spacecraft"),
        participant("wk_mars_orbiter", "esa", "element", contribution="relay orbiter", capabilities="relay"),
        participant("wk_lunar_lander", "jaxa", "instrument", contribution="camera"),
        participant("juice", "isro", "instrument", contribution="a workshop instrument"),  # a shipped mission
    ]
    files = [("partners.csv", csv_bytes(participants)), ("plans.csv", csv_bytes(GOOD_MISSIONS))]
    partners, plans = read_uploads(files, dataset)  # in the order given, whatever the reading order
    assert partners.table == "mission_participants" and partners.ok, partners.errors
    assert plans.ok
    merged = merge_uploads(dataset, [partners, plans])
    added = merged.mission_participants[merged.mission_participants["uploaded"]]
    assert len(added) == 4 + 1  # the lander's lead row is made; the orbiter's was uploaded
    orbiter_lead = added[(added["mission_id"] == "wk_mars_orbiter") & (added["role"] == "lead")]
    assert orbiter_lead["contribution"].tolist() == ["spacecraft"]
    assert took_part(merged.mission_participants)["isro"] == took_part(dataset.mission_participants)["isro"] + 1
    assert took_part(merged.mission_participants)["jaxa"] == took_part(dataset.mission_participants)["jaxa"] + 2

    alone = read_upload("partners.csv", csv_bytes(participants), dataset)  # without the missions file
    assert cells(alone) == [(1, "mission_id"), (2, "mission_id"), (3, "mission_id")]
    assert "not among the shipped missions or the missions you uploaded" in reason(alone, 1, "mission_id")


def test_participant_rows_follow_the_lead_and_capability_rules(dataset: Dataset) -> None:
    plans = read_upload("plans.csv", csv_bytes(GOOD_MISSIONS), dataset)
    rows = [
        participant("wk_mars_orbiter", "esa", "lead"),  # the mission says jaxa leads
        participant("juice", "nasa", "lead"),  # a shipped mission keeps its lead
        participant("wk_europa_probe", "esa", "lead"),  # a notional mission without a lead
        participant("wk_mars_orbiter", "esa", "element", capabilities="landing"),  # not the mission's
        participant("wk_mars_orbiter", "cnes", "instrument", capabilities="orbit"),  # an instrument claims nothing
        participant("juice", "esa", "lead", contribution="again"),  # already in the shipped data
        participant("wk_lunar_lander", "dlr", "launch"),
        participant("wk_lunar_lander", "dlr", "launch"),  # repeats the row above
        participant("wk_lunar_lander", "nobody", "element"),
        participant("wk_lunar_lander", "dlr", "sponsor"),
    ]
    result = read_upload("partners.csv", csv_bytes(rows), dataset, session=[plans])
    assert cells(result) == [
        (1, "agency_id"),
        (2, "role"),
        (3, "role"),
        (4, "capabilities"),
        (5, "capabilities"),
        (6, "agency_id"),
        (8, "agency_id"),
        (9, "agency_id"),
        (10, "role"),
    ]
    assert (
        reason(result, 1, "agency_id")
        == "mission 'wk_mars_orbiter' is led by 'jaxa' in your missions upload, not by 'esa'"
    )
    assert reason(result, 2, "role").startswith("mission 'juice' already has its lead ('esa') in the shipped data")
    assert "has no lead_agency_id" in reason(result, 3, "role")
    assert reason(result, 4, "capabilities").startswith("'landing' is not among the capabilities of mission")
    assert "only a lead or an element" in reason(result, 5, "capabilities")
    assert reason(result, 6, "agency_id") == "mission 'juice', agency 'esa', role 'lead' is already in the shipped data"
    assert reason(result, 8, "agency_id").endswith("repeats row 7")
    assert "unknown agency_id 'nobody'" in reason(result, 9, "agency_id")
    assert "'sponsor' is not allowed here" in reason(result, 10, "role")
    assert result.rows[["mission_id", "agency_id", "role"]].values.tolist() == [["wk_lunar_lander", "dlr", "launch"]]


# --------------------------------------------------------------------- whole files


def _exactly(size: int) -> bytes:
    """A valid missions file of exactly ``size`` bytes, padded with long notes."""
    full = len(csv_bytes([mission("wk_pad_0000", note="n" * 1000)])) - len(csv_bytes([mission("wk_pad_0000")]))
    row_bytes = len(csv_bytes([mission("wk_pad_0000")])) - len(",".join(MISSION_COLUMNS)) - 1 + full
    count = (size - len(",".join(MISSION_COLUMNS)) - 1) // row_bytes - 1
    rows = [mission(f"wk_pad_{i:04d}", note="n" * 1000) for i in range(count)]
    room = size - len(csv_bytes([*rows, mission("wk_pad_last", note="")]))
    assert 0 <= room <= 1200  # the longest note allowed
    return csv_bytes([*rows, mission("wk_pad_last", note="n" * room)])


def test_exactly_2_mb_passes_and_one_byte_more_fails(dataset: Dataset) -> None:
    at_limit = _exactly(MAX_UPLOAD_BYTES)
    assert len(at_limit) == MAX_UPLOAD_BYTES == 2 * 1024 * 1024
    result = read_upload("big.csv", at_limit, dataset)
    assert result.ok and len(result.rows) == result.rows_read > 1000
    over = _exactly(MAX_UPLOAD_BYTES + 1)
    too_big = read_upload("big.csv", over, dataset)
    assert too_big.file_error == (
        "the file is 2,097,153 bytes; an upload may be at most 2 MB (2,097,152 bytes): split it into several files"
    )
    assert too_big.rows.empty and too_big.summary.startswith("not read: ")


def test_too_many_rows(dataset: Dataset) -> None:
    header = ",".join(MISSION_COLUMNS)
    row = csv_bytes([mission("wk_x")]).decode().splitlines()[1]
    raw = "\n".join([header, *[row] * (MAX_UPLOAD_ROWS + 1)]).encode()
    assert len(raw) < MAX_UPLOAD_BYTES
    result = read_upload("many.csv", raw, dataset)
    assert result.file_error == "the file has more than 5,000 rows; split it into several files"


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        (
            "plans.csv",
            "mission_id,name\nwk_x,Sonde Vénus\n".encode("cp1252"),
            "line 2 is not valid UTF-8 (byte 0xe9); save the file as UTF-8 (in Excel: Save As › CSV UTF-8)",
        ),
        ("plans.csv", "mission_id,name\nwk_x,Venus\n".encode("utf-16"), "the file is UTF-16 text, not UTF-8"),
        ("plans.csv", bytes(range(256)) * 20, "the file holds binary data, not text"),
        ("plans.csv", b"\x89PNG\r\n\x1a\n" + bytes(200), "the file holds binary data, not text"),
        ("plans.xlsx", b"mission_id,name\nwk_x,Venus\n", "this is a text file (a CSV?) named .xlsx; name it .csv"),
        ("plans.xlsx", bytes(range(256)) * 20, "the file is not an Excel workbook (.xlsx)"),
        ("plans.xlsx", b"PK\x03\x04" + bytes(100), "the workbook is damaged (not a readable .xlsx)"),
        ("plans.csv", b"PK\x03\x04" + bytes(100), "this is an Excel workbook (or another zip archive), not a CSV"),
        ("plans.xls", b"mission_id\n", "the file has the extension '.xls'; upload a .csv (saved as UTF-8) or an .xlsx"),
        ("plans", b"mission_id\n", "the file has no extension; upload a .csv"),
        ("plans.csv", b"", "the file is empty; it needs a header row and at least one row"),
        ("plans.csv", b" \n\n", "the file is empty; it needs at least a header row"),
        ("plans.csv", (",".join(MISSION_COLUMNS) + "\n").encode(), "the file has a header but no rows"),
        (
            "plans.csv",
            b"budget,year\n1,2\n",
            "the header ('budget', 'year') matches neither a missions file nor a mission participants file, "
            "which start mission_id, name, aliases, … and mission_id, agency_id, role, …",
        ),
    ],
)
def test_a_file_that_is_not_a_table_says_why(dataset: Dataset, name: str, raw: bytes, expected: str) -> None:
    result = read_upload(name, raw, dataset)
    assert result.file_error is not None and result.file_error.startswith(expected), result.file_error
    assert result.errors == [] and result.rows.empty


def test_an_xlsx_named_csv_and_an_old_xls(dataset: Dataset) -> None:
    workbook = template_xlsx("missions")
    assert read_upload("plans.csv", workbook, dataset).file_error.startswith("this is an Excel workbook")
    old = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert read_upload("plans.xlsx", old, dataset).file_error.startswith("this is an old Excel .xls workbook")


def test_a_header_close_to_a_table_names_what_differs(dataset: Dataset) -> None:
    columns = [c for c in MISSION_COLUMNS if c not in ("launch_year", "note")] + ["budget_musd"]
    raw = csv_bytes([{c: mission("wk_x").get(c, "1") for c in columns}], columns)
    result = read_upload("plans.csv", raw, dataset)
    assert result.table == "missions"
    assert result.file_error == (
        "this looks like a missions file, but its header lacks the columns 'launch_year', 'note' and has the "
        "unexpected column 'budget_musd' (compare it with the template)"
    )
    extra = read_upload("p.csv", csv_bytes([{**participant("juice", "isro", "element"), "x": "1"}]), dataset)
    assert extra.file_error.startswith("this looks like a mission participants file, but its header has the unexpected")


# ------------------------------------------------------------------ inert contents


def test_html_and_script_stay_plain_text(dataset: Dataset) -> None:
    payloads = {
        "name": "<script>alert('x')</script>",
        "note": '<img src=x onerror="alert(1)"> & <b>bold</b>',
        "source": '=HYPERLINK("http://evil.example","click")',
    }
    result = read_upload("plans.csv", csv_bytes([mission("wk_html", **payloads)]), dataset)
    assert result.ok
    row = result.rows.iloc[0]
    assert {column: row[column] for column in payloads} == payloads
    merged = merge_uploads(dataset, [result])
    assert merged.missions.loc[merged.missions["mission_id"] == "wk_html", "name"].item() == payloads["name"]


def test_control_characters_are_refused_but_tabs_and_line_breaks_kept(dataset: Dataset) -> None:
    rows = [
        mission("wk_bell", name="Bell\x07 probe"),
        mission("wk_escape", note="\x1b[31mred\x1b[0m"),
        mission("wk_fine", note="first line\r\nsecond\tline"),
    ]
    result = read_upload("plans.csv", csv_bytes(rows), dataset)
    assert cells(result) == [(1, "name"), (2, "note")]
    assert reason(result, 1, "name") == (
        "contains the control character U+0007; only tabs and line breaks may appear in a cell"
    )
    assert result.rows["note"].tolist() == ["first line\nsecond\tline"]


# ------------------------------------------------------------------------ downloads


def test_safe_csv_defuses_formulas_in_text_cells_only() -> None:
    frame = pd.DataFrame(
        {
            "text": [
                '=HYPERLINK("http://evil.example","x")',
                "+1",
                "-1+2",
                "@SUM(A1:A2)",
                "\tx",
                "\rx",
                " =1",
                "ok",
                None,
            ],
            "number": [-1, -2.5, 3, 0, 1, 2, 3, 4, 5],
        }
    ).astype({"text": "string"})
    rows = list(csv.reader(io.StringIO(safe_csv(frame).decode("utf-8-sig"))))
    assert rows[0] == ["text", "number"]
    assert [r[0] for r in rows[1:]] == [
        '\'=HYPERLINK("http://evil.example","x")',
        "'+1",
        "'-1+2",
        "'@SUM(A1:A2)",
        "'\tx",
        "'\rx",
        "' =1",
        "ok",
        "",
    ]
    assert [r[1] for r in rows[1:3]] == ["-1.0", "-2.5"]  # numbers are never escaped
    assert safe_csv(frame).startswith(b"\xef\xbb\xbf") and not safe_csv(frame, bom=False).startswith(b"\xef")


def test_safe_csv_of_a_merged_table_keeps_dates_and_years(dataset: Dataset) -> None:
    merged = merge_uploads(dataset, [read_upload("plans.csv", csv_bytes(GOOD_MISSIONS), dataset)])
    text = safe_csv(merged.missions[merged.missions["uploaded"]]).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[1]["launch_date"] == "2031-07-01" and rows[1]["launch_year"] == "2031"
    assert rows[2]["launch_year"] == "" and rows[0]["uploaded"] == "True"


# ------------------------------------------------------------------------ templates


def test_templates_upload_cleanly(dataset: Dataset) -> None:
    for kind, template in (("csv", template_csv), ("xlsx", template_xlsx)):
        files = [(f"missions.{kind}", template("missions")), (f"participants.{kind}", template("mission_participants"))]
        plans, partners = read_uploads(files, dataset)
        assert plans.ok and partners.ok, (kind, plans.summary, partners.summary, partners.errors)
        assert plans.rows["mission_id"].tolist() == ["example_lunar_lander"]
        assert "fictional" in plans.rows["name"].item().lower()
        assert "example_lunar_lander" not in set(dataset.missions["mission_id"])
        merged = merge_uploads(dataset, [plans, partners])
        assert len(merged.missions) == len(dataset.missions) + 1
    header = template_csv("mission_participants").decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == PARTICIPANT_COLUMNS
    guide = openpyxl.load_workbook(io.BytesIO(template_xlsx("missions")))["columns"]
    assert [row[0] for row in guide.iter_rows(min_row=2, values_only=True)] == MISSION_COLUMNS
    with pytest.raises(ValueError, match="no template for 'agencies'"):
        template_csv("agencies")


# -------------------------------------------------------------- merging and memo


def test_the_same_upload_gives_the_same_dataset_object(dataset: Dataset) -> None:
    raw = csv_bytes(GOOD_MISSIONS)
    first = merge_uploads(dataset, [read_upload("plans.csv", raw, dataset)])
    again = merge_uploads(dataset, [read_upload("plans.csv", bytes(bytearray(raw)), dataset)])
    assert again is first
    changed = merge_uploads(dataset, [read_upload("plans.csv", csv_bytes(GOOD_MISSIONS[:2]), dataset)])
    assert changed is not first and changed.version != first.version
    assert merge_uploads(dataset, []) is dataset
    nothing_valid = read_upload("plans.csv", csv_bytes([mission("luna_2")]), dataset)
    assert merge_uploads(dataset, [nothing_valid]) is dataset


def test_the_merged_dataset_filters_and_counts(dataset: Dataset) -> None:
    merged = merge_uploads(dataset, [read_upload("plans.csv", csv_bytes(GOOD_MISSIONS), dataset)])
    shipped_view = filter_dataset(dataset, FilterState())
    merged_view = filter_dataset(merged, FilterState())
    before, after = mission_counts(shipped_view.missions), mission_counts(merged_view.missions)
    assert after.missions == before.missions + 3
    assert after.notional == before.notional + 1
    assert after.real == before.real + 2  # planned and in development
    assert after.cooperative == before.cooperative + 2
    assert uploaded_mask(merged_view.missions).sum() == 3
    assert not uploaded_mask(shipped_view.missions).any()  # no column there: all False
    assert led_by(merged_view.missions)["jaxa"] == led_by(shipped_view.missions)["jaxa"] + 1
    jaxa = filter_dataset(merged, FilterState(agencies=("jaxa",)))
    assert "wk_mars_orbiter" in set(jaxa.missions["mission_id"])
    moon = filter_dataset(merged, FilterState(destinations=("moon",), year_from=2035, year_to=2045))
    assert "wk_lunar_lander" in set(moon.missions["mission_id"])


def test_uploads_are_read_against_the_shipped_dataset_only(dataset: Dataset) -> None:
    merged = merge_uploads(dataset, [read_upload("plans.csv", csv_bytes(GOOD_MISSIONS), dataset)])
    with pytest.raises(ValueError, match="shipped dataset"):
        read_upload("more.csv", csv_bytes([mission("wk_more")]), merged)
    # Two files read apart that repeat an id cannot be merged into a broken dataset.
    a = read_upload("a.csv", csv_bytes(GOOD_MISSIONS[:1]), dataset)
    b = read_upload("b.csv", csv_bytes(GOOD_MISSIONS[:1]), dataset)
    with pytest.raises(ValueError, match="repeat a missions row"):
        merge_uploads(dataset, [a, b])


def test_a_workbook_that_unpacks_to_too_much_is_refused(dataset: Dataset) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (MAX_UNPACKED_BYTES + 1))
    raw = buffer.getvalue()
    assert len(raw) < MAX_UPLOAD_BYTES
    result = read_upload("plans.xlsx", raw, dataset)
    assert result.file_error == "the workbook unpacks to more than 50 MB; upload its first sheet as a CSV"
