"""A workshop user's own missions or participants, checked against the shipped contract.

A user uploads a CSV or an XLSX with the columns of ``data/missions.csv`` or
``data/mission_participants.csv`` to see their agency's plans beside the shipped data, for
their session only. The file goes through the loader's own steps (``components.data``: UTF-8
decoding, parsing, typing, the pandera schema, the mission rules, the foreign keys), so an
upload meets exactly the contract of the shipped files. Where the loader stops at a file's
first problem, an upload lists every bad cell: the user fixes the whole file in one sitting.

Uploads add rows, they never replace one: a mission id, or a (mission, agency, role), that the
shipped data already holds is an error. Participants may name a shipped mission (an agency
joining it) or a mission uploaded in the same session.

Nothing is written to disk, and nothing here calls Streamlit. A page keeps the files in its
session and, on every run::

    results = read_uploads([(file.name, file.getvalue()) for file in files], dataset)
    for result in results:
        ...  # result.summary, result.file_error, result.error_table
    dataset = merge_uploads(dataset, results)

Both calls are memoised by content, so a rerun with the same files returns the same objects
and every figure cache keyed by ``Dataset.version`` hits.

Cells are kept as the user typed them: HTML or ``<script>`` stays plain text in the frames
(pages escape what they show), and ``safe_csv`` defuses spreadsheet formulas on the way out.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Generic, TypeVar

import openpyxl
import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from components.data import (
    TABLE_RULES,
    DataFileError,
    Dataset,
    _claimed_capability_problem,
    _clip,
    _convert_column,
    _decode_text,
    _foreign_key_problem,
    _lead_problem,
    _parse_csv,
    _schema_failures,
    _unknown_references,
)
from components.schema import TABLES_BY_NAME, Col, TableSpec

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # exactly 2 MB is allowed, one byte more is not
MAX_UPLOAD_ROWS = 5_000
# An XLSX is a zip: a small file can unpack to gigabytes. Real sheets of 5,000 rows stay far below.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
UPLOAD_TABLES = ("missions", "mission_participants")
UPLOAD_EXTENSIONS = (".csv", ".xlsx")
UPLOADED = "uploaded"  # the boolean column a merged dataset adds to both frames
LEAD_CONTRIBUTION = "uploaded mission"
LEAD_SOURCE = "uploaded by the user"

TITLES = {"missions": "missions", "mission_participants": "mission participants"}
SAVE_AS_UTF8 = "save the file as UTF-8 (in Excel: Save As › CSV UTF-8)"

# Control characters (C0, DEL, C1) other than tab and line breaks: invisible in a table, they
# smuggle terminal escapes and confuse every program that reads the cell next.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2}) 00:00:00$"  # a date typed as a date in Excel
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc) format


# ------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RowError:
    """One problem in one cell of an uploaded file.

    ``row`` counts data rows from 1 and does not count the header, as the loader's "row N"
    does: row 1 is the first row under the header, which a spreadsheet shows as line 2.
    """

    row: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}" + (f", column '{self.column}'" if self.column else "") + f": {self.reason}"


@dataclass(frozen=True, eq=False)
class UploadResult:
    """What one file gave: its valid rows, typed like the shipped frame, and every problem.

    ``file_error`` is set when the file could not be read as a table at all (size, format,
    encoding, header); ``errors`` then is empty. Otherwise ``rows`` holds the rows without any
    error and ``errors`` one ``RowError`` per bad cell, several per row if need be.
    ``digest`` identifies the result's content (the bytes, the dataset and the earlier
    uploads they were checked against): ``merge_uploads`` is memoised by it. Results are
    remembered and shared between reruns, so nothing may change them in place.
    """

    name: str
    table: str | None
    rows: pd.DataFrame
    errors: list[RowError] = field(default_factory=list)
    file_error: str | None = None
    rows_read: int = 0
    digest: str = ""

    @property
    def ok(self) -> bool:
        """Read, and every row valid."""
        return self.file_error is None and not self.errors

    @property
    def rows_with_errors(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def summary(self) -> str:
        """One line for the page: "12 rows read: 10 valid, 2 with errors" or "not read: …"."""
        if self.file_error is not None:
            return f"not read: {self.file_error}"
        plural = "" if self.rows_read == 1 else "s"
        return f"{self.rows_read} row{plural} read: {len(self.rows)} valid, {self.rows_with_errors} with errors"

    @property
    def error_table(self) -> pd.DataFrame:
        """The errors as a frame (row, column, reason), ready for a table widget."""
        return pd.DataFrame(
            [(e.row, e.column or "", e.reason) for e in self.errors], columns=["row", "column", "reason"]
        ).astype({"row": "int64", "column": "string", "reason": "string"})


class _FileProblem(Exception):
    """The whole file is unusable; the message says why and what to do."""

    def __init__(self, reason: str, table: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.table = table


# -------------------------------------------------------------------------- memo

V = TypeVar("V")


class _Memo(Generic[V]):
    """A small thread-safe LRU by content key: Streamlit runs each session's script in its own
    thread, and a page that keeps its own copies of the results (``st.cache_data`` pickles
    them) still hits, since the keys are digests, not identities."""

    def __init__(self, maxsize: int) -> None:
        self.entries: OrderedDict[Hashable, V] = OrderedDict()
        self.maxsize = maxsize
        self.lock = threading.Lock()

    def get_or(self, key: Hashable, compute: Callable[[], V]) -> V:
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        value = compute()
        with self.lock:
            value = self.entries.setdefault(key, value)  # a racing thread's result wins: one object per key
            while len(self.entries) > self.maxsize:
                self.entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_READS: _Memo[UploadResult] = _Memo(64)
_MERGES: _Memo[Dataset] = _Memo(32)


def clear_memo() -> None:
    """Forget every remembered read and merge (tests; a data reload makes new keys anyway)."""
    _READS.clear()
    _MERGES.clear()


# ------------------------------------------------------------------------ reading


def read_upload(name: str, raw: bytes, dataset: Dataset, *, session: Sequence[UploadResult] = ()) -> UploadResult:
    """Read one uploaded file and check every row against the shipped ``dataset``.

    The table (missions or mission participants) is told by the header. ``session`` holds
    the session's other uploads that this one may refer to or must not repeat: participants
    may name the missions uploaded there, and a mission id already uploaded is refused.
    ``read_uploads`` passes them in the right order; ``dataset`` is the shipped dataset, not
    a merged one. Never raises for a bad file: its problems are in the result.
    """
    if UPLOADED in dataset.tables.get("missions", pd.DataFrame()).columns:
        raise ValueError("read uploads against the shipped dataset, not one that merge_uploads returned")
    digest = _digest(name, raw, dataset, session)
    key = (name, digest, tuple(upload.name for upload in session))
    return _READS.get_or(key, lambda: _read(name, raw, dataset, session, digest))


def read_uploads(files: Iterable[tuple[str, bytes]], dataset: Dataset) -> list[UploadResult]:
    """Read a session's files together, in the order given, whatever order they came in:
    missions files first (each checked against the ones before it), then participants files
    (checked against every uploaded mission and the participants files before them)."""
    files = list(files)
    results = [read_upload(name, raw, dataset) for name, raw in files]
    earlier: list[UploadResult] = []
    for table in UPLOAD_TABLES:
        for index, (name, raw) in enumerate(files):
            if results[index].table == table:
                results[index] = read_upload(name, raw, dataset, session=tuple(earlier))
                earlier.append(results[index])
    return results


def session_files(
    held: Sequence[tuple[str, bytes]], chosen: Sequence[tuple[str, bytes]]
) -> tuple[list[tuple[str, bytes]], list[int]]:
    """The files a session checks together, and where each chosen file is among them.

    ``held`` are the files whose rows were added earlier (an uploader empties when its page is
    left, the rows stay); ``chosen`` those in the uploader now. A chosen file joins the held
    ones, and one named like a held file replaces it in its place, so the files after it are
    still checked against it: a corrected file uploaded again never doubles its rows."""
    files = list(held)
    places: list[int] = []
    for name, raw in chosen:
        same = [i for i, (held_name, _) in enumerate(files) if held_name == name and i not in places]
        if same:
            files[same[0]] = (name, raw)
        else:
            files.append((name, raw))
        places.append(same[0] if same else len(files) - 1)
    return files, places


def _digest(name: str, raw: bytes, dataset: Dataset, session: Sequence[UploadResult]) -> str:
    digest = hashlib.sha256()
    for part in (PurePath(name).suffix.lower(), dataset.version, *(upload.digest for upload in session)):
        digest.update(part.encode() + b"\0")
    digest.update(raw)
    return digest.hexdigest()


def _read(name: str, raw: bytes, dataset: Dataset, session: Sequence[UploadResult], digest: str) -> UploadResult:
    try:
        spec, cells, numbers = _read_cells(name, raw)
        dataset.require("missions", "mission_participants", *(fk.table for fk in spec.foreign_keys))
    except _FileProblem as problem:
        return UploadResult(name, problem.table, pd.DataFrame(), file_error=problem.reason, digest=digest)
    except DataFileError as exc:
        reason = f"the shipped data has a problem, so uploads cannot be checked ({exc})"
        return UploadResult(name, None, pd.DataFrame(), file_error=reason, digest=digest)
    problems = _Problems()
    try:
        typed = _typed_cells(spec, cells, problems)
    except _FileProblem as problem:
        return UploadResult(name, spec.name, pd.DataFrame(), file_error=problem.reason, digest=digest)
    if spec.name == "missions":
        _check_missions(typed, dataset, session, problems, numbers)
    else:
        _check_participants(typed, dataset, session, problems, numbers)
    valid = typed.drop(index=sorted(problems.rows())).reset_index(drop=True)
    shipped = dataset.table(spec.name)
    valid = valid.astype(shipped.dtypes.to_dict())[list(shipped.columns)]
    return UploadResult(name, spec.name, valid, problems.errors(spec, numbers), rows_read=len(typed), digest=digest)


def _read_cells(name: str, raw: bytes) -> tuple[TableSpec, pd.DataFrame, list[int]]:
    """The file's text cells under the detected table's columns, with each row's number."""
    extension = PurePath(name).suffix.lower()
    if extension not in UPLOAD_EXTENSIONS:
        shown = f"the extension '{_clip(extension, 20)}'" if extension else "no extension"
        raise _FileProblem(f"the file has {shown}; upload a .csv (saved as UTF-8) or an .xlsx workbook")
    if not raw:
        raise _FileProblem("the file is empty; it needs a header row and at least one row")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise _FileProblem(
            f"the file is {len(raw):,} bytes; an upload may be at most 2 MB ({MAX_UPLOAD_BYTES:,} bytes): "
            "split it into several files"
        )
    text = _csv_text(raw) if extension == ".csv" else _xlsx_text(raw)
    spec = _detect(text)
    try:
        frame = _parse_csv(spec, text, blank_lines_ok=True)
    except DataFileError as exc:
        raise _FileProblem(exc.reason, spec.name) from None
    # Rows left wholly empty (a spreadsheet's formatted blank lines, a text file's blank lines) are
    # skipped; the others keep their place, so "row 7" is still the seventh row under the header.
    places = _record_places(text)
    if len(places) != len(frame):  # the csv module and pandas read records alike; never guess a place
        places = list(range(1, len(frame) + 1))
    filled = (frame != "").any(axis=1).to_numpy()
    numbers = [places[position] for position in range(len(frame)) if filled[position]]
    frame = frame[filled].reset_index(drop=True)
    if frame.empty:
        raise _FileProblem("the file has a header but no rows", spec.name)
    if len(frame) > MAX_UPLOAD_ROWS:
        raise _FileProblem(f"the file has more than {MAX_UPLOAD_ROWS:,} rows; split it into several files", spec.name)
    # A Windows line break inside a cell is a line break, not a stray carriage return.
    frame = frame.apply(lambda column: column.str.replace("\r\n", "\n").str.replace("\r", "\n"))
    return spec, frame, numbers


