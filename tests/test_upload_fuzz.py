"""Hostile uploads: broken, binary, wrongly encoded, oversized, formula-laden and HTML-laden files.

Each is either refused with a sentence the user can act on, or read and shown inert: no
exception, no traceback, no markup from the file, no live formula in a download. The pure
reader first (random files with hypothesis, then named cases with the words the user reads),
then the page under AppTest with its real uploader. ``test_browser_upload_fuzz.py`` drops
the inert ones on the uploader in Chromium. Cases ``test_upload.py`` already proves (a
cp1252 file, exactly 2 MB, 5,001 rows, control characters, the zip bomb) are not repeated.
"""

from __future__ import annotations

import csv
import io
import random
import re
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from components.data import UPLOADS_KEY, Dataset
from components.schema import TABLES_BY_NAME
from components.ui import md
from components.upload import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_ROWS,
    UploadResult,
    clear_memo,
    merge_uploads,
    read_upload,
    read_uploads,
    safe_csv,
    uploaded_mask,
)
from tests.test_upload import MISSION_COLUMNS, _exactly, csv_bytes, mission, participant

APP = Path(__file__).resolve().parent.parent / "app.py"
PARTICIPANT_HEADER = ",".join(TABLES_BY_NAME["mission_participants"].column_names)
MISSION_HEADER = ",".join(MISSION_COLUMNS)
FORMULAS = ('=HYPERLINK("http://example.invalid","click")', "+cmd|'/c calc'!A0", "@SUM(1)", "-1+1", "=1+1")
MARKUP = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "&lt;b&gt;entity&lt;/b&gt;",
    "**bold** [link](javascript:alert(1)) $x^2$ :red[red]",
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _assert_well_formed(result: UploadResult) -> None:
    """What the page shows of any file: one summary and, if refused, one short sentence."""
    assert result.summary
    if result.file_error is not None:
        assert result.rows.empty and result.errors == []
        assert 10 < len(result.file_error) < 600, result.file_error
        assert result.summary == f"not read: {result.file_error}"
    else:
        assert result.rows_read == len(result.rows) + result.rows_with_errors
        for error in result.errors:
            assert len(error.reason) < 600, error.reason
            assert error.row >= 1
        assert list(result.rows.columns) == list(TABLES_BY_NAME[result.table].column_names)


# ------------------------------------------------------------------ random files


def _mangled(text: str, draw) -> str:
    """A good file with one hand-made accident: a quote, a comma, a line break, a byte gone wrong."""
    lines = text.split("\n")
    line = draw(st.integers(0, len(lines) - 1))
    accident = draw(st.sampled_from(['"', ",", "\n", "\r", '""', '","', ";", "\t", "\ufeff", "\x00", "é", "\u202e"]))
    position = draw(st.integers(0, len(lines[line])))
    if draw(st.booleans()):
        lines[line] = lines[line][:position] + accident + lines[line][position:]
    else:
        lines[line] = lines[line][:position] + lines[line][position + 1 :]
    return "\n".join(lines)


