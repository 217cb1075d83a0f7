"""What an export contains: the registered charts for a view, as figures ready to draw.

Every export, from the menu beside a chart to the slide deck and the command line, goes
through ``chart_items`` and ``view_items``. An item is one image: a chart, or one part of a
long timeline (at most 40 rows on screen, 18 on a slide, so no export is an unreadable
strip). Its figure is the chart's own, in the house template, with one more line under the
source: the filters it follows in words and the date the data were checked. Its file name
is the chart's stable id and the view's ids, the same for the same view every time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from html import escape, unescape

import plotly.graph_objects as go

from components.charts import CHARTS, CHARTS_BY_ID, SIDEBAR_FILTERS, ChartContext, ChartSpec, build_figure
from components.charts.base import SOURCE_WRAP, line_count, title_block_px, wrap
from components.data import DATA_CHECKED, Dataset
from components.export.render import ImageSize
from components.filters import YEAR_MAX, YEAR_MIN, FilterState, describe
from components.state import view_choices

APP_NAME = "Horizon 2061 Explorer"
LAYOUTS = {"screen": "As on screen", "slides": "For slides (16:9)"}
PNG_SCALE = 2  # sharp on a 1920×1080 projector and when zoomed on a laptop
DECK_SCALE = 1.5  # a slide's picture, 1280 px wide on the slide: 1920 px, a 1920×1080 projector's full width
SCREEN_WIDTH_PX = 1200  # a wide page at 1280 px with the sidebar closed
SCREEN_HEIGHT_PX = 520  # for figures that leave their height to the page
SLIDE = ImageSize(1280, 720, PNG_SCALE)  # 16:9, the projector size the template is made for
DECK_PICTURE = ImageSize(1280, 600, DECK_SCALE)  # the picture under a slide's own title
SCREEN_PART_ROWS = 40
SLIDE_PART_ROWS = 18  # 24 px rows: 18 of them, the axes and the footer fill 720 px
MAX_STEM_CHARS = 120
_VIEW_FIELDS = ("focus", "compare", "profile", "scope", "among", "as_of")  # named in file names when read


@dataclass(frozen=True)
class ExportItem:
    """One image to draw: a chart, or one part of a long one."""

    chart_id: str
    title: str  # the figure's own title (a part's names the part)
    summary: str  # the one-sentence finding (slide notes, README, alt text)
    source: str
    filters: str  # the filters it follows, in words
    stem: str  # file name without extension
    figure: go.Figure
    size: ImageSize  # PNG size; SVG and PDF are drawn at scale 1
    part: int | None = None

    def size_for(self, fmt: str) -> ImageSize:
        return self.size if fmt == "png" else replace(self.size, scale=1.0)

    def file_name(self, fmt: str) -> str:
        return f"{self.stem}.{fmt}"

    @property
    def caption(self) -> str:
        """The line each image carries under its source."""
        return footer_line(self.filters)


def footer_line(filters: str) -> str:
    return f"{filters} · data checked {DATA_CHECKED} · {APP_NAME}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).casefold()).strip("-")


def followed_filters(spec: ChartSpec, state: FilterState) -> FilterState:
    """Only the sidebar filters a chart follows: a chart that shows the whole record says so."""
    values = {}
    for name in SIDEBAR_FILTERS:
        if name in spec.reads:
            if name == "years":
                values["year_from"], values["year_to"] = state.year_from, state.year_to
            else:
                values[name] = getattr(state, name)
    return FilterState(**values)


def filters_in_words(spec: ChartSpec, dataset: Dataset, state: FilterState) -> str:
    if not any(name in spec.reads for name in SIDEBAR_FILTERS):
        return "Whole record (no filter applies)"
    return describe(followed_filters(spec, state), view_choices(dataset).vocabulary)


def file_stem(spec: ChartSpec, state: FilterState, part: int | None = None) -> str:
    """``<chart id>[_<view choices>][_<filters>][_partNN]``, e.g.
    ``missions_timeline_moon_esa-jaxa_1990-2030_part01``: ids only, so a label can change
    without renaming files. Very long selections are cut and keep a short hash."""
    pieces = [spec.chart_id]
    for name in _VIEW_FIELDS:
        value = getattr(state, name)
        if name in spec.reads and value not in (None, "all"):
            pieces.append(slug(value))
    followed = followed_filters(spec, state)
    for name in ("destinations", "agencies", "statuses", "modes"):
        values = getattr(followed, name)
        if values:
            pieces.append("-".join(slug(v) for v in values))
    if (followed.year_from, followed.year_to) != (YEAR_MIN, YEAR_MAX):
        pieces.append(f"{followed.year_from}-{followed.year_to}")
    if part is not None:
        pieces.append(f"part{part + 1:02d}")
    stem = "_".join(piece for piece in pieces if piece)
    if len(stem) > MAX_STEM_CHARS:
        digest = hashlib.sha1(stem.encode()).hexdigest()[:8]
        stem = f"{stem[: MAX_STEM_CHARS - 9].rstrip('_-')}_{digest}"
    return stem


def _plain(text: str) -> str:
    return " ".join(unescape(re.sub(r"<br\s*/?>", " ", text or "")).split())


def title_of(figure: go.Figure) -> str:
    """The figure's own title as plain text: what a slide and a README call the image."""
    return _plain(figure.layout.title.text)