def _csv_text(raw: bytes) -> str:
    head = raw[:65536]
    if head.startswith(_ZIP_MAGIC):
        raise _FileProblem("this is an Excel workbook (or another zip archive), not a CSV; name it .xlsx")
    if head.startswith(_OLE_MAGIC):
        raise _FileProblem("this is an old Excel .xls workbook, not a CSV; save it as CSV UTF-8 or as .xlsx")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        raise _FileProblem(f"the file is UTF-16 text, not UTF-8; {SAVE_AS_UTF8}")
    if 0 in head or len(head) - len(head.translate(None, _CONTROL_BYTES)) > len(head) // 100:
        raise _FileProblem("the file holds binary data, not text; upload a CSV saved as UTF-8 or an .xlsx workbook")
    try:
        text = _decode_text("upload", raw)
    except DataFileError as exc:  # the loader's words, with Excel's name for the fix
        if "UTF-8" in exc.reason:
            raise _FileProblem(exc.reason.split(";")[0] + f"; {SAVE_AS_UTF8}") from None
        raise _FileProblem(exc.reason) from None
    if "\r" in text and "\n" not in text:  # old Mac line breaks (Excel's "CSV (Macintosh)")
        text = text.replace("\r", "\n")
    return text


def _record_places(text: str) -> list[int]:
    """Each record's place under the header, blank lines counted: pandas drops blank lines, so
    its row positions alone would number a row after them wrongly."""
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    return [place for place, record in enumerate(reader, start=1) if record]