@st.composite
def hostile_files(draw) -> tuple[str, bytes]:
    kind = draw(st.integers(0, 4))
    rows = [mission(f"wk_fuzz_{i}") for i in range(draw(st.integers(1, 3)))]
    good = csv_bytes(rows).decode()
    if kind == 0:  # binary junk, or junk after a real header
        junk = draw(st.binary(max_size=3000))
        raw = junk if draw(st.booleans()) else (MISSION_HEADER + "\n").encode() + junk
    elif kind == 1:  # a real header, then random text with every character CSV cares about
        alphabet = st.sampled_from([*'",\n\r ab_=+-@<>é\t\x00', "wk_x", "moon", "2040"])
        body = "".join(draw(st.lists(alphabet, max_size=400)))
        raw = (MISSION_HEADER + "\n" + body).encode("utf-8", "surrogatepass")
    elif kind == 2:  # a good file with an accident in it
        raw = _mangled(good, draw).encode()
    elif kind == 3:  # a good file in another encoding
        encoding = draw(st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-7"]))
        raw = good.replace("Example", draw(st.sampled_from(["Éxample", "Ex€mple", "Example"]))).encode(encoding)
    else:  # a good file whose cells hold markup and formulas
        payload = draw(st.sampled_from(MARKUP + FORMULAS))
        column = draw(st.sampled_from(["name", "aliases", "note", "source", "mission_type", "launch_year"]))
        raw = csv_bytes([mission("wk_fuzz_x", **{column: payload})])
    name = draw(st.sampled_from(["plans.csv", "PLANS.CSV", "<img src=x onerror=alert(1)>.csv", "plans.xlsx"]))
    return name, raw


@FUZZ
@given(file=hostile_files())
def test_any_file_is_read_or_refused_in_words(file: tuple[str, bytes], dataset: Dataset) -> None:
    name, raw = file
    result = read_upload(name, raw, dataset)
    _assert_well_formed(result)
    if result.ok and len(result.rows):
        merge_uploads(dataset, [result])  # a clean read merges without a complaint


# ------------------------------------------------------------------ named cases

HEADER_ROW = csv_bytes([mission("wk_a")]).decode()
GOOD_ROW = HEADER_ROW.split("\n", 1)[1]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            (HEADER_ROW + 'wk_b,"Unclosed name,,moon\n' + GOOD_ROW.replace("wk_a", "wk_c")).encode(),
            "the record from line 3 to 4 has a different number of fields than the header",
            id="unclosed-quote-mid-file",
        ),
        pytest.param(
            (HEADER_ROW + '"').encode(), "line 3 has a different number of fields than the header", id="quote-at-end"
        ),
        pytest.param(
            ('"mission_id,name\n' + GOOD_ROW).encode(),
            "the header row runs over several lines (a quote in it is not closed where it should be)",
            id="unclosed-quote-in-header",
        ),
        pytest.param(
            (HEADER_ROW + GOOD_ROW.replace("wk_a", "wk_b").rstrip("\n") + ",extra,extra\n").encode(),
            "line 3 has a different number of fields than the header (22, not 20: check quotes and commas)",
            id="ragged-long",
        ),
        pytest.param(
            (HEADER_ROW + "wk_b,Short row\n").encode(),
            "line 3 has a different number of fields than the header (2, not 20: a line cut short, or a missing comma)",
            id="ragged-short",
        ),
        pytest.param(
            (MISSION_HEADER + "\n" + GOOD_ROW.replace("Example", "Éxample")).encode("latin-1"),
            "line 2 is not valid UTF-8 (byte 0xc9); save the file as UTF-8 (in Excel: Save As › CSV UTF-8)",
            id="latin-1",
        ),
        pytest.param(HEADER_ROW.encode("utf-16-le"), "the file is UTF-16 text, not UTF-8", id="utf-16-no-bom"),
        pytest.param(HEADER_ROW.encode("utf-16-be"), "the file is UTF-16 text, not UTF-8", id="utf-16-be-no-bom"),
        pytest.param(
            b"\xfe\xff" + HEADER_ROW.encode("utf-16-be"), "the file is UTF-16 text, not UTF-8", id="utf-16-be-bom"
        ),
        pytest.param(random.Random(7).randbytes(4096), "the file holds binary data, not text", id="random-bytes"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4, "the file holds binary", id="pdf"),
        pytest.param(b"\x7fELF\x02\x01\x01" + bytes(500), "the file holds binary data", id="executable"),
        pytest.param(
            (
                MISSION_HEADER + "\n" + csv_bytes([mission("wk_h", note="n" * 140_000)]).decode().split("\n", 1)[1]
            ).encode(),
            "line 2 has a cell of more than 131,072 characters (or a quote opened there is never closed)",
            id="cell-over-the-csv-limit",
        ),
        pytest.param(
            (MISSION_HEADER + ",x" * 20_000 + "\n" + GOOD_ROW).encode(),
            "this looks like a missions file, but its header has the unexpected columns 'x', 'x', 'x', 'x', 'x', "
            "'x', 'x', 'x' and 19,992 more (compare it with the template)",
            id="twenty-thousand-columns",
        ),
        pytest.param(
            b"<script>alert(1)</script>,<img src=x onerror=alert(1)>\n1,2\n",
            "the header ('<script>alert(1)</script>', '<img src=x onerror=alert(1)>') matches neither a missions",
            id="markup-header",
        ),
    ],
)
def test_a_broken_file_is_refused_with_the_reason(raw: bytes, expected: str, dataset: Dataset) -> None:
    result = read_upload("plans.csv", raw, dataset)
    _assert_well_formed(result)
    assert result.file_error is not None and result.file_error.startswith(expected), result.file_error


