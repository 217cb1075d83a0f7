"""Uploaded rows in the app: merged into every view of their session, marked, and of no other.

AppTest cannot drop a file on the uploader, so these tests put the checked upload in the
session as the page's *Add* button does (``UPLOADS_KEY``); ``test_browser_upload.py`` drops
real files in Chromium.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.data import UPLOADS_KEY, Dataset
from components.filters import FilterState
from components.upload import EXAMPLES, read_uploads, template_csv
from tests.test_upload import csv_bytes, mission

APP = Path(__file__).resolve().parent.parent / "app.py"
NAME = EXAMPLES["missions"]["name"]


@pytest.fixture
def uploads(dataset: Dataset):
    rows = [mission("wk_lunar_lander", name=NAME), mission("wk_second_lander", name="Second lander (fictional)")]
    return read_uploads([("plans.csv", csv_bytes(rows))], dataset)


def session(page: str, uploads=None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    if uploads is not None:
        at.session_state[UPLOADS_KEY] = uploads
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def missions_metric(at: AppTest) -> int:
    return int(next(m.value for m in at.metric if m.label == "Missions"))


def test_uploaded_missions_count_in_their_session_only(dataset: Dataset, uploads) -> None:
    mine = session("views/home.py", uploads)
    other = session("views/home.py")
    assert missions_metric(mine) == missions_metric(other) + 2
    # Changing a filter twice keeps the uploaded rows in the count.
    mine.multiselect(key="destination").set_value(["moon"]).run()
    moon_mine = missions_metric(mine)
    other.multiselect(key="destination").set_value(["moon"]).run()
    assert moon_mine == missions_metric(other) + 2
    mine.multiselect(key="destination").set_value(["moon", "small_bodies"]).run()
    other.multiselect(key="destination").set_value(["moon", "small_bodies"]).run()
    assert missions_metric(mine) == missions_metric(other) + 2


def test_uploaded_missions_are_marked_on_the_timeline_and_in_hover(uploads) -> None:
    at = session("views/destinations.py", uploads, {"focus": "Moon"})
    (timeline,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.key == "chart_destination_timeline"]
    text = json.dumps(timeline, ensure_ascii=False)
    assert f"{NAME[:30]}" in text
    assert "⇪" in text and "Uploaded in this session" in text


def test_the_data_page_ticks_uploaded_rows_and_offers_them_in_a_safe_csv(uploads) -> None:
    at = session("views/data_sources.py", uploads)  # the missions table is the default
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download missions.csv with your 2 uploaded rows" in labels
    at.text_input(key="rows").input("fictional").run()
    table = at.dataframe[0].value  # the missions table (the errata follow)
    shipped = session("views/data_sources.py").dataframe[0].value
    assert int(table["uploaded"].sum()) == 2
    assert len(table) == 2 + sum("fictional" in str(v).lower() for v in shipped["name"])
    assert "uploaded" not in shipped.columns


def test_the_upload_page_reports_and_removes_the_rows(uploads) -> None:
    at = session("views/upload.py", uploads)
    assert "2 missions and 2 participant rows of yours" in at.success[0].value  # the leads are added
    at.button(key="upload_remove").click().run()
    assert not at.success
    assert "No rows of yours yet" in " ".join(c.value for c in at.caption)
    at.switch_page("views/home.py").run()
    assert missions_metric(at) == missions_metric(session("views/home.py"))


def test_an_export_of_the_session_holds_the_uploaded_mission(dataset: Dataset, uploads) -> None:
    from components.export.figures import view_items
    from components.upload import merge_uploads

    merged = merge_uploads(dataset, uploads)
    items, _ = view_items(
        merged, FilterState(destinations=("moon",), year_from=2035, year_to=2045), ["missions_timeline"]
    )
    labels = [label for item in items for trace in item.figure.data for label in (trace.y or ())]
    assert any(str(label).startswith(NAME[:20]) and str(label).endswith("⇪") for label in labels)


def test_the_template_downloads_are_offered_in_csv_and_xlsx() -> None:
    at = session("views/upload.py")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:4] == [
        "Missions (CSV)",
        "Missions (XLSX)",
        "Mission participants (CSV)",
        "Mission participants (XLSX)",
    ]
    assert template_csv("missions").startswith(b"\xef\xbb\xbfmission_id,")
    assert at.button(key="upload_apply").disabled  # nothing uploaded yet
