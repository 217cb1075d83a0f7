"""Every bad-file case fails with one clear message naming file, row, column and reason,
and leaves the tables that do not depend on the broken one usable."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

from components.data import DataFileError, load_dataset, load_dataset_strict, load_table


def rewrite(path: Path, edit) -> None:
    """Apply ``edit(rows)`` to a CSV's rows (header included) and write it back."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    edit(rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(path: Path, row: int, column: str, value: str) -> str:
    """Set data row ``row`` (1-based) of ``column``; return the row's first cell (its id)."""
    holder: dict[str, str] = {}

    def edit(rows: list[list[str]]) -> None:
        rows[row][rows[0].index(column)] = value
        holder["id"] = rows[row][0]

    rewrite(path, edit)
    return holder["id"]


def problem(data_dir: Path, table: str) -> DataFileError:
    dataset = load_dataset(data_dir)
    assert table in dataset.problems, f"{table} should have been rejected; problems: {dataset.problems}"
    return dataset.problems[table]


def test_missing_column(data_copy: Path) -> None:
    rewrite(data_copy / "missions.csv", lambda rows: [r.pop(rows[0].index("launch_year")) for r in rows[::-1]])
    err = problem(data_copy, "missions")
    assert err.column == "launch_year"
    assert str(err) == "data/missions.csv, column 'launch_year': the header lacks the required column 'launch_year'"


def test_unexpected_column(data_copy: Path) -> None:
    def edit(rows):
        rows[0].append("budget_musd")
        for r in rows[1:]:
            r.append("1")

    rewrite(data_copy / "agencies.csv", edit)
    err = problem(data_copy, "agencies")
    assert "unexpected column 'budget_musd'" in str(err)


def test_bad_year_text(data_copy: Path) -> None:
    mission_id = set_cell(data_copy / "missions.csv", 3, "launch_year", "19x8")
    err = problem(data_copy, "missions")
    assert (err.row, err.column) == (3, "launch_year")
    assert str(err).startswith(f"data/missions.csv, row 3 (mission_id '{mission_id}'), column 'launch_year': '19x8'")
    assert "is not a whole number" in str(err)


def test_year_out_of_range(data_copy: Path) -> None:
    set_cell(data_copy / "missions.csv", 5, "launch_year", "3021")
    set_cell(data_copy / "missions.csv", 5, "launch_date", "")
    err = problem(data_copy, "missions")
    assert (err.row, err.column) == (5, "launch_year")
    assert "3021 is above the maximum 2061" in str(err)


def test_launch_date_disagrees_with_year(data_copy: Path) -> None:
    rows = list(csv.DictReader((data_copy / "missions.csv").open(encoding="utf-8")))
    position = next(i for i, r in enumerate(rows, start=1) if r["launch_date"])
    set_cell(data_copy / "missions.csv", position, "launch_year", str(int(rows[position - 1]["launch_year"]) + 1))
    err = problem(data_copy, "missions")
    assert err.column == "launch_date"
    assert "is not in launch_year" in err.reason


def test_unknown_foreign_key(data_copy: Path) -> None:
    mission_id = set_cell(data_copy / "missions.csv", 2, "lead_agency_id", "nasaa")
    err = problem(data_copy, "missions")
    assert str(err) == (
        f"data/missions.csv, row 2 (mission_id '{mission_id}'), column 'lead_agency_id': "
        "unknown agency_id 'nasaa' (not in agencies.csv)"
    )


def test_unknown_destination_in_bodies(data_copy: Path) -> None:
    set_cell(data_copy / "bodies.csv", 1, "destination_id", "pluto")
    err = problem(data_copy, "bodies")
    assert err.column == "destination_id"
    assert "unknown destination_id 'pluto'" in err.reason


def test_duplicate_id(data_copy: Path) -> None:
    def edit(rows):
        rows.append(list(rows[1]))

    rewrite(data_copy / "agencies.csv", edit)
    err = problem(data_copy, "agencies")
    assert err.column == "agency_id"
    assert "duplicate agency_id 'nasa': ids must be unique" in err.reason


def test_value_not_allowed(data_copy: Path) -> None:
    set_cell(data_copy / "missions.csv", 4, "status", "lost in space")
    err = problem(data_copy, "missions")
    assert err.column == "status"
    assert "'lost in space' is not allowed here; use one of: completed, operating" in err.reason


def test_empty_file(data_copy: Path) -> None:
    (data_copy / "groups.csv").write_text("", encoding="utf-8")
    err = problem(data_copy, "groups")
    assert str(err) == "data/groups.csv: the file is empty; it needs at least a header row"


