"""Many charts in one file: a ZIP of PNG and SVG with a README, or a PPTX slide deck.

The deck opens from ``assets/deck_template.pptx`` (16:9; rebuilt by
``scripts/build_deck_template.py``): a title slide with the view's filters and link, one slide
per image with the chart's title, its picture, its source and filters in the footer and its
one-sentence finding as the speaker notes, then a closing slide with every source.
Pictures are drawn 1920 px wide (1280×600 at 1.5×), the full width of a 1920×1080 projector.

Both take the items as a list or as ``plan_items`` builds them: each image is handed to the
browser as soon as its figure is built, and drawn while the next figures are built.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Sequence, Sized
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from components.charts.base import MUTED_COLOUR, SOURCE_CH7, TEXT_COLOUR
from components.data import DATA_CHECKED, Dataset
from components.export.figures import APP_NAME, ExportItem, Skipped, slug
from components.export.render import Pending, Renderer
from components.filters import FilterState, describe, to_query_params
from components.state import view_choices

Progress = Callable[[int, int, str], None]
TEMPLATE = Path(__file__).resolve().parent.parent.parent / "assets" / "deck_template.pptx"
ZIP_FORMATS = ("png", "svg")
TITLE_LAYOUT = 0  # the template's "Title Slide"
CHART_LAYOUT = 5  # its "Title Only"


def _silent(done: int, total: int, label: str) -> None:
    del done, total, label


def view_link(dataset: Dataset, state: FilterState, page: str | None = None) -> str:
    """The view's address, relative to wherever the app runs: ``/missions?destination=Moon``."""
    query = urlencode(to_query_params(state, view_choices(dataset).vocabulary), doseq=True)
    return f"/{page or ''}" + (f"?{query}" if query else "")


def bundle_name(dataset: Dataset, state: FilterState, scope: str) -> str:
    """``horizon2061_<scope>_<filters>``: the file name of a ZIP or a deck, stable for a view."""
    words = describe(state, view_choices(dataset).vocabulary)
    filters = "all-missions" if not state.is_filtered else slug(words)[:80].strip("-")
    return f"horizon2061_{slug(scope)}_{filters}"


def zip_bytes(
    items: Iterable[ExportItem],
    renderer: Renderer,
    *,
    dataset: Dataset,
    state: FilterState,
    scope: str,
    skipped: Sequence[Skipped] = (),
    progress: Progress = _silent,
    today: date | None = None,
) -> bytes:
    """A ZIP of every item as PNG and SVG, with ``README.txt`` naming each file, its filters
    and its source."""
    renderer.start()  # the browser starts while the first figures are built
    drawn = _Drawn(progress, len(items) * len(ZIP_FORMATS) if isinstance(items, Sized) else None)
    queued = []
    for item in items:
        queued.append((item, [drawn.submit(renderer, item, fmt) for fmt in ZIP_FORMATS]))
    buffer = io.BytesIO()
    lines = _readme_head(dataset, state, scope, today)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item, pending in queued:
            names = []
            for fmt, image in zip(ZIP_FORMATS, pending, strict=True):
                archive.writestr(item.file_name(fmt), drawn.collect(image, item.file_name(fmt)))
                names.append(item.file_name(fmt))
            lines += [
                " and ".join(names),
                f"    {item.title}",
                f"    Filters: {item.filters}",
                f"    Source: {item.source}",
                f"    In one sentence: {item.summary}",
                "",
            ]
        if skipped:
            lines += ["Left out:"] + [f"    {s.title} ({s.chart_id}): {s.reason}" for s in skipped] + [""]
        lines += _readme_tail()
        archive.writestr("README.txt", "\n".join(lines) + "\n")
        drawn.finish("README.txt")
    return buffer.getvalue()


class _Drawn:
    """Images handed to the browser as their figures are built, collected in order, with the
    progress told as images are done (from the caller's thread: Streamlit draws it there)."""

    def __init__(self, progress: Progress, total: int | None) -> None:
        self.progress, self.total = progress, total
        self.pending: list[Pending] = []
        self.told = -1

    def submit(self, renderer: Renderer, item: ExportItem, fmt: str) -> Pending:
        image = renderer.submit(item.figure, fmt, item.size_for(fmt))
        self.pending.append(image)
        self.tell(item.file_name(fmt))
        return image

    def collect(self, image: Pending, label: str) -> bytes:
        self.tell(label)
        return image.result()

    def tell(self, label: str) -> None:
        done = sum(1 for image in self.pending if image.done())
        total = max(self.total or 0, len(self.pending))
        if done > self.told:
            self.told = done
            self.progress(done, total, label)

    def finish(self, label: str) -> None:
        total = max(self.total or 0, len(self.pending))
        self.progress(total, total, label)