def _looks_utf16(head: bytes) -> bool:
    """Latin text in UTF-16 without a byte-order mark: every other byte is NUL, the others not."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 8:
        return False
    return any(
        one.count(0) > 0.9 * len(one) and other.count(0) < 0.1 * len(other) for one, other in ((even, odd), (odd, even))
    )


def _xlsx_text(raw: bytes) -> str:
    """The first sheet as CSV text, so a workbook goes through exactly the CSV path after this."""
    if raw.startswith(_OLE_MAGIC):
        raise _FileProblem("this is an old Excel .xls workbook; save it as .xlsx (Excel Workbook) or as CSV UTF-8")
    if not raw.startswith(_ZIP_MAGIC):
        try:
            raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _FileProblem("the file is not an Excel workbook (.xlsx)") from None
        raise _FileProblem("this is a text file (a CSV?) named .xlsx; name it .csv")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
            if "xl/workbook.xml" not in {member.filename for member in members}:
                raise _FileProblem("this zip archive is not an Excel workbook (.xlsx)")
            if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                raise _FileProblem("the workbook unpacks to more than 50 MB; upload its first sheet as a CSV")
    except zipfile.BadZipFile:
        raise _FileProblem("the workbook is damaged (not a readable .xlsx)") from None
    try:
        sheet = pd.read_excel(
            io.BytesIO(raw),
            sheet_name=0,
            header=None,
            dtype=str,
            engine="openpyxl",
            keep_default_na=False,
            na_filter=False,
            nrows=MAX_UPLOAD_ROWS + 2,  # the header, the allowed rows and one to tell there are more
        )
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook; none is the user's to read
        raise _FileProblem(f"the workbook could not be read ({type(exc).__name__}); save it again as .xlsx") from None
    if sheet.empty:
        raise _FileProblem("the first sheet is empty; it needs a header row and at least one row")
    sheet = sheet.apply(lambda column: column.str.replace(_MIDNIGHT, r"\1", regex=True))
    # Columns Excel keeps after their contents were deleted: no header, no value.
    sheet = sheet.loc[:, (sheet != "").any(axis=0)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(sheet.to_numpy().tolist())
    return buffer.getvalue()


def _detect(text: str) -> TableSpec:
    """The uploadable table whose columns the header has, or an error naming the difference
    from the closer one."""
    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error:
        raise _FileProblem("the header row could not be read; check its quotes and commas") from None
    if any("\n" in column or "\r" in column for column in header):
        raise _FileProblem(
            "the header row runs over several lines (a quote in it is not closed where it should be); check its quotes"
        )
    columns = {column.strip() for column in header}
    specs = [TABLES_BY_NAME[name] for name in UPLOAD_TABLES]
    for spec in specs:
        if columns == set(spec.column_names):
            return spec
    closest = max(specs, key=lambda s: len(columns & set(s.column_names)) / len(s.column_names))
    missing = [c for c in closest.column_names if c not in columns]
    extra = [c for c in header if c.strip() not in closest.column_names]
    if len(columns & set(closest.column_names)) < 2:
        shown = ", ".join(f"'{_clip(c.strip(), 40)}'" for c in header[:8]) + (", …" if len(header) > 8 else "")
        raise _FileProblem(
            f"the header ({shown}) matches neither a missions file nor a mission participants file, which "
            f"start {', '.join(TABLES_BY_NAME['missions'].column_names[:3])}, … and "
            f"{', '.join(TABLES_BY_NAME['mission_participants'].column_names[:3])}, …; "
            "download a template and keep its header row"
        )
    parts = []
    if missing:
        parts.append(f"lacks the column{'s' if len(missing) > 1 else ''} " + ", ".join(f"'{c}'" for c in missing))
    if extra:
        shown = ", ".join(f"'{_clip(c.strip(), 40)}'" for c in extra[:8])
        more = f" and {len(extra) - 8:,} more" if len(extra) > 8 else ""
        parts.append(f"has the unexpected column{'s' if len(extra) > 1 else ''} {shown}{more}")
    raise _FileProblem(
        f"this looks like a {TITLES[closest.name]} file, but its header "
        + " and ".join(parts)
        + " (compare it with the template)",
        closest.name,
    )


# ------------------------------------------------------------------------ checking


class _Problems:
    """Every problem found, at most one per cell: the first found says the most (a cell that
    is not a number is not also reported as missing)."""

    def __init__(self) -> None:
        self.by_cell: dict[tuple[int, str | None], str] = {}

    def add(self, position: int, column: str | None, reason: str) -> None:
        self.by_cell.setdefault((position, column), reason)

    def rows(self) -> set[int]:
        return {position for position, _ in self.by_cell}

    def errors(self, spec: TableSpec, numbers: list[int]) -> list[RowError]:
        order = {name: i for i, name in enumerate(spec.column_names)}
        cells = sorted(self.by_cell.items(), key=lambda item: (item[0][0], order.get(item[0][1] or "", -1)))
        return [RowError(numbers[position], column, reason) for (position, column), reason in cells]


def _typed_cells(spec: TableSpec, cells: pd.DataFrame, problems: _Problems) -> pd.DataFrame:
    """The loader's typing and pandera schema, with every failure kept instead of the first."""
    typed: dict[str, pd.Series] = {}
    for col in spec.columns:
        text = cells[col.name]
        control = text.str.contains(_CONTROL.pattern, regex=True)
        for position in control.to_numpy().nonzero()[0]:
            found = _CONTROL.search(text.iloc[position])
            problems.add(
                int(position),
                col.name,
                f"contains the control character U+{ord(found.group()):04X}; only tabs and line breaks may "
                "appear in a cell",
            )
        values, bad, what = _convert_column(col, text.where(~control, ""))
        for position in bad.to_numpy().nonzero()[0]:
            problems.add(int(position), col.name, f"'{_clip(text.iloc[position])}' is not {what}")
        typed[col.name] = values
    frame = pd.DataFrame(typed)
    for position, column, check, reason in _schema_failures(spec, frame):
        if "uniqueness" in check or check == "unique":
            continue  # repeated keys are reported with the row they repeat (below)
        if position is None:
            raise _FileProblem(reason, spec.name)
        problems.add(position, column, reason)
    return frame


