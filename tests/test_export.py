"""Image export, ZIP, slide deck and the export command, drawn by kaleido on Debian's Chromium.

Every registered chart is drawn in every format for the default view and two filtered
views; the files are checked as a user would open them: magic bytes, the title and the
filters in the SVG's text, real years on the timeline axis, the deck read back with
python-pptx. The command line is run as a user runs it, bad arguments and no browser included.
"""

from __future__ import annotations

import html
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from components.charts import CHARTS, CHARTS_BY_ID, ChartContext
from components.export import ExportUnavailable, ImageSize, Renderer, chart_items, find_browser, view_items
from components.export.bundle import deck_bytes, zip_bytes
from components.export.figures import SLIDE_PART_ROWS, file_stem, parts_of
from components.filters import FilterState

ROOT = Path(__file__).resolve().parent.parent
MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "svg": b"<svg", "pdf": b"%PDF-"}
VIEWS = {
    "default": (FilterState(), "All missions"),
    "moon_esa_jaxa": (
        FilterState(destinations=("moon",), agencies=("esa", "jaxa"), year_from=1990, year_to=2030),
        "Moon · ESA, JAXA · 1990–2030",
    ),
    "failures_before_1980": (
        FilterState(statuses=("failed",), year_from=1958, year_to=1979, focus="terrestrial_planets", profile="ussr"),
        "Failed · 1958–1979",
    ),
}


@pytest.fixture(scope="module")
def renderer():
    if find_browser() is None:
        pytest.fail("Chromium not found: run `make test`, which installs it, or set CHROMIUM_PATH")
    with Renderer() as session:
        yield session


