"""Load every table in ``data/`` into one validated ``Dataset``.

The loader is plain Python so that tests, scripts and benchmarks use exactly what the app
uses; ``get_dataset`` adds Streamlit's cache on top. A bad file never stops the whole app:
its problem is recorded, tables that depend on it are marked unavailable too, and every
other table stays usable. Problems read like "data/missions.csv, row 12 (mission_id
'luna_9'), column 'launch_year': 3021 is above the latest allowed year 2061".
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from components.schema import TABLES, TABLES_BY_NAME, Col, ForeignKey, TableSpec

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DATA_DIR_ENV = "H2061_DATA_DIR"
# When the facts were last checked against the public record ("Checked as of" in
# data/README.md); every exported image and slide carries it.
DATA_CHECKED = "November 2026"
MAX_FILE_BYTES = 5_000_000


class DataFileError(Exception):
    """A data file that cannot be used, with enough detail to fix it by hand."""

    def __init__(
        self,
        file: str,
        reason: str,
        row: int | None = None,
        column: str | None = None,
        row_id: str | None = None,
        more: int = 0,
    ) -> None:
        super().__init__(file, reason, row, column, row_id, more)
        self.file = file
        self.reason = reason
        self.row = row
        self.column = column
        self.row_id = row_id
        self.more = more

    def __str__(self) -> str:
        where = [f"data/{self.file}"]
        if self.row is not None:
            where.append(f"row {self.row}" + (f" ({self.row_id})" if self.row_id else ""))
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = ", ".join(where) + f": {self.reason}"
        if self.more:
            text += f" (and {self.more} more problem{'s' if self.more > 1 else ''} in this file)"
        return text


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a loaded dataset is one object
class Dataset:
    """Every table, validated, plus the problems of the tables that could not be loaded.

    ``ds.missions`` (or ``ds.table("missions")``) returns the frame, or raises the file's
    ``DataFileError`` so a page can explain what is wrong instead of drawing half a chart.
    """

    tables: Mapping[str, pd.DataFrame]
    problems: Mapping[str, DataFileError] = field(default_factory=dict)
    # One token per loaded dataset: what is built from it (figures, summaries) is keyed by it.
    version: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)

    def table(self, name: str) -> pd.DataFrame:
        if name in self.problems:
            raise self.problems[name]
        if name not in self.tables:
            raise KeyError(f"unknown table {name!r}")
        return self.tables[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in TABLES_BY_NAME:
            return self.table(name)
        raise AttributeError(name)

    def require(self, *names: str) -> None:
        """Raise the first problem among ``names``; pages call this before rendering."""
        for name in names:
            self.table(name)

    @property
    def ok(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------------------- reading


def _row_label(spec: TableSpec, frame: pd.DataFrame, index: object) -> tuple[int | None, str | None]:
    """The 1-based data row (header excluded) and the row's key, for messages."""
    if not isinstance(index, (int,)) and not hasattr(index, "__index__"):
        return None, None
    position = int(index)  # frames keep a RangeIndex, so index == position
    key_col = spec.key[0]
    row_id = None
    if key_col in frame.columns and 0 <= position < len(frame):
        value = frame.iloc[position][key_col]
        if isinstance(value, str) and value:
            row_id = f"{key_col} '{_clip(value)}'"
    return position + 1, row_id


def _clip(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_text(spec: TableSpec, data_dir: Path) -> str:
    path = data_dir / spec.file_name
    if not path.is_file():
        raise DataFileError(spec.file_name, "the file is missing")
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise DataFileError(spec.file_name, f"the file is larger than {MAX_FILE_BYTES:,} bytes")
    return _decode_text(spec.file_name, raw)


def _decode_text(file_name: str, raw: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped), or the line that is not; shared with uploads."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileError(
            file_name,
            f"line {line} is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
        ) from None
    if not text.strip():
        raise DataFileError(file_name, "the file is empty; it needs at least a header row")
    return text