def source_of(figure: go.Figure) -> str:
    """The chart's source line as plain text (the figures print it as their subtitle)."""
    return _plain(figure.layout.title.subtitle.text).removeprefix("Source:").strip()


def decorate(figure: go.Figure, line: str, *, bare: bool = False) -> go.Figure:
    """A copy of ``figure`` with ``line`` printed under its source, the top margin grown to
    fit. ``bare`` drops the title block instead (a slide prints it as the slide's own title and
    footer). The shared figure itself is never changed."""
    return _decorate_in_place(go.Figure(figure), line, bare=bare)


def _decorate_in_place(fig: go.Figure, line: str, *, bare: bool = False) -> go.Figure:
    """``decorate`` on the figure itself: for a figure built for this export alone (copying a
    figure costs more than building most charts)."""
    title = fig.layout.title.text or ""
    subtitle = fig.layout.title.subtitle.text or ""
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 100
    _, old_block = title_block_px(line_count(title), line_count(subtitle) if subtitle else 0)
    if bare:
        fig.update_layout(title={"text": "", "subtitle": {"text": ""}}, margin={"t": max(24, top - old_block)})
        return fig
    extra = wrap(escape(line), SOURCE_WRAP)
    subtitle = f"{subtitle}<br>{extra}" if subtitle else extra
    _, new_block = title_block_px(line_count(title), line_count(subtitle))
    fig.update_layout(title={"subtitle": {"text": subtitle}}, margin={"t": top + new_block - old_block})
    return fig


def parts_of(spec: ChartSpec, ctx: ChartContext) -> list[int | None]:
    """Which parts of a chart to draw: the one the context names, each part of a long chart, or
    the whole (None) when it fits in one."""
    count = len(spec.pages(ctx)) if spec.pages is not None else 0
    if ctx.options.get("page") is not None:
        return [int(ctx.options["page"])]  # type: ignore[arg-type]
    return list(range(count)) if count > 1 else [None]


def part_in_name(spec: ChartSpec, ctx: ChartContext, part: int | None) -> int | None:
    """A part is named in the file name only when the chart has several."""
    return part if part is not None and spec.pages is not None and len(spec.pages(ctx)) > 1 else None


def _item_context(ctx: ChartContext, layout: str, deck: bool) -> ChartContext:
    """The context a chart's images are drawn from: long timelines cut into parts that fit the
    screen or a slide, unless the context names a part or a length itself."""
    if ctx.options.get("page") is None and "rows" not in ctx.options:
        slides = layout == "slides" or deck
        return ctx.with_options(rows=SLIDE_PART_ROWS if slides else SCREEN_PART_ROWS)
    return ctx