def _unknown(fk_table: str, column: str, value: object) -> str:
    where = {
        "missions": "among the shipped missions or the missions you uploaded",
        "agencies": "among the shipped agencies (the Data & sources page lists their ids)",
    }.get(fk_table, f"among the shipped {fk_table.replace('_', ' ')} (the Data & sources page lists their ids)")
    return f"unknown {column} '{_clip(value)}': not {where}"


def _reference_problems(
    spec: TableSpec, typed: pd.DataFrame, tables: Mapping[str, pd.DataFrame], problems: _Problems
) -> None:
    for fk, unknown in _unknown_references(spec, typed, tables):
        for position in unknown.to_numpy().nonzero()[0]:
            problems.add(
                int(position), fk.column, _unknown(fk.table, fk.target_column, typed[fk.column].iloc[position])
            )


def _session_rows(session: Sequence[UploadResult], table: str) -> list[tuple[str, pd.DataFrame]]:
    return [(upload.name, upload.rows) for upload in session if upload.table == table and len(upload.rows)]


def _check_missions(
    typed: pd.DataFrame,
    dataset: Dataset,
    session: Sequence[UploadResult],
    problems: _Problems,
    numbers: list[int],
) -> None:
    spec = TABLES_BY_NAME["missions"]
    shipped = dataset.missions
    earlier = _session_rows(session, "missions")
    uploaded_before = {mission_id: name for name, rows in earlier for mission_id in rows["mission_id"]}
    shipped_ids = set(shipped["mission_id"])
    first: dict[str, int] = {}
    for position, mission_id in enumerate(typed["mission_id"]):
        if pd.isna(mission_id):
            continue
        if mission_id in shipped_ids:
            problems.add(position, "mission_id", f"'{mission_id}' is already in the shipped data; choose another id")
        elif mission_id in uploaded_before:
            problems.add(
                position, "mission_id", f"'{mission_id}' is already in your upload '{uploaded_before[mission_id]}'"
            )
        elif mission_id in first:
            problems.add(
                position, "mission_id", f"'{mission_id}' repeats row {numbers[first[mission_id]]}; ids must be unique"
            )
        else:
            first[mission_id] = position

    known_missions = pd.DataFrame(
        {"mission_id": [*shipped_ids, *uploaded_before, *typed["mission_id"].dropna()]}, dtype="string"
    )
    tables = {**dataset.tables, "missions": known_missions}
    _reference_problems(spec, typed, tables, problems)

    # A mission's body lies in its destination, as in every shipped row (the pages group by both).
    home_of = dict(zip(dataset.bodies["body_id"], dataset.bodies["destination_id"], strict=True))
    destinations = set(dataset.destinations["destination_id"])
    for position, (destination, body) in enumerate(zip(typed["destination_id"], typed["body_id"], strict=True)):
        home = home_of.get(body) if not pd.isna(body) else None
        if home is not None and destination in destinations and home != destination:
            problems.add(position, "body_id", f"body '{body}' belongs to destination '{home}', not '{destination}'")

    # The loader's mission and carrier rules, on the rows whose cells are sound, beside the shipped
    # and earlier uploaded missions (a carrier may be any of them).
    flagged = problems.rows()
    clean = [position for position in range(len(typed)) if position not in flagged]
    context = [shipped[list(spec.column_names)], *(rows[list(spec.column_names)] for _, rows in earlier)]
    offset = sum(len(frame) for frame in context)
    combined = pd.concat([*context, typed.iloc[clean]], ignore_index=True)
    for index, column, reason in TABLE_RULES["missions"](combined):
        if index >= offset:
            problems.add(clean[index - offset], column, reason)

    # A carried craft whose carrier (in this file) has errors would point at nothing once merged.
    changed = True
    while changed:  # until no carrier chain changes: a carrier's carrier may have failed
        changed = False
        bad = problems.rows()
        for position, carrier in enumerate(typed["carrier_mission_id"]):
            if position in bad or pd.isna(carrier) or carrier not in first or first[carrier] not in bad:
                continue
            problems.add(
                position,
                "carrier_mission_id",
                f"its carrier '{carrier}' (row {numbers[first[carrier]]}) has errors; fix that row first",
            )
            changed = True