def svg_text(data: bytes) -> str:
    """Every text node of an SVG, in order, as one line: what a reader of the image sees."""
    texts = re.findall(r"<text[^>]*>(.*?)</text>", data.decode("utf-8"), flags=re.S)
    return " ".join(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", t)).split()) for t in texts)


def png_size(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_chart_exports_in_every_format(dataset, renderer, view) -> None:
    state, words = VIEWS[view]
    items, skipped = view_items(dataset, state)
    assert not skipped, skipped
    assert {item.chart_id for item in items} == {spec.chart_id for spec in CHARTS}  # the map through its twin
    assert len({item.stem for item in items}) == len(items)  # one file name per image
    first_parts, last_parts = {}, {}
    for item in items:
        first_parts.setdefault(item.chart_id, item)
        last_parts[item.chart_id] = item
    for item in items:
        # Every chart in every format; of a chart in parts, the last part too, as SVG (the rows of
        # every part are checked in ``test_long_timelines_export_in_parts_with_real_years``).
        if first_parts[item.chart_id] is item:
            formats = ("png", "svg", "pdf")
        elif last_parts[item.chart_id] is item:
            formats = ("svg",)
        else:
            continue
        for fmt in formats:
            data = renderer.render(item.figure, fmt, item.size_for(fmt))
            assert data.startswith(MAGIC[fmt]), (item.stem, fmt)
            assert len(data) > 2000, (item.stem, fmt)
            if fmt == "png":
                assert png_size(data) == (item.size.width * 2, item.size.height * 2)
            if fmt == "svg":
                text = svg_text(data)
                assert item.title in text, item.stem
                spec = CHARTS_BY_ID[item.chart_id]
                if any(name in spec.reads for name in ("destinations", "agencies", "statuses", "years")):
                    assert f"{words} · data checked" in text, item.stem
                else:
                    assert "Whole record (no filter applies) · data checked" in text, item.stem


def test_file_names_are_the_chart_id_and_the_view(dataset) -> None:
    state = VIEWS["moon_esa_jaxa"][0]
    assert file_stem(CHARTS_BY_ID["missions_timeline"], state) == "missions_timeline_moon_esa-jaxa_1990-2030"
    assert file_stem(CHARTS_BY_ID["missions_timeline"], state, 2) == "missions_timeline_moon_esa-jaxa_1990-2030_part03"
    assert file_stem(CHARTS_BY_ID["pillars_science_matrix"], state) == "pillars_science_matrix"  # follows no filter
    focus = FilterState(focus="giant_planets")
    assert file_stem(CHARTS_BY_ID["destination_heritage"], focus) == "destination_heritage_giant-planets"
    many = FilterState(agencies=tuple(dataset.agencies["agency_id"][:60]))
    stem = file_stem(CHARTS_BY_ID["agencies_roles"], many)
    assert len(stem) <= 120 and stem.startswith("agencies_roles_")
    assert stem != file_stem(
        CHARTS_BY_ID["agencies_roles"], FilterState(agencies=tuple(dataset.agencies["agency_id"][:59]))
    )


def test_long_timelines_export_in_parts_with_real_years(dataset, renderer) -> None:
    ctx = ChartContext(dataset, FilterState())
    screen = chart_items("missions_timeline", ctx)
    slides = chart_items("missions_timeline", ctx, "slides")
    everything = len(ctx.filtered.missions)
    assert len(screen) >= -(-everything // 40) and len(slides) >= -(-everything // SLIDE_PART_ROWS)
    for items, rows in ((screen, 40), (slides, SLIDE_PART_ROWS)):
        bars = [
            {y for trace in item.figure.data if trace.type == "bar" for y in trace.y if not str(y).startswith("<b>")}
            for item in items
        ]
        assert all(len(b) <= rows for b in bars)
        assert sum(len(b) for b in bars) >= everything * 0.98  # names shortened alike may merge; none is lost
    first = svg_text(renderer.render(screen[0].figure, "svg", screen[0].size_for("svg")))
    years = [int(y) for y in re.findall(r"\b(19[5-9]\d|20[0-6]\d)\b", first)]
    assert 1958 in years and 1960 in years  # the first part's own years, not the 1970 epoch
    whole = chart_items("destination_timeline", ChartContext(dataset, FilterState(focus="giant_planets")))
    assert len(whole) == 1 and whole[0].part is None  # short enough for one image
    text = svg_text(renderer.render(whole[0].figure, "svg", whole[0].size_for("svg")))
    ticks = {int(y) for y in re.findall(r"\b(19[6-9]0|20[0-6]0)\b", text)}
    assert {1960, 1980, 2000, 2020, 2040, 2060} <= ticks  # the whole axis, 1955–2064


def test_screen_and_slide_sizes(dataset) -> None:
    ctx = ChartContext(dataset, FilterState())
    (screen,) = chart_items("cooperation_ladder", ctx)
    (slide,) = chart_items("cooperation_ladder", ctx, "slides")
    assert (screen.size.width, screen.size.scale) == (1200, 2)
    assert (slide.size.width, slide.size.height) == (1280, 720)
    (tall,) = chart_items("autonomy_matrix", ctx, "slides")
    assert tall.size.width == 1280 and tall.size.height > 720  # kept whole, not squeezed
    with pytest.raises(ValueError):
        chart_items("cooperation_ladder", ctx, "poster")


def test_the_deck_has_a_slide_per_image_and_reads_back(dataset, renderer) -> None:
    from pptx import Presentation

    state = VIEWS["moon_esa_jaxa"][0]
    charts = ["missions_timeline", "cooperation_ladder", "cooperation_map", "autonomy_matrix"]
    items, skipped = view_items(dataset, state, charts, deck=True)
    assert not skipped
    progress = []
    data = deck_bytes(
        items,
        renderer,
        dataset=dataset,
        state=state,
        scope="Selected charts",
        progress=lambda d, t, n: progress.append((d, t)),
    )
    deck = Presentation(io.BytesIO(data))
    slides = list(deck.slides)
    assert len(slides) == len(items) + 2
    assert slides[0].shapes.title.text == "Horizon 2061 Explorer: Selected charts"
    assert "Moon · ESA, JAXA · 1990–2030" in slides[0].placeholders[1].text_frame.text
    assert slides[-1].shapes.title.text == "Sources"
    assert "Planetary Exploration, Horizon 2061, ch. 7" in slides[-1].shapes[1].text_frame.text
    assert deck.slide_width * 9 == deck.slide_height * 16
    for slide, item in zip(slides[1:-1], items, strict=True):
        assert slide.shapes.title.text == item.title
        assert slide.notes_slide.notes_text_frame.text == item.summary
        (picture,) = [shape for shape in slide.shapes if shape.shape_type == 13]
        width, height = picture.image.size
        assert abs(width - item.size.width * item.size.scale) <= 1
        assert abs(height - item.size.height * item.size.scale) <= 1
        assert width >= 1920  # the full width of a 1920×1080 projector
        assert picture.left >= 0 and picture.left + picture.width <= deck.slide_width
        assert picture.top + picture.height <= deck.slide_height
        footer = [
            s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text.startswith("Source")
        ]
        assert footer and "Moon · ESA, JAXA · 1990–2030" in footer[0]
    assert progress[0] == (0, len(items)) and progress[-1] == (len(items), len(items))


def test_the_zip_holds_png_and_svg_with_a_readme(dataset, renderer) -> None:
    state = VIEWS["moon_esa_jaxa"][0]
    items, skipped = view_items(dataset, state, ["cooperation_ladder", "pillars_science_matrix"])
    data = zip_bytes(items, renderer, dataset=dataset, state=state, scope="Cooperation page", skipped=skipped)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert names == [
        "cooperation_ladder_moon_esa-jaxa_1990-2030.png",
        "cooperation_ladder_moon_esa-jaxa_1990-2030.svg",
        "pillars_science_matrix.png",
        "pillars_science_matrix.svg",
        "README.txt",
    ]
    readme = archive.read("README.txt").decode()
    assert "Filters: Moon · ESA, JAXA · 1990–2030" in readme
    assert "View: /?destination=Moon&agency=ESA&agency=JAXA&years=1990&years=2030" in readme
    for item in items:
        assert item.file_name("png") in readme and f"Source: {item.source}" in readme
    assert archive.read(names[0]).startswith(MAGIC["png"])


def test_charts_with_nothing_to_show_are_left_out_with_a_reason(dataset) -> None:
    empty = FilterState(destinations=("heliopause_ism",), statuses=("failed",))
    items, skipped = view_items(dataset, empty, ["cooperation_ladder", "pillars_science_matrix"])
    assert [i.chart_id for i in items] == ["pillars_science_matrix"]
    assert [(s.chart_id, s.reason) for s in skipped] == [("cooperation_ladder", "no mission matches the filters")]


def test_a_browser_that_cannot_start_or_finish_is_explained(monkeypatch, tmp_path) -> None:
    import plotly.graph_objects as go

    with pytest.raises(ExportUnavailable, match=r"did not start.*chromium --headless --version"):
        Renderer("/bin/false").render(go.Figure(), "png", ImageSize(200, 100))
    with Renderer(timeout=0.01) as slow, pytest.raises(ExportUnavailable, match=r"took longer than 0\.01 s"):
        slow.render(go.Figure(go.Bar(y=[1, 2])), "png", ImageSize(200, 100))
    for name in ("CHROMIUM_PATH", "BROWSER_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    missing = Renderer()
    assert not missing.available
    with pytest.raises(ExportUnavailable, match="sudo apt-get install -y chromium"):
        missing.render(go.Figure(), "png", ImageSize(200, 100))


def test_images_drawn_together_come_back_in_order_and_alike(renderer) -> None:
    import plotly.graph_objects as go

    bars = ((2, "red"), (5, "blue"), (3, "green"))
    figures = [go.Figure(go.Bar(y=[1, n], marker_color=colour)) for n, colour in bars]
    sizes = [ImageSize(300 + 20 * i, 200 + 10 * i, 2) for i in range(len(figures))]
    one_by_one = [renderer.render(f, "png", s) for f, s in zip(figures, sizes, strict=True)]
    together = renderer.render_many((f, "png", s) for f, s in zip(figures, sizes, strict=True))
    assert [png_size(image) for image in together] == [(s.width * 2, s.height * 2) for s in sizes]
    # A tab keeps its page between images, and nothing of one figure is left on the next.
    assert together == one_by_one
    assert renderer.render(figures[0], "png", sizes[0]) == one_by_one[0]


def test_the_kaleido_hooks_the_renderer_relies_on_are_there() -> None:
    import kaleido

    from components.export.render import _session_class

    # Keeping a tab's page between images overrides kaleido's ``_return_kaleido_tab``, and a
    # second tab opens with ``_create_kaleido_tab``: a kaleido that renames them fails here.
    assert "_return_kaleido_tab" in vars(kaleido.Kaleido) and "_return_kaleido_tab" in vars(_session_class())
    assert callable(kaleido.Kaleido._create_kaleido_tab)


def test_planned_items_are_counted_first_and_built_once(dataset) -> None:
    from components.export import plan_items

    state = VIEWS["moon_esa_jaxa"][0]
    charts = ["cooperation_ladder", "missions_timeline", "destination_timeline"]
    plan = plan_items(dataset, state, charts, deck=True)
    items, skipped = view_items(dataset, state, charts, deck=True)
    assert len(plan) == len(items) and plan.skipped == skipped
    built = list(plan)
    assert [i.stem for i in built] == [i.stem for i in items]
    assert all(a is b for a, b in zip(plan, built, strict=True))  # built once: the same items again


def test_find_browser_reads_the_environment_and_path(tmp_path) -> None:
    assert find_browser({"PATH": str(tmp_path)}) is None
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert find_browser({"PATH": str(tmp_path)}) == str(fake)
    assert find_browser({"PATH": "", "CHROMIUM_PATH": str(fake)}) == str(fake)
    assert find_browser({"PATH": "", "CHROMIUM_PATH": str(tmp_path / "missing")}) is None


# ------------------------------------------------------------------ the command line


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "components.export", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def test_cli_lists_every_chart_id() -> None:
    done = run_cli("--list")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [spec.chart_id for spec in CHARTS]
    assert any("timeline" in line.split()[0] and "Mission timeline" in line for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "gif", "--out", "x"), "invalid choice: 'gif'"),
        (("--format", "png"), "--format and --out are required"),
        (("--format", "png", "--out", "x", "--charts", "nope,cooperation_ladder"), "unknown chart id(s): nope"),
        (("--format", "png", "--out", "x", "--years", "1990"), "expected 2 arguments"),
        (("--format", "png", "--out", "x", "--destination", "mooon", "--strict"), "destination 'mooon'"),
        (("--format", "png", "--out", "/proc/forbidden/here"), "cannot write to /proc/forbidden/here"),
    ],
)
def test_cli_refuses_bad_arguments_with_a_clear_message(args, message) -> None:
    done = run_cli(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_writes_one_file_per_chart_and_names_dropped_values(tmp_path) -> None:
    done = run_cli(
        "--format",
        "svg",
        "--out",
        str(tmp_path),
        "--destination",
        "moon",
        "--destination",
        "Small bodies,atlantis",
        "--agency",
        "esa,JAXA",
        "--years",
        "1990",
        "2030",
        "--charts",
        "cooperation_ladder,cooperation_map",
        "--focus",
        "giant_planets",
    )
    assert done.returncode == 0, done.stderr
    assert "ignored: destination 'atlantis' (not a known destination)" in done.stderr
    assert "2/2" in done.stderr  # progress
    written = sorted(p.name for p in tmp_path.iterdir())
    stem = "moon-small-bodies_esa-jaxa_1990-2030"
    assert written == [f"cooperation_ladder_{stem}.svg", f"cooperation_map_{stem}.svg"]
    text = svg_text((tmp_path / written[0]).read_bytes())
    assert "Moon, Small bodies · ESA, JAXA · 1990–2030" in text


def test_cli_builds_a_deck(tmp_path) -> None:
    from pptx import Presentation

    done = run_cli("--format", "pptx", "--out", str(tmp_path), "--charts", "cooperation_by_era", "--quiet")
    assert done.returncode == 0, done.stderr
    (deck_file,) = tmp_path.iterdir()
    assert deck_file.name == "horizon2061_selected-charts_all-missions.pptx"
    assert done.stdout.strip() == str(deck_file)
    assert len(Presentation(str(deck_file)).slides) == 3


def test_cli_without_a_browser_says_what_to_install(tmp_path) -> None:
    env = {"PATH": str(tmp_path), "CHROMIUM_PATH": "", "BROWSER_PATH": ""}
    done = run_cli("--format", "png", "--out", str(tmp_path / "out"), "--charts", "cooperation_ladder", env=env)
    assert done.returncode == 1
    assert "sudo apt-get install -y chromium" in done.stderr and "CHROMIUM_PATH" in done.stderr
    assert "Traceback" not in done.stderr
    assert not list((tmp_path / "out").iterdir())


def test_parts_follow_the_view(dataset) -> None:
    spec = CHARTS_BY_ID["missions_timeline"]
    ctx = ChartContext(dataset, FilterState())
    assert parts_of(spec, ctx.with_options(page=3)) == [3]  # the part on screen
    assert parts_of(spec, ChartContext(dataset, FilterState(destinations=("exoplanets",)))) == [None]


def test_the_date_on_every_image_is_the_data_dictionarys() -> None:
    from components.data import DATA_CHECKED

    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    checked = readme.split("## Checked as of", 1)[1]
    assert DATA_CHECKED in checked.split("\n## ", 1)[0]