def test_header_only(data_copy: Path) -> None:
    path = data_copy / "groups.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert problem(data_copy, "groups").reason == "the file has a header but no rows"


def test_not_utf8(data_copy: Path) -> None:
    path = data_copy / "agencies.csv"
    path.write_bytes(path.read_bytes().replace("études".encode(), "études".encode("latin-1")))
    err = problem(data_copy, "agencies")
    assert "is not valid UTF-8" in err.reason
    assert err.reason.startswith("line ")


def test_ragged_row(data_copy: Path) -> None:
    path = data_copy / "pillars.csv"
    path.write_text(path.read_text(encoding="utf-8") + "extra,1,2,3,4,5,6,7,8,9,10,11,12,13\n", encoding="utf-8")
    err = problem(data_copy, "pillars")
    assert "has a different number of fields than the header" in err.reason


def test_an_unclosed_quote_names_the_line_it_opens_on(data_copy: Path) -> None:
    path = data_copy / "memberships.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2:2] = ['esa,"opened here\n', 'closed" here\n']  # lines 3 and 4 read as one record of two fields
    path.write_text("".join(lines), encoding="utf-8")
    assert problem(data_copy, "memberships").reason.startswith(
        "the record from line 3 to 4 has a different number of fields than the header (2, not "
    )


@pytest.mark.parametrize("module_limit", [csv.field_size_limit(), sys.maxsize])
def test_an_overlong_cell_is_refused_whatever_the_csv_module_allows(data_copy: Path, module_limit: int) -> None:
    """frictionless raises the csv module's process-wide limit when it reads a file; the loader
    keeps its own."""
    path = data_copy / "pillars.csv"
    header, first, *rest = path.read_text(encoding="utf-8").splitlines(keepends=True)
    long_first = first.replace(",", ',"' + "x" * 140_000 + '",', 1)
    path.write_text(header + "".join(rest) + long_first, encoding="utf-8")
    before = csv.field_size_limit(module_limit)
    try:
        reason = problem(data_copy, "pillars").reason
    finally:
        csv.field_size_limit(before)
    assert reason.startswith(f"line {len(rest) + 2} has a cell of more than 131,072 characters")


def test_missing_file(data_copy: Path) -> None:
    (data_copy / "milestones.csv").unlink()
    assert str(problem(data_copy, "milestones")) == "data/milestones.csv: the file is missing"


def test_mission_lead_must_be_a_participant(data_copy: Path) -> None:
    def edit(rows):
        role = rows[0].index("role")
        first_lead = next(i for i, r in enumerate(rows[1:], start=1) if r[role] == "lead")
        del rows[first_lead]

    rewrite(data_copy / "mission_participants.csv", edit)
    err = problem(data_copy, "mission_participants")
    assert "has no participant row with role 'lead'" in err.reason


def test_broken_table_spares_independent_tables(data_copy: Path) -> None:
    set_cell(data_copy / "agencies.csv", 1, "hq_lat", "north")
    dataset = load_dataset(data_copy)
    assert set(dataset.problems) >= {"agencies", "missions", "mission_participants", "memberships"}
    assert "cannot be checked because data/agencies.csv has a problem" in dataset.problems["missions"].reason
    for independent in ("pillars", "destinations", "cooperation_modes", "science_questions", "destination_modes"):
        assert independent in dataset.tables
    with pytest.raises(DataFileError, match="'north' is not a number"):
        dataset.table("agencies")


def test_strict_loader_raises_first_problem(data_copy: Path) -> None:
    set_cell(data_copy / "pillars.csv", 1, "suited_cooperation", "maybe")
    with pytest.raises(
        DataFileError, match=r"data/pillars.csv, row 1 \(pillar_id 'science'\), column 'suited_cooperation'"
    ):
        load_dataset_strict(data_copy)


def test_error_survives_pickling() -> None:
    """Streamlit's cache pickles the Dataset, problems included."""
    import pickle

    err = DataFileError("missions.csv", "bad", row=2, column="status", row_id="mission_id 'x'", more=3)
    assert str(pickle.loads(pickle.dumps(err))) == str(err)


def test_single_table_loader_types_columns() -> None:
    missions = load_table("missions")
    assert str(missions["launch_year"].dtype) == "Int64"
    assert str(missions["launch_date"].dtype).startswith("datetime64")
    assert missions["mission_id"].is_unique
