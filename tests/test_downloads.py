"""The export controls in the app (AppTest): each chart's menu and "Download all charts".

Each control is changed twice by its fixed key; the ZIP and the deck are built, rebuilt in
the other form, and withdrawn when the view changes; without a browser, or with one that
fails, the menus say so and the page keeps working.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from components import downloads
from components.charts import ChartContext
from components.export import ExportUnavailable, Renderer
from components.filters import FilterState
from tests.test_interactions import open_page


@pytest.fixture(autouse=True)
def fresh_renderer():
    """Each test starts with the browser lookup it sets up (the renderer is shared per process)."""
    downloads.image_renderer.clear()
    yield
    downloads.image_renderer.clear()


def saved_bundle(at: AppTest):
    if downloads.BUNDLE_KEY not in at.session_state:  # AppTest's session state has no .get
        return None
    held = at.session_state[downloads.BUNDLE_KEY]
    return held[1], held[2]


def save_buttons(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.sidebar.get("download_button")]


def test_every_chart_has_a_menu_and_the_camera_button_names_the_file_alike() -> None:
    at = open_page("views/cooperation.py", {"destination": "Moon", "years": ["1990", "2030"]})
    layouts = [g.key for g in at.get("button_group") if g.key.endswith("_export_layout")]
    charts = at.get("plotly_chart")
    assert len(layouts) == len(charts) == 4  # the ladder, the matrix, one breakdown, recommended vs practised
    names = [json.loads(c.proto.config)["toImageButtonOptions"] for c in charts]
    assert names[0] == {"format": "png", "filename": "cooperation_ladder_moon_1990-2030", "scale": 2}
    labels = [b.proto.label for b in at.main.get("download_button")]
    assert labels[:3] == ["PNG (2×)", "SVG", "PDF"] and len(labels) == 12


def test_the_menu_size_holds_when_changed_twice() -> None:
    at = open_page("views/cooperation.py")
    key = "chart_cooperation_ladder_export_layout"
    for value in ("slides", "screen", "slides"):
        at.button_group(key=key).set_value(value).run()
        assert not at.exception
        assert at.button_group(key=key).value == value
    other = at.button_group(key="chart_cooperation_mode_destination_export_layout")
    assert other.value == "screen"  # one chart's size is not another's


def test_download_all_builds_a_zip_then_a_deck_and_forgets_them_when_the_view_changes() -> None:
    at = open_page("views/cooperation.py", {"destination": "Moon"})
    at.radio(key="export_kind").set_value("zip").run()
    at.button(key="export_build").click().run()
    assert not at.exception and not at.error
    name, data = saved_bundle(at)
    assert name == "horizon2061_cooperation-page_moon.zip"
    assert save_buttons(at)[0].startswith("Save horizon2061_cooperation-page_moon.zip (")
    files = zipfile.ZipFile(io.BytesIO(data)).namelist()
    # the page's six charts, each breakdown included (the page shows one at a time)
    assert files[0] == "cooperation_ladder_moon.png" and files[-1] == "README.txt" and len(files) == 6 * 2 + 1

    at.radio(key="export_kind").set_value("pptx").run()
    assert save_buttons(at) == []  # the ZIP was for the other form: nothing stale is offered
    at.button(key="export_build").click().run()
    name, data = saved_bundle(at)
    assert name == "horizon2061_cooperation-page_moon.pptx"
    from pptx import Presentation

    assert len(Presentation(io.BytesIO(data)).slides) == 6 + 2

    at.radio(key="export_scope").set_value("app").run()
    assert save_buttons(at) == []
    at.radio(key="export_scope").set_value("page").run()
    assert save_buttons(at)[0].startswith("Save horizon2061_cooperation-page_moon.pptx")
    at.multiselect(key="destination").set_value(["small_bodies"]).run()
    assert save_buttons(at) == []  # other filters, other deck: build again


def test_without_a_browser_the_menus_say_what_to_install(monkeypatch, tmp_path) -> None:
    for name in ("CHROMIUM_PATH", "BROWSER_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    at = open_page("views/missions.py")
    hints = [i.value for i in at.info if "sudo apt-get install -y chromium" in i.value]
    assert len(hints) == len(at.get("plotly_chart")) + 1  # each chart's menu and the sidebar
    assert at.get("plotly_chart") and not at.exception  # the charts are all there
    assert not at.get("download_button")


def test_a_browser_that_fails_to_start_is_explained_when_building(monkeypatch) -> None:
    monkeypatch.setenv("CHROMIUM_PATH", "/bin/false")
    at = open_page("views/home.py")
    at.button(key="export_build").click().run()
    assert not at.exception
    errors = [e.value for e in at.sidebar.error]
    assert errors and "did not start" in errors[0] and "chromium --headless --version" in errors[0]
    assert save_buttons(at) == []


def test_a_failed_chart_export_is_named_in_its_menu_once(monkeypatch, dataset) -> None:
    def broken(self, figure, fmt, size):
        raise ExportUnavailable("Drawing the image took longer than 45 s and was stopped")

    monkeypatch.setattr(Renderer, "render", broken)
    at = open_page("views/cooperation.py")
    other = open_page("views/cooperation.py")  # another session, which must not hear of it
    session = {"id": "mine"}
    monkeypatch.setattr(downloads, "_session_id", lambda: session["id"])
    draw = downloads._deferred(
        "cooperation_ladder",
        ChartContext(dataset, FilterState()),
        "png",
        "screen",
        Renderer(),
        "chart_cooperation_ladder",
    )
    with pytest.raises(ExportUnavailable):
        draw()  # what the PNG button runs when clicked
    session["id"] = "other"
    other.run()
    assert not other.main.error
    session["id"] = "mine"
    at.run()
    messages = [e.value for e in at.main.error]
    assert messages == ["The last export of this chart failed: Drawing the image took longer than 45 s and was stopped"]
    at.run()
    assert not at.main.error  # said once