def test_old_mac_line_breaks_read_like_any_other(dataset: Dataset) -> None:
    raw = csv_bytes([mission("wk_mac_a"), mission("wk_mac_b")]).replace(b"\n", b"\r")
    result = read_upload("plans.csv", raw, dataset)
    assert result.ok and result.rows["mission_id"].tolist() == ["wk_mac_a", "wk_mac_b"]


def test_a_hundred_thousand_rows_are_refused_quickly(dataset: Dataset) -> None:
    raw = (PARTICIPANT_HEADER + "\n" + "juice,esa,lead,,,\n" * 100_000).encode()
    assert len(raw) <= MAX_UPLOAD_BYTES
    started = time.perf_counter()
    result = read_upload("partners.csv", raw, dataset)
    assert result.file_error == f"the file has more than {MAX_UPLOAD_ROWS:,} rows; split it into several files"
    assert time.perf_counter() - started < 10


def test_a_hundred_thousand_blank_lines_keep_the_row_numbers(dataset: Dataset) -> None:
    good, bad = (csv_bytes([row]).decode().split("\n", 1)[1] for row in (mission("wk_a"), mission("wk_b", status="x")))
    raw = (MISSION_HEADER + "\n" + good + "\n" * 100_000 + bad).encode()
    result = read_upload("plans.csv", raw, dataset)
    assert result.summary == "2 rows read: 1 valid, 1 with errors"
    assert [(e.row, e.column) for e in result.errors] == [(100_002, "status")]  # as the spreadsheet numbers it


def test_a_workbook_of_a_hundred_thousand_rows_is_refused(dataset: Dataset) -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(TABLES_BY_NAME["mission_participants"].column_names))
    for _ in range(100_000):
        sheet.append(["juice", "esa", "element", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    raw = buffer.getvalue()
    assert len(raw) <= MAX_UPLOAD_BYTES
    started = time.perf_counter()
    result = read_upload("partners.xlsx", raw, dataset)
    assert result.file_error == f"the file has more than {MAX_UPLOAD_ROWS:,} rows; split it into several files"
    assert time.perf_counter() - started < 20


# ------------------------------------------------------------------ formulas and markup


def _downloaded(frame: pd.DataFrame) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(safe_csv(frame).decode("utf-8-sig"))))


def test_formulas_in_every_text_column_are_kept_and_defused_on_download(dataset: Dataset) -> None:
    rows = [
        mission(f"wk_formula_{i}", name=formula, aliases=formula, note=formula, source=formula)
        for i, formula in enumerate(FORMULAS)
    ]
    partners = [participant("wk_formula_0", "jaxa", "instrument", contribution=formula) for formula in FORMULAS[:1]]
    plans, partner_file = read_uploads([("plans.csv", csv_bytes(rows)), ("partners.csv", csv_bytes(partners))], dataset)
    assert plans.ok and partner_file.ok, (plans.errors, partner_file.errors)
    assert plans.rows["name"].tolist() == list(FORMULAS)  # kept as typed

    merged = merge_uploads(dataset, [plans, partner_file])
    yours = merged.missions[uploaded_mask(merged.missions)]  # what "Your missions as CSV" writes
    for row, formula in zip(_downloaded(yours), FORMULAS, strict=True):
        for column in ("name", "aliases", "note", "source"):
            assert row[column] == "'" + formula, (column, row[column])
    contributions = [r["contribution"] for r in _downloaded(merged.mission_participants) if r["uploaded"] == "True"]
    assert "'" + FORMULAS[0] in contributions


def test_a_formula_in_a_number_column_is_refused_not_computed(dataset: Dataset) -> None:
    result = read_upload("plans.csv", csv_bytes([mission("wk_n", launch_year="-1+1")]), dataset)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (1, "launch_year", "'-1+1' is not a whole number (a year or a count)")
    ]