def chart_items(chart_id: str, ctx: ChartContext, layout: str = "screen", *, deck: bool = False) -> list[ExportItem]:
    """The images of one chart for a view: one, or one per part of a long timeline.

    ``layout`` is "screen" (the figure's own height, 1200 px wide) or "slides" (1280×720);
    ``deck`` draws for a slide's picture, without the title block the slide prints itself."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
    spec = CHARTS_BY_ID[chart_id]
    slides = layout == "slides" or deck
    ctx = _item_context(ctx, layout, deck)
    filters = filters_in_words(spec, ctx.dataset, ctx.state)
    items = []
    for part in parts_of(spec, ctx):
        part_ctx = ctx if part is None else ctx.with_options(page=part, **({"milestones": False} if slides else {}))
        # ``build_figure`` builds a new figure on every call, so the export decorates that one.
        figure, summary = build_figure(chart_id, part_ctx)
        title, source = title_of(figure) or spec.title, source_of(figure)
        items.append(
            ExportItem(
                chart_id=chart_id,
                title=title,
                summary=summary,
                source=source,
                filters=filters,
                stem=file_stem(spec, ctx.state, part_in_name(spec, ctx, part)),
                size=_size(figure, layout, deck),
                figure=_decorate_in_place(figure, footer_line(filters), bare=deck),
                part=part,
            )
        )
    return items


def _size(figure: go.Figure, layout: str, deck: bool) -> ImageSize:
    """Screen: 1200 px wide at the figure's own height. Slides: 16:9, except that a chart taller
    than a slide (the autonomy matrix, a long heatmap) keeps its height rather than be squeezed
    illegible; the deck scales such a picture down to fit, whole."""
    natural = int(figure.layout.height or SCREEN_HEIGHT_PX)
    if layout == "screen" and not deck:
        return ImageSize(SCREEN_WIDTH_PX, natural, PNG_SCALE)
    fitted = DECK_PICTURE if deck else SLIDE
    return replace(fitted, height=natural) if natural > SLIDE.height else fitted


@dataclass(frozen=True)
class Skipped:
    chart_id: str
    title: str
    reason: str


def exportable(spec: ChartSpec, ctx: ChartContext) -> str | None:
    """Why a chart cannot be exported for this view (a broken table, nothing to show), or None."""
    broken = [ctx.dataset.problems[name].file for name in spec.tables if name in ctx.dataset.problems]
    if broken:
        return f"needs {', '.join(broken)}, which could not be loaded"
    follows = "missions" in spec.tables and any(r in spec.reads for r in ("destinations", "agencies"))
    if follows and ctx.filtered.missions.empty:
        return "no mission matches the filters"
    return None


class PlannedItems:
    """The images of a view, counted at once and built as they are iterated, so that a deck or
    a ZIP draws each image while the next is built. Iterated twice, it builds once."""

    def __init__(self, charts: list[tuple[str, ChartContext]], layout: str, deck: bool, skipped: list[Skipped]):
        self.skipped = skipped
        self._charts, self._layout, self._deck = charts, layout, deck
        self._count = sum(
            len(parts_of(CHARTS_BY_ID[chart_id], _item_context(ctx, layout, deck))) for chart_id, ctx in charts
        )
        self._built: list[ExportItem] = []
        self._next_chart = 0

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[ExportItem]:
        yield from list(self._built)
        while self._next_chart < len(self._charts):
            chart_id, ctx = self._charts[self._next_chart]
            new = chart_items(chart_id, ctx, self._layout, deck=self._deck)
            self._built.extend(new)
            self._next_chart += 1
            yield from new


def plan_items(
    dataset: Dataset,
    state: FilterState,
    chart_ids: Iterable[str] | None = None,
    *,
    layout: str = "screen",
    deck: bool = False,
    today: date | None = None,
) -> PlannedItems:
    """``view_items``, built while iterated: every image of the given charts (default: every
    registered chart) for a view, in registry order; ``.skipped``, the charts left out."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
    wanted = [spec.chart_id for spec in CHARTS] if chart_ids is None else list(chart_ids)
    ctx = ChartContext(dataset, state, today=today or date.today())
    charts: list[tuple[str, ChartContext]] = []
    skipped: list[Skipped] = []
    for chart_id in wanted:
        spec = CHARTS_BY_ID[chart_id]
        reason = exportable(spec, ctx)
        if reason:
            skipped.append(Skipped(chart_id, spec.title, reason))
            continue
        charts.append((chart_id, ctx))
    return PlannedItems(charts, layout, deck, skipped)


def view_items(
    dataset: Dataset,
    state: FilterState,
    chart_ids: Iterable[str] | None = None,
    *,
    layout: str = "screen",
    deck: bool = False,
    today: date | None = None,
) -> tuple[list[ExportItem], list[Skipped]]:
    """Every image of the given charts (default: every registered chart) for a view, in
    registry order, and the charts left out with the reason."""
    plan = plan_items(dataset, state, chart_ids, layout=layout, deck=deck, today=today)
    return list(plan), plan.skipped