def _check_participants(
    typed: pd.DataFrame,
    dataset: Dataset,
    session: Sequence[UploadResult],
    problems: _Problems,
    numbers: list[int],
) -> None:
    spec = TABLES_BY_NAME["mission_participants"]
    shipped_missions = dataset.missions
    uploaded_missions = _session_rows(session, "missions")
    missions = pd.concat(
        [shipped_missions[list(shipped_missions.columns)], *(rows for _, rows in uploaded_missions)], ignore_index=True
    )
    _reference_problems(spec, typed, {**dataset.tables, "missions": missions}, problems)

    shipped_ids = set(shipped_missions["mission_id"])
    lead_of = dict(zip(missions["mission_id"], missions["lead_agency_id"], strict=True))
    capabilities_of = {
        m: set(str(c).split("|")) if not pd.isna(c) else set()
        for m, c in zip(missions["mission_id"], missions["capabilities"], strict=True)
    }
    shipped = dataset.mission_participants
    shipped_keys = set(zip(shipped["mission_id"], shipped["agency_id"], shipped["role"], strict=True))
    earlier = _session_rows(session, "mission_participants")
    earlier_keys = {
        key: name
        for name, rows in earlier
        for key in zip(rows["mission_id"], rows["agency_id"], rows["role"], strict=True)
    }
    earlier_leads = {key[0]: name for key, name in earlier_keys.items() if key[2] == "lead"}
    first: dict[tuple[str, str, str], int] = {}
    first_lead: dict[str, int] = {}
    for position, row in enumerate(typed.itertuples(index=False)):
        key = (row.mission_id, row.agency_id, row.role)
        if any(pd.isna(part) for part in key) or row.mission_id not in lead_of:
            continue
        said = f"mission '{row.mission_id}', agency '{row.agency_id}', role '{row.role}'"
        if key in shipped_keys:
            problems.add(position, "agency_id", f"{said} is already in the shipped data")
        elif key in earlier_keys:
            problems.add(position, "agency_id", f"{said} is already in your upload '{earlier_keys[key]}'")
        elif key in first:
            problems.add(position, "agency_id", f"{said} repeats row {numbers[first[key]]}")
        if key in shipped_keys or key in earlier_keys or key in first:
            continue  # a repeated row says only that
        first[key] = position

        if row.role == "lead":
            lead = lead_of[row.mission_id]
            if row.mission_id in shipped_ids:
                problems.add(
                    position, "role", f"mission '{row.mission_id}' already has its lead ('{lead}') in the shipped data"
                )
            elif pd.isna(lead):
                problems.add(
                    position,
                    "role",
                    f"mission '{row.mission_id}' has no lead_agency_id, so it has no lead row; "
                    "give the mission its lead agency first",
                )
            elif row.agency_id != lead:
                problems.add(
                    position,
                    "agency_id",
                    f"mission '{row.mission_id}' is led by '{lead}' in your missions upload, not by '{row.agency_id}'",
                )
            elif row.mission_id in earlier_leads:
                problems.add(
                    position,
                    "role",
                    f"mission '{row.mission_id}' already has a lead in '{earlier_leads[row.mission_id]}'",
                )
            elif row.mission_id in first_lead:
                problems.add(
                    position,
                    "role",
                    f"a mission has one lead; this one is already on row {numbers[first_lead[row.mission_id]]}",
                )
            else:
                first_lead[row.mission_id] = position

        if not pd.isna(row.capabilities):
            listed = capabilities_of[row.mission_id]
            outside = [c for c in str(row.capabilities).split("|") if c not in listed]
            if outside:
                shown = "|".join(sorted(listed)) or "none"
                problems.add(
                    position,
                    "capabilities",
                    f"'{outside[0]}' is not among the capabilities of mission '{row.mission_id}' ({shown}); "
                    "a participant can only be credited with what its mission lists",
                )
            elif row.role not in ("lead", "element"):
                problems.add(
                    position,
                    "capabilities",
                    f"a participant with role '{row.role}' claims no capability: only a lead or an element "
                    "showed it itself (see data/README.md)",
                )