_PARSER_LINE = re.compile(r"line (\d+)")


MAX_CELL_CHARS = 131_072
"""No column holds more text than this; Python's csv module stops at the same size by default,
but the limit is process-wide and other libraries raise it, so the loader checks its own."""


def _ragged_line(text: str, blank_lines_ok: bool = False) -> str | None:
    """The first record whose field count differs from the header's, in words, or None.

    pandas fills a short row with empty cells, so a line cut short would pass unnoticed; the
    standard tool (``frictionless validate``) rejects it, and so does the loader. A blank line,
    even at the end, is refused for the same reason (uploads skip them: spreadsheets leave them).
    A quote opened and never closed swallows the rest of the file into one cell: the message
    names the line where that record starts."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        return None
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader, None)
        except csv.Error:  # a cell over the module's own limit
            return _overlong(start)
        if record is None:
            return None
        if not record:
            if blank_lines_ok:
                continue
            return f"line {reader.line_num} is blank; remove it"
        if any(len(cell) > MAX_CELL_CHARS for cell in record):
            return _overlong(start)
        if len(record) != len(header):
            hint = "a line cut short, or a missing comma" if len(record) < len(header) else "check quotes and commas"
            end = reader.line_num
            where = f"line {start}" if end == start else f"the record from line {start} to {end}"
            return (
                f"{where} has a different number of fields than the header ({len(record)}, not {len(header)}: {hint})"
            )


def _overlong(line: int) -> str:
    return (
        f"line {line} has a cell of more than {MAX_CELL_CHARS:,} characters (or a quote opened there is never "
        "closed); no column holds that much text"
    )


def _parse_csv(spec: TableSpec, text: str, blank_lines_ok: bool = False) -> pd.DataFrame:
    ragged = _ragged_line(text, blank_lines_ok)
    if ragged:
        raise DataFileError(spec.file_name, ragged)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skipinitialspace=False,
        )
    except pd.errors.ParserError as exc:
        match = _PARSER_LINE.search(str(exc))
        where = f"line {match.group(1)}" if match else "a line"
        raise DataFileError(
            spec.file_name,
            f"{where} has a different number of fields than the header (check quotes and commas)",
        ) from None
    except pd.errors.EmptyDataError:
        raise DataFileError(spec.file_name, "the file is empty; it needs at least a header row") from None

    columns = [str(c).strip() for c in frame.columns]
    duplicates = sorted(
        {c.rsplit(".", 1)[0] for c in columns if re.fullmatch(r".+\.\d+", c) and c.rsplit(".", 1)[0] in columns}
    )
    if duplicates:
        raise DataFileError(spec.file_name, f"the header repeats a column: {', '.join(duplicates)}")
    frame.columns = columns
    missing = [c for c in spec.column_names if c not in columns]
    if missing:
        raise DataFileError(
            spec.file_name,
            f"the header lacks the required column{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"'{c}'" for c in missing),
            column=missing[0],
        )
    extra = [c for c in columns if c not in spec.column_names]
    if extra:
        raise DataFileError(
            spec.file_name,
            "unexpected column " + ", ".join(f"'{_clip(c, 40)}'" for c in extra) + " (see data/README.md)",
            column=_clip(extra[0], 40),
        )
    frame = frame[list(spec.column_names)]
    if frame.empty:
        raise DataFileError(spec.file_name, "the file has a header but no rows")
    return frame.apply(lambda s: s.str.strip()).reset_index(drop=True)


_INT = re.compile(r"^-?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _convert(spec: TableSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Turn text cells into typed columns; empty cells become missing values."""
    converted: dict[str, pd.Series] = {}
    for col in spec.columns:
        text = frame[col.name]
        values, bad, what = _convert_column(col, text)
        if bad.any():
            position = int(bad.to_numpy().nonzero()[0][0])
            row, row_id = _row_label(spec, frame, position)
            raise DataFileError(
                spec.file_name,
                f"'{_clip(text.iloc[position])}' is not {what}",
                row=row,
                column=col.name,
                row_id=row_id,
                more=int(bad.sum()) - 1,
            )
        converted[col.name] = values
    return pd.DataFrame(converted)