def _readme_head(dataset: Dataset, state: FilterState, scope: str, today: date | None) -> list[str]:
    return [
        f"{APP_NAME}: {scope}",
        f"Filters: {describe(state, view_choices(dataset).vocabulary)}",
        f"View: {view_link(dataset, state)}",
        f"Exported {(today or date.today()).isoformat()}; data checked {DATA_CHECKED}.",
        "PNG files are drawn at twice their size (sharp on a projector); SVG files scale to any size.",
        "",
        "Files",
        "",
    ]


def _readme_tail() -> list[str]:
    return [
        "Sources",
        f"    The chapter: {SOURCE_CH7}.",
        "    Every mission, agency and date: data/README.md in the app, one source per row.",
    ]


def deck_bytes(
    items: Iterable[ExportItem],
    renderer: Renderer,
    *,
    dataset: Dataset,
    state: FilterState,
    scope: str,
    skipped: Sequence[Skipped] = (),
    progress: Progress = _silent,
    today: date | None = None,
) -> bytes:
    """A slide deck: a title slide, one slide per item, a closing sources slide.

    Draw the items with ``deck=True`` (``view_items``): the slide prints the title itself."""
    renderer.start()  # the browser starts while the template opens and the first figures are built
    from pptx import Presentation
    from pptx.util import Emu, Pt

    deck = Presentation(str(TEMPLATE))
    width, height = deck.slide_width, deck.slide_height
    margin = Emu(int(width * 0.03))
    vocabulary = view_choices(dataset).vocabulary

    title_slide = deck.slides.add_slide(deck.slide_layouts[TITLE_LAYOUT])
    title_slide.shapes.title.text = f"{APP_NAME}: {scope}"
    subtitle = title_slide.placeholders[1].text_frame
    subtitle.text = describe(state, vocabulary)
    lines = []
    for line in ("", f"View: {view_link(dataset, state)}"):  # the count is written once the items are
        paragraph = subtitle.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(16)
        paragraph.font.color.rgb = _rgb(MUTED_COLOUR)
        lines.append(paragraph)

    drawn = _Drawn(progress, len(items) if isinstance(items, Sized) else None)
    queued = [(item, drawn.submit(renderer, item, "png")) for item in items]
    picture_top = Emu(int(height * 0.15))
    footer_height = Emu(int(height * 0.06))
    picture_width = width - 2 * margin
    for item, pending in queued:
        image = drawn.collect(pending, item.file_name("png"))
        slide = deck.slides.add_slide(deck.slide_layouts[CHART_LAYOUT])
        slide.shapes.title.text = item.title
        picture_height = Emu(int(picture_width * item.size.height / item.size.width))
        available = height - picture_top - footer_height - Emu(int(height * 0.02))
        if picture_height > available:  # keep the aspect ratio, centred
            scaled = Emu(int(picture_width * available / picture_height))
            slide.shapes.add_picture(
                io.BytesIO(image), (width - scaled) // 2, picture_top, width=scaled, height=available
            )
        else:
            slide.shapes.add_picture(io.BytesIO(image), margin, picture_top, width=picture_width)
        footer = slide.shapes.add_textbox(margin, height - footer_height, picture_width, footer_height).text_frame
        footer.word_wrap = True
        footer.text = f"Source: {item.source} · {item.caption}"
        footer.paragraphs[0].font.size = Pt(11)
        footer.paragraphs[0].font.color.rgb = _rgb(MUTED_COLOUR)
        slide.notes_slide.notes_text_frame.text = item.summary
    items = [item for item, _ in queued]
    exported = (today or date.today()).isoformat()
    lines[0].text = f"{len(items)} charts · data checked {DATA_CHECKED} · exported {exported}"

    closing = deck.slides.add_slide(deck.slide_layouts[CHART_LAYOUT])
    closing.shapes.title.text = "Sources"
    body = closing.shapes.add_textbox(margin, picture_top, picture_width, height - picture_top - margin).text_frame
    body.word_wrap = True
    sources = [f"The chapter: {SOURCE_CH7}."] + [f"{source}." for source in dict.fromkeys(i.source for i in items)]
    sources.append(f"Data checked {DATA_CHECKED}; one source per row in the app's data/README.md.")
    if skipped:
        sources.append("Left out: " + "; ".join(f"{s.title} ({s.reason})" for s in skipped) + ".")
    body.text = sources[0]
    for line in sources[1:]:
        body.add_paragraph().text = line
    for paragraph in body.paragraphs:
        paragraph.font.size = Pt(16)
        paragraph.font.color.rgb = _rgb(TEXT_COLOUR)
    drawn.finish("slide deck")
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#"))