def test_formulas_from_a_workbook_are_text_or_nothing_and_defused(dataset: Dataset) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(MISSION_COLUMNS)
    values = mission("wk_book")
    sheet.append([values[c] for c in MISSION_COLUMNS])
    name_cell = sheet.cell(row=2, column=MISSION_COLUMNS.index("name") + 1)
    name_cell.value, name_cell.data_type = FORMULAS[1], "s"  # typed as text in Excel
    sheet.cell(row=2, column=MISSION_COLUMNS.index("note") + 1).value = FORMULAS[0]  # a live formula, never computed
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_upload("plans.xlsx", buffer.getvalue(), dataset)
    assert result.ok, result.errors or result.file_error
    assert result.rows["name"].item() == FORMULAS[1]
    assert pd.isna(result.rows["note"].item()) or result.rows["note"].item() == FORMULAS[0]
    (row,) = _downloaded(result.rows)
    assert row["name"] == "'" + FORMULAS[1] and row["note"] in ("", "'" + FORMULAS[0])


# ------------------------------------------------------------------ the page, with its real uploader


def _page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.switch_page("views/upload.py").run()
    assert not at.exception
    return at


def _drop(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.get("file_uploader")[0].set_value([(name, raw, "text/csv") for name, raw in files]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shown_text(at: AppTest) -> list[str]:
    kinds = ("markdown", "caption", "error", "warning", "success", "info")
    return [str(element.value) for kind in kinds for element in at.main.get(kind)]


def _assert_inert(texts: list[str]) -> None:
    for text in texts:
        assert "Traceback" not in text
        assert not re.search(r"(?<!\\)[<>]", text), text  # every angle bracket escaped: no tag
        assert not re.search(r"(?<!\\)&(?:lt|gt|#\d+);", text), text  # no entity read as a character


@pytest.fixture(scope="module")
def page_session():
    """One page session for the sampled files: each sample replaces the uploader's files."""
    clear_memo()
    return _page()


@settings(FUZZ, max_examples=15)
@given(file=hostile_files())
def test_any_file_through_the_page(file: tuple[str, bytes], page_session: AppTest, dataset: Dataset) -> None:
    name, raw = file
    at = _drop(page_session, file)
    expected = read_upload(name, raw, dataset)
    texts = _shown_text(at)
    _assert_inert(texts)
    assert any(text.startswith(f"**{md(name)}**") and md(expected.summary) in text for text in texts), texts
    errors = [e.value.replace("\\", "") for e in at.main.error]
    if expected.file_error:
        assert any(expected.file_error[:60] in text for text in errors), errors
    apply = at.button(key="upload_apply")
    assert apply.disabled == (not len(expected.rows))


def test_two_megabytes_and_one_byte_through_the_uploader() -> None:
    clear_memo()
    at = _drop(_page(), ("big.csv", _exactly(MAX_UPLOAD_BYTES + 1)))
    (error,) = at.main.error
    assert error.value.replace("\\", "") == (
        "the file is 2,097,153 bytes; an upload may be at most 2 MB (2,097,152 bytes): split it into several files"
    )
    assert at.button(key="upload_apply").disabled
    at = _drop(at, ("big.csv", _exactly(MAX_UPLOAD_BYTES)))
    assert not at.main.error and not at.button(key="upload_apply").disabled


def test_markup_in_a_file_name_and_its_cells_is_shown_as_text() -> None:
    name = "<img src=x onerror=alert(1)> &lt;b&gt;.csv"
    rows = [mission("wk_markup", name=MARKUP[0], note=MARKUP[1]), mission("wk_year", launch_year=MARKUP[1])]
    at = _drop(_page(), (name, csv_bytes(rows)))
    texts = _shown_text(at)
    _assert_inert(texts)
    heading = next(text for text in texts if "onerror" in text)
    assert heading.startswith("**\\<img src=x onerror=alert\\(1\\)\\> \\&lt;b\\&gt;\\.csv** · missions")
    errors = at.main.dataframe[0].value  # the table of errors holds the cell as typed, clipped
    assert errors["reason"].tolist() == ["'<script>alert(1)</script>' is not a whole number (a year or a count)"]
    at.button(key="upload_apply").click().run()
    assert any(name.replace("<", "\\<").replace(">", "\\>")[:10] in c.value for c in at.main.caption)
    _assert_inert(_shown_text(at))


def test_rows_added_earlier_survive_a_later_upload() -> None:
    """The uploader empties when the user leaves the page; the next file joins the rows added."""
    clear_memo()
    at = _drop(_page(), ("a.csv", csv_bytes([mission("wk_a1"), mission("wk_a2")])))
    at.button(key="upload_apply").click().run()
    at.switch_page("views/home.py").run()
    at.switch_page("views/upload.py").run()
    assert "2 missions and 2 participant rows of yours" in at.success[0].value

    at = _drop(at, ("b.csv", csv_bytes([mission("wk_b1"), mission("wk_a1")])))
    summary = next(m.value for m in at.main.markdown if m.value.startswith("**b\\.csv**"))
    assert summary.endswith("2 rows read\\: 1 valid, 1 with errors")  # wk_a1 is already in a.csv
    assert at.main.dataframe[0].value["reason"].tolist() == ["'wk_a1' is already in your upload 'a.csv'"]
    assert at.button(key="upload_apply").proto.label == "Add the 1 valid row to every view"
    at.button(key="upload_apply").click().run()
    assert "3 missions and 3 participant rows of yours" in at.success[0].value
    assert [r.name for r in at.session_state[UPLOADS_KEY]] == ["a.csv", "b.csv"]

    # a.csv again, corrected: it replaces its earlier version, b.csv stays.
    at = _drop(at, ("a.csv", csv_bytes([mission("wk_a1")])))
    at.button(key="upload_apply").click().run()
    assert "2 missions and 2 participant rows of yours" in at.success[0].value
    assert sorted(r.name for r in at.session_state[UPLOADS_KEY]) == ["a.csv", "b.csv"]
    at.button(key="upload_remove").click().run()
    assert not at.success and UPLOADS_KEY not in at.session_state


# ------------------------------------------------------------------ the browser


@pytest.mark.browser
def test_hostile_files_in_chromium(browser) -> None:
    """Refusals in words, then a file of markup and formulas added: no dialog, no element made
    from the data, the text shown as typed, and the download defused."""
    from tests.browser_support import streamlit_server
    from tests.test_browser_interactions import new_page, settle
    from tests.test_browser_upload import open_upload, remove_files, upload

    name = "<img src=x onerror=alert(1)> &lt;b&gt;.csv"
    rows = [
        mission("wk_img", name="<img src=x onerror=alert(1)>", note="<script>alert(2)</script>"),
        mission("wk_entity", name="&lt;b&gt;entity&lt;/b&gt; **bold**", note='"><svg onload=alert(3)>'),
        *(mission(f"wk_formula_{i}", name=formula) for i, formula in enumerate(FORMULAS[:4])),
    ]
    with streamlit_server(env={"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}) as base:
        page = new_page(browser)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        open_upload(page, base)
        main = page.locator('[data-testid="stMain"]')

        upload(page, "<script>alert(4)</script>.csv", random.Random(3).randbytes(3000))
        text = main.inner_text()
        assert "<script>alert(4)</script>.csv · unknown table · not read: the file holds binary data, not text" in text
        remove_files(page)
        upload(page, "big.csv", _exactly(MAX_UPLOAD_BYTES + 1))
        assert "the file is 2,097,153 bytes; an upload may be at most 2 MB (2,097,152 bytes)" in main.inner_text()
        remove_files(page)

        upload(page, name, csv_bytes(rows))
        assert f"{name} · missions · 6 rows read: 6 valid, 0 with errors" in main.inner_text()
        page.get_by_role("button", name="Add the 6 valid rows to every view").click()
        page.get_by_text("6 missions and 6 participant rows of yours").wait_for(timeout=30_000)
        settle(page)
        assert f"From {name}." in main.inner_text()  # the name as typed: no tag, no entity read
        assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"], svg[onload]').length") == 0
        scripts = page.evaluate("() => [...document.scripts].map(s => s.textContent).join(' ')")
        assert "alert(" not in scripts

        with page.expect_download() as download:
            page.get_by_role("button", name="Your missions as CSV").click()
        names = [r["name"] for r in csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig")))]
        assert names[2:] == ["'" + formula for formula in FORMULAS[:4]]
        assert names[:2] == ["<img src=x onerror=alert(1)>", "&lt;b&gt;entity&lt;/b&gt; **bold**"]
        page.wait_for_timeout(500)  # a late onerror or onload would have fired by now
        assert dialogs == [] and page.js_errors == []
        page.context.close()