# ------------------------------------------------------------------------- merging


def merge_uploads(dataset: Dataset, uploads: Sequence[UploadResult]) -> Dataset:
    """A new ``Dataset`` (with a new ``version``) whose missions and participants include the
    valid uploaded rows, after the shipped ones.

    Both frames gain a boolean column ``uploaded``, True for the uploaded rows, so tables and
    hover text can mark them (``uploaded_mask`` reads it from any frame). Every other table is
    shared with ``dataset``. An uploaded mission with a lead agency and no uploaded lead row
    gets one made for it (role 'lead', contribution 'uploaded mission', source 'uploaded by
    the user'), so the dataset's own rule, one lead row per led mission, holds and "took
    part" counts the lead, as for a shipped mission.

    The result is remembered by the uploads' content (``UploadResult.digest``): the same files
    in a session give the same object, and every figure cache hits. Uploads that add no row
    give ``dataset`` itself. Uploads read apart rather than with ``read_uploads`` may clash
    (the same id in two files); that raises ``ValueError`` rather than build a broken dataset.
    """
    contributing = [upload for upload in uploads if upload.table in UPLOAD_TABLES and len(upload.rows)]
    if not contributing:
        return dataset
    key = (dataset.version, tuple(upload.digest for upload in contributing))
    return _MERGES.get_or(key, lambda: _merge(dataset, contributing))