def _convert_column(col: Col, text: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    """One column's typed values, the cells that are not of its type, and what they should be.

    Split from ``_convert`` so that uploads can list every bad cell, not only the first."""
    empty = text == ""
    if col.kind == "str":
        return text.where(~empty, None).astype("string"), pd.Series(False, index=text.index), "text"
    if col.kind == "int":
        bad = ~empty & ~text.str.match(_INT)
        values = pd.to_numeric(text.where(~empty & ~bad), errors="coerce").astype("Int64")
        return values, bad, "a whole number (a year or a count)"
    if col.kind == "float":
        values = pd.to_numeric(text.where(~empty), errors="coerce")
        return values, ~empty & values.isna(), "a number"
    if col.kind == "bool":
        lowered = text.str.lower()
        bad = ~empty & ~lowered.isin(["true", "false"])
        return lowered.map({"true": True, "false": False}).astype("boolean"), bad, "true or false"
    # date
    values = pd.to_datetime(text.where(~empty & text.str.match(_DATE)), format="%Y-%m-%d", errors="coerce")
    return values, ~empty & values.isna(), "a date written YYYY-MM-DD"


# ------------------------------------------------------------------------ validation


def _checks(col: Col) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if col.allowed is not None:
        allowed = set(col.allowed)
        if col.multi:
            checks.append(
                pa.Check(
                    lambda s, allowed=allowed: s.map(lambda v: all(p in allowed for p in str(v).split("|"))),
                    element_wise=False,
                    name="allowed_items",
                )
            )
        else:
            checks.append(pa.Check.isin(sorted(allowed), name="allowed"))
    if col.min is not None:
        checks.append(pa.Check.ge(col.min, name="min"))
    if col.max is not None:
        checks.append(pa.Check.le(col.max, name="max"))
    if col.pattern is not None:
        checks.append(pa.Check.str_matches(col.pattern, name="pattern"))
    if col.max_length is not None:
        checks.append(pa.Check.str_length(max_value=col.max_length, name="max_length"))
    return checks


_DTYPES = {"str": "string", "int": "Int64", "float": "float64", "bool": "boolean", "date": "datetime64[ns]"}


def pandera_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """The pandera schema of a table, built from its ``TableSpec``."""
    return pa.DataFrameSchema(
        {
            col.name: pa.Column(_DTYPES[col.kind], checks=_checks(col), nullable=not col.required)
            for col in spec.columns
        },
        unique=list(spec.key),
        strict=True,
        ordered=False,
        name=spec.name,
    )


# pandera reports built-in checks by their own names, whatever ``name=`` they were given.
_CHECK_ALIASES = {
    "isin": "allowed",
    "greater_than_or_equal_to": "min",
    "less_than_or_equal_to": "max",
    "str_matches": "pattern",
    "str_length": "max_length",
}


def _describe_failure(spec: TableSpec, check: str, column: str | None, value: object) -> str:
    check = _CHECK_ALIASES.get(check, check)
    col = spec.column(column) if column in spec.column_names else None
    shown = _clip(value)
    if check in ("allowed", "allowed_items") and col is not None and col.allowed is not None:
        options = ", ".join(col.allowed)
        what = f"'{shown}' contains a value that is" if check == "allowed_items" else f"'{shown}' is"
        return f"{what} not allowed here; use one of: {options}"
    if check == "min" and col is not None:
        return f"{shown} is below the minimum {col.min:g}"
    if check == "max" and col is not None:
        return f"{shown} is above the maximum {col.max:g}"
    if check == "pattern" and col is not None:
        if col.pattern and "a-z0-9" in col.pattern:
            return f"'{shown}' is not a valid id (lowercase letters, digits and single underscores)"
        return f"'{shown}' does not have the expected format ({(col.pattern_hint or col.pattern).replace('`', '')})"
    if check == "max_length" and col is not None:
        return f"the text is longer than {col.max_length} characters"
    if check == "not_nullable":
        return "a value is required here"
    if "uniqueness" in check or check == "unique":
        key = " + ".join(spec.key)
        return f"duplicate {key} '{shown}': ids must be unique"
    return f"'{shown}' fails the check {check}"


def _validate(spec: TableSpec, typed: pd.DataFrame) -> pd.DataFrame:
    try:
        return pandera_schema(spec).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = _described_failures(spec, exc.failure_cases)
        position, column, _check, reason = failures[0]
        row, row_id = (None, None) if position is None else _row_label(spec, typed.astype(object), position)
        raise DataFileError(
            spec.file_name, reason, row=row, column=column, row_id=row_id, more=len(failures) - 1
        ) from None


def _schema_failures(spec: TableSpec, typed: pd.DataFrame) -> list[tuple[int | None, str | None, str, str]]:
    """Every failure of the table's pandera schema, not only the first: for uploads, whose
    users fix a whole file at once. Each is (position or None, column or None, check, reason)."""
    try:
        pandera_schema(spec).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _described_failures(spec, exc.failure_cases)
    return []


def _described_failures(spec: TableSpec, cases: pd.DataFrame) -> list[tuple[int | None, str | None, str, str]]:
    failures = []
    for case in cases.to_dict("records"):
        position = None if pd.isna(case["index"]) else int(case["index"])
        column = case["column"] if isinstance(case["column"], str) else None
        check = str(case["check"]).split("(")[0]
        check = _CHECK_ALIASES.get(check, check)
        failures.append((position, column, check, _describe_failure(spec, check, column, case["failure_case"])))
    return failures


# ------------------------------------------------------------------- table rules


def _mission_rules(missions: pd.DataFrame) -> Iterable[tuple[int, str, str]]:
    """Rules that tie a mission's columns together."""
    for position, m in enumerate(missions.itertuples(index=False)):
        notional = m.status == "notional"
        if notional:
            if pd.isna(m.window_start) or pd.isna(m.window_end):
                yield position, "window_start", "a notional mission needs window_start and window_end"
            elif m.window_start > m.window_end:
                yield position, "window_end", f"the window ends ({m.window_end}) before it starts ({m.window_start})"
            if not pd.isna(m.launch_year):
                yield position, "launch_year", "a notional mission has a window, not a launch year"
        else:
            if not pd.isna(m.window_start) or not pd.isna(m.window_end):
                yield position, "window_start", "only notional missions have a window"
            if pd.isna(m.launch_year):
                yield position, "launch_year", f"a {m.status} mission needs a launch year"
            if pd.isna(m.lead_agency_id):
                yield position, "lead_agency_id", f"a {m.status} mission needs a lead agency"
        if not pd.isna(m.launch_date) and not pd.isna(m.launch_year) and m.launch_date.year != m.launch_year:
            yield (
                position,
                "launch_date",
                f"the launch date {m.launch_date.date()} is not in launch_year {m.launch_year}",
            )
        launched = m.status not in ("cancelled", "notional")
        if launched and not pd.isna(m.end_year) and not pd.isna(m.launch_year) and m.end_year < m.launch_year:
            yield position, "end_year", f"the mission ends ({m.end_year}) before its launch ({m.launch_year})"
        if m.status in ("completed", "failed") and pd.isna(m.end_year):
            yield position, "end_year", f"a {m.status} mission needs an end year"
        if m.status == "failed" and pd.isna(m.failure_phase):
            yield (
                position,
                "failure_phase",
                "a failed mission needs a failure phase (launch, cruise, arrival or surface)",
            )
        if m.status != "failed" and not pd.isna(m.failure_phase):
            yield position, "failure_phase", f"only a failed mission has a failure phase (this one is {m.status})"
        if not pd.isna(m.carrier_mission_id) and m.carrier_mission_id == m.mission_id:
            yield position, "carrier_mission_id", "a mission cannot be its own carrier"


def _carrier_rules(missions: pd.DataFrame) -> Iterable[tuple[int, str, str]]:
    """A carried craft flies with its carrier: same launch, and the carrier is not itself carried
    by the craft (the foreign key, checked later, makes sure the carrier exists)."""
    by_id = {m.mission_id: m for m in missions.itertuples(index=False)}
    for position, m in enumerate(missions.itertuples(index=False)):
        carrier = by_id.get(m.carrier_mission_id) if not pd.isna(m.carrier_mission_id) else None
        if carrier is None:
            continue
        if not pd.isna(carrier.carrier_mission_id) and carrier.carrier_mission_id == m.mission_id:
            yield position, "carrier_mission_id", f"'{m.mission_id}' and '{carrier.mission_id}' carry each other"
        elif not pd.isna(m.launch_year) and not pd.isna(carrier.launch_year) and m.launch_year != carrier.launch_year:
            yield (
                position,
                "launch_year",
                f"a carried craft launches with its carrier '{carrier.mission_id}' ({carrier.launch_year}), "
                f"not in {m.launch_year}",
            )


def _milestone_rules(milestones: pd.DataFrame) -> Iterable[tuple[int, str, str]]:
    for position, m in enumerate(milestones.itertuples(index=False)):
        if m.date.year != m.year:
            yield position, "date", f"the date {m.date.date()} is not in year {m.year}"
        if not pd.isna(m.end_year) and m.end_year < m.year:
            yield position, "end_year", f"ends ({m.end_year}) before it starts ({m.year})"


def _all_mission_rules(missions: pd.DataFrame) -> Iterable[tuple[int, str, str]]:
    yield from _mission_rules(missions)
    yield from _carrier_rules(missions)


TABLE_RULES = {"missions": _all_mission_rules, "milestones": _milestone_rules}


def _apply_rules(spec: TableSpec, frame: pd.DataFrame) -> None:
    rule = TABLE_RULES.get(spec.name)
    if rule is None:
        return
    failures = list(rule(frame))
    if failures:
        position, column, reason = failures[0]
        row, row_id = _row_label(spec, frame.astype(object), position)
        raise DataFileError(spec.file_name, reason, row=row, column=column, row_id=row_id, more=len(failures) - 1)


def load_table(name: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Read, type and validate one table on its own (foreign keys are checked by ``load_dataset``)."""
    spec = TABLES_BY_NAME[name]
    frame = _parse_csv(spec, _read_text(spec, data_dir))
    typed = _validate(spec, _convert(spec, frame))
    _apply_rules(spec, typed)
    return typed


# ------------------------------------------------------------------- cross-table


def _foreign_key_problem(
    spec: TableSpec, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame]
) -> DataFileError | None:
    for fk, unknown in _unknown_references(spec, frame, tables):
        values = frame[fk.column]
        if unknown.any():
            position = int(unknown.to_numpy().nonzero()[0][0])
            row, row_id = _row_label(spec, frame.astype(object), position)
            return DataFileError(
                spec.file_name,
                f"unknown {fk.target_column} '{_clip(values.iloc[position])}' (not in {fk.table}.csv)",
                row=row,
                column=fk.column,
                row_id=row_id,
                more=int(unknown.sum()) - 1,
            )
    return None


def _unknown_references(
    spec: TableSpec, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame]
) -> Iterable[tuple[ForeignKey, pd.Series]]:
    """Per foreign key, which rows name an id the target table lacks (shared with uploads)."""
    for fk in spec.foreign_keys:
        known = set(tables[fk.table][fk.target_column].dropna())
        values = frame[fk.column]
        yield fk, values.notna() & ~values.isin(known)


def _lead_problem(missions: pd.DataFrame, participants: pd.DataFrame) -> DataFileError | None:
    """Every mission with a lead agency lists that agency once, as lead, among its participants."""
    spec = TABLES_BY_NAME["mission_participants"]
    leads = participants[participants["role"] == "lead"]
    repeated = leads["mission_id"].duplicated(keep=False)
    if repeated.any():
        position = int(leads.index[repeated][0])
        row, row_id = _row_label(spec, participants.astype(object), position)
        return DataFileError(spec.file_name, "a mission has more than one lead", row=row, column="role", row_id=row_id)
    lead_of = dict(zip(leads["mission_id"], leads["agency_id"], strict=True))
    for m in missions.itertuples(index=False):
        if pd.isna(m.lead_agency_id):
            continue
        if m.mission_id not in lead_of:
            return DataFileError(
                spec.file_name,
                f"mission '{m.mission_id}' has no participant row with role 'lead' (its lead is '{m.lead_agency_id}')",
                column="role",
            )
        if lead_of[m.mission_id] != m.lead_agency_id:
            return DataFileError(
                spec.file_name,
                f"mission '{m.mission_id}' is led by '{m.lead_agency_id}' in missions.csv "
                f"but by '{lead_of[m.mission_id]}' here",
                column="agency_id",
            )
    return None


def _claimed_capability_problem(missions: pd.DataFrame, participants: pd.DataFrame) -> DataFileError | None:
    """A participant can only be credited with a capability its mission lists: the participant's
    cell says whose element showed it, the mission's cell says that it was shown."""
    spec = TABLES_BY_NAME["mission_participants"]
    listed = {
        m.mission_id: set(str(m.capabilities).split("|")) if not pd.isna(m.capabilities) else set()
        for m in missions.itertuples(index=False)
    }
    claimed = participants[participants["capabilities"].notna()]
    for position, row in zip(claimed.index, claimed.itertuples(index=False), strict=True):
        outside = [c for c in str(row.capabilities).split("|") if c not in listed.get(row.mission_id, set())]
        if outside:
            shown = "|".join(sorted(listed.get(row.mission_id, set()))) or "none"
            row_number, row_id = _row_label(spec, participants.astype(object), int(position))
            return DataFileError(
                spec.file_name,
                f"'{outside[0]}' is not among the capabilities of mission '{row.mission_id}' in missions.csv "
                f"({shown}); a participant can only be credited with what its mission lists",
                row=row_number,
                column="capabilities",
                row_id=row_id,
            )
    return None


def _dependency_order() -> list[TableSpec]:
    """Tables ordered so that every foreign-key target comes before the tables pointing at it."""
    order: list[TableSpec] = []
    seen: set[str] = set()

    def visit(spec: TableSpec) -> None:
        if spec.name in seen:
            return
        seen.add(spec.name)
        for fk in spec.foreign_keys:
            if fk.table != spec.name:
                visit(TABLES_BY_NAME[fk.table])
        order.append(spec)

    for spec in TABLES:
        visit(spec)
    return order


def load_dataset(data_dir: Path | str = DATA_DIR) -> Dataset:
    """Load every table; never raises for bad data, which goes to ``Dataset.problems``."""
    data_dir = Path(data_dir)
    tables: dict[str, pd.DataFrame] = {}
    problems: dict[str, DataFileError] = {}
    for spec in TABLES:
        try:
            tables[spec.name] = load_table(spec.name, data_dir)
        except DataFileError as exc:
            problems[spec.name] = exc

    for spec in _dependency_order():
        if spec.name not in tables:
            continue
        broken = sorted({fk.table for fk in spec.foreign_keys if fk.table in problems and fk.table != spec.name})
        if broken:
            problems[spec.name] = DataFileError(
                spec.file_name,
                "cannot be checked because "
                + ", ".join(f"data/{t}.csv" for t in broken)
                + (" has a problem" if len(broken) == 1 else " have problems")
                + "; fix that first",
            )
            continue
        problem = _foreign_key_problem(spec, tables[spec.name], tables)
        if problem is None and spec.name == "mission_participants":
            problem = _lead_problem(tables["missions"], tables[spec.name]) or _claimed_capability_problem(
                tables["missions"], tables[spec.name]
            )
        if problem is not None:
            problems[spec.name] = problem

    usable = {name: frame for name, frame in tables.items() if name not in problems}
    return Dataset(tables=usable, problems=problems)


def load_dataset_strict(data_dir: Path | str = DATA_DIR) -> Dataset:
    """Like ``load_dataset`` but raise the first problem: for scripts and tests."""
    dataset = load_dataset(data_dir)
    for spec in TABLES:
        if spec.name in dataset.problems:
            raise dataset.problems[spec.name]
    return dataset


# ------------------------------------------------------------------------ caching


BASEMAP_FILE = DATA_DIR / "world_countries.geojson"


@lru_cache(maxsize=1)
def load_basemap() -> dict:
    """Country outlines for the maps (Natural Earth via world-atlas; see data/README.md).

    Shared by every session; callers must not modify it. A missing or broken file yields an
    empty collection so the map still draws its agencies and arcs."""
    try:
        basemap = json.loads(BASEMAP_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"type": "FeatureCollection", "features": []}
    return (
        basemap
        if isinstance(basemap, dict) and basemap.get("type") == "FeatureCollection"
        else {"type": "FeatureCollection", "features": []}
    )


def current_data_dir() -> Path:
    """Where the CSVs live: ``data/`` unless ``H2061_DATA_DIR`` points elsewhere (tests, forks)."""
    return Path(os.environ.get(DATA_DIR_ENV) or DATA_DIR)


def data_fingerprint(data_dir: Path | str = DATA_DIR) -> tuple[tuple[str, int, int], ...]:
    """Cheap stat of every CSV, so edited files are reloaded without restarting the app."""
    entries = []
    for path in sorted(Path(data_dir).glob("*.csv")):
        stat = path.stat()
        entries.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


UPLOADS_KEY = "h2061_uploads"  # the session's own uploaded rows (``components.upload``), if any


def get_dataset() -> Dataset:
    """The dataset this session sees: the shipped one (``shipped_dataset``), with the rows the
    user uploaded in this session merged in (``components.upload.merge_uploads``, remembered
    by content, so every run of the session gets the same object and figure caches hit).
    Every page, chart, export and sequence reads this, so uploaded rows show everywhere, for
    this session only."""
    shipped = shipped_dataset()
    uploads = _session_uploads()
    if not uploads:
        return shipped
    from components.upload import merge_uploads

    try:
        return merge_uploads(shipped, uploads)
    except ValueError:  # read against data files that have changed since: the upload page says so
        return shipped


def shipped_dataset() -> Dataset:
    """The dataset, loaded and validated once per change of its files and shared by every
    session (Streamlit's resource cache: no copy per run). Pandas copies on write, so what a
    page derives from it never changes it; nothing may assign into its frames."""
    directory = current_data_dir()
    return _cached_dataset(str(directory), data_fingerprint(directory))


def _session_uploads() -> list:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        if get_script_run_ctx(suppress_warning=True) is None:
            return []
        import streamlit as st

        return list(st.session_state.get(UPLOADS_KEY) or [])
    except Exception:  # no Streamlit session (scripts, the export command)
        return []


def _load_for_cache(data_dir: str, fingerprint: tuple) -> Dataset:
    del fingerprint  # part of the cache key only
    return load_dataset(data_dir)


try:
    import streamlit as st

    _cached_dataset = st.cache_resource(show_spinner="Loading the Horizon 2061 dataset…", max_entries=2)(
        _load_for_cache
    )
except ImportError:  # pragma: no cover - streamlit is a dependency; this keeps scripts light
    _cached_dataset = _load_for_cache