def _merge(dataset: Dataset, uploads: Sequence[UploadResult]) -> Dataset:
    shipped_missions = dataset.missions
    shipped_participants = dataset.mission_participants
    new_missions = [upload.rows for upload in uploads if upload.table == "missions"]
    new_participants = [upload.rows for upload in uploads if upload.table == "mission_participants"]
    missions = _stack(shipped_missions, new_missions)
    participants = _stack(shipped_participants, new_participants)

    uploaded_missions = missions[missions[UPLOADED]]
    has_lead = set(participants.loc[participants["role"] == "lead", "mission_id"])
    needing = uploaded_missions[
        uploaded_missions["lead_agency_id"].notna() & ~uploaded_missions["mission_id"].isin(has_lead)
    ]
    if len(needing):
        leads = pd.DataFrame(
            {
                "mission_id": needing["mission_id"].to_numpy(),
                "agency_id": needing["lead_agency_id"].to_numpy(),
                "role": "lead",
                "contribution": LEAD_CONTRIBUTION,
                "capabilities": pd.NA,
                "source": LEAD_SOURCE,
                UPLOADED: True,
            }
        ).astype(participants.dtypes.to_dict())
        participants = pd.concat([participants, leads], ignore_index=True)

    tables = {**dataset.tables, "missions": missions, "mission_participants": participants}
    for name, frame in (("missions", missions), ("mission_participants", participants)):
        spec = TABLES_BY_NAME[name]
        repeated = frame.duplicated(subset=list(spec.key))
        if repeated.any():
            shown = ", ".join(str(v) for v in frame.loc[repeated, list(spec.key)].iloc[0])
            raise ValueError(f"uploads repeat a {name} row ({shown}); read them together with read_uploads")
        problem = _foreign_key_problem(spec, frame, tables)
        if problem is not None:
            raise ValueError(f"uploads do not fit together ({problem.reason}); read them together with read_uploads")
    problem = _lead_problem(missions, participants) or _claimed_capability_problem(missions, participants)
    if problem is not None:
        raise ValueError(f"uploads do not fit together ({problem.reason}); read them together with read_uploads")
    return Dataset(tables=tables, problems=dict(dataset.problems))


def _stack(shipped: pd.DataFrame, uploaded: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [shipped.assign(**{UPLOADED: False})]
    frames += [rows[list(shipped.columns)].assign(**{UPLOADED: True}) for rows in uploaded]
    stacked = pd.concat(frames, ignore_index=True)
    return stacked.astype({**shipped.dtypes.to_dict(), UPLOADED: "bool"})


def uploaded_mask(frame: pd.DataFrame) -> pd.Series:
    """True for the rows a user uploaded. A frame of the shipped data alone has no ``uploaded``
    column; it gets all False, so a page marks uploads without asking which dataset it has."""
    if UPLOADED in frame.columns:
        return frame[UPLOADED].astype(bool)
    return pd.Series(False, index=frame.index, name=UPLOADED)


# ----------------------------------------------------------------------- templates

# A clearly fictional mission with real ids, and a partner of it: each template uploads cleanly
# (the participants one together with the missions one, whose mission it names).
EXAMPLES: dict[str, dict[str, str]] = {
    "missions": {
        "mission_id": "example_lunar_lander",
        "name": "Example Lunar Lander (fictional)",
        "aliases": "",
        "destination_id": "moon",
        "body_id": "moon",
        "launch_date": "",
        "launch_year": "2040",
        "end_year": "",
        "window_start": "",
        "window_end": "",
        "status": "planned",
        "failure_phase": "",
        "lead_agency_id": "esa",
        "carrier_mission_id": "",
        "mission_type": "lander",
        "capabilities": "landing",
        "cooperation_mode_id": "instrument_delivery",
        "source": "Example row: replace it with your own source (a plan, a web page)",
        "source_url": "",
        "note": "A fictional mission showing the format; overwrite or delete this row.",
    },
    "mission_participants": {
        "mission_id": "example_lunar_lander",
        "agency_id": "jaxa",
        "role": "instrument",
        "contribution": "Example camera (fictional)",
        "capabilities": "",
        "source": "Example row: replace it with your own source",
    },
}


def _template_frame(table: str) -> pd.DataFrame:
    if table not in UPLOAD_TABLES:
        raise ValueError(f"no template for {table!r}; uploads take {' or '.join(UPLOAD_TABLES)}")
    spec = TABLES_BY_NAME[table]
    return pd.DataFrame([EXAMPLES[table]], columns=list(spec.column_names))


def template_csv(table: str) -> bytes:
    """The header and one example row, as the CSV a user fills in and uploads back."""
    return safe_csv(_template_frame(table))


def template_xlsx(table: str) -> bytes:
    """The same as ``template_csv`` as a workbook, plus a second sheet explaining each column
    (the upload reads only the first sheet)."""
    spec = TABLES_BY_NAME[table]
    frame = _template_frame(table)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = table
    sheet.append(list(spec.column_names))
    sheet.append(list(frame.iloc[0]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, name in enumerate(spec.column_names, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(name) + 4))
        for row in (1, 2):
            sheet.cell(row=row, column=index).number_format = "@"  # text: ids and years stay as typed
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("columns")
    guide.append(["column", "type", "required", "rules"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for col in spec.columns:
        guide.append([col.name, col.kind, "required" if col.required else "optional", _rules(col)])
    for letter, width in zip("ABCD", (22, 8, 10, 90), strict=True):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rules(col: Col) -> str:
    rules = []
    if col.allowed is not None:
        rules.append(("|-separated, from: " if col.multi else "one of: ") + ", ".join(col.allowed))
    if col.min is not None and col.max is not None:
        rules.append(f"{col.min:g} to {col.max:g}")
    elif col.min is not None or col.max is not None:
        rules.append(f"at least {col.min:g}" if col.min is not None else f"at most {col.max:g}")
    if col.kind == "date":
        rules.append("YYYY-MM-DD")
    if col.pattern and "a-z0-9" in col.pattern:
        rules.append("lowercase letters, digits and single underscores")
    if col.max_length is not None:
        rules.append(f"at most {col.max_length} characters")
    if col.name.endswith("_id") and col.allowed is None and col.pattern is None:
        rules.append("an id of the shipped data (see data/README.md)")
    return "; ".join(rule for rule in rules if rule) + ("; see data/README.md" if rules else "see data/README.md")


# ------------------------------------------------------------------------ downloads

# OWASP's CSV-injection list (=, +, -, @, tab, carriage return) and, as some spreadsheets read
# them alike, their fullwidth forms.
_FORMULA_START = frozenset("=+-@\t\r＝＋－＠")


def _defuse(value: object) -> object:
    if isinstance(value, str) and value.lstrip(" ")[:1] in _FORMULA_START:
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame, *, bom: bool = True) -> bytes:
    """A frame as CSV for download, with every text cell that a spreadsheet would run as a
    formula made inert by a leading apostrophe (OWASP's advice against CSV injection).

    Only text cells are escaped: a numeric column's -3 stays a number, while the text "-1+2"
    (or "-5 km") becomes "'-1+2". A cell starting with spaces before such a character is
    escaped too, since some spreadsheets skip the spaces. The index is not written; dates are
    YYYY-MM-DD. The UTF-8 byte-order mark (``bom``) makes Excel read accents and dashes
    right; pandas, Python's csv module with ``utf-8-sig`` and this app's upload read it too.
    Rows end in CRLF, as RFC 4180 has it.
    """
    escaped = frame.copy()
    for position, (_, column) in enumerate(frame.items()):
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue  # includes booleans: no value of these columns can start a formula
        escaped.isetitem(position, column.map(_defuse, na_action="ignore"))
    # CRLF (RFC 4180) also makes the writer quote a cell holding a lone carriage return.
    text = escaped.to_csv(index=False, lineterminator="\r\n", date_format="%Y-%m-%d")
    return (("\ufeff" if bom else "") + text).encode("utf-8")
