"""Exports in the app: the menu beside each chart and "Download all charts" in the sidebar.

Both draw with one ``Renderer`` shared by every session (``st.cache_resource``): its browser
starts on the first export and stays warm. A chart's menu costs nothing until a format is
clicked: the download buttons hand Streamlit a function that draws the file on click. The
ZIP and the deck are built on a button press with a progress bar, then offered for saving.
Without Chrome or Chromium the menus say what to install; everything else keeps working.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass

import streamlit as st

from components.charts import CHARTS_BY_ID, ChartContext, charts_for
from components.data import Dataset
from components.export import FORMATS, LAYOUTS, MIME_TYPES, ExportUnavailable, Renderer, chart_items, plan_items
from components.export.bundle import bundle_name, deck_bytes, zip_bytes
from components.export.figures import file_stem, filters_in_words, footer_line, part_in_name, parts_of
from components.export.render import INSTALL_HINT
from components.filters import FilterState, describe
from components.state import view_choices
from components.ui import md

LOGGER = logging.getLogger("horizon2061")
BUNDLE_KEY = "h2061_bundle"
FORMAT_LABELS = {"png": "PNG (2×)", "svg": "SVG", "pdf": "PDF"}
FORMAT_ICONS = {"png": ":material/image:", "svg": ":material/polyline:", "pdf": ":material/picture_as_pdf:"}


@st.cache_resource(show_spinner=False)
def image_renderer() -> Renderer:
    """The one browser for image export, shared by every session; started on first use."""
    return Renderer()


@dataclass(frozen=True)
class ExportNames:
    """What a chart's menu saves: ``<stem>.<fmt>``, or a ZIP of the parts of a long chart."""

    stem: str
    parts: int

    def file_name(self, fmt: str) -> str:
        return f"{self.stem}_{self.parts}-parts_{fmt}.zip" if self.parts > 1 else f"{self.stem}.{fmt}"

    def mime(self, fmt: str) -> str:
        return "application/zip" if self.parts > 1 else MIME_TYPES[fmt]


def export_names(chart_id: str, ctx: ChartContext) -> ExportNames:
    """The file names of a chart's exports; the camera button saves ``stem`` too."""
    spec = CHARTS_BY_ID[chart_id]
    parts = parts_of(spec, ctx)
    if len(parts) > 1:
        return ExportNames(file_stem(spec, ctx.state), len(parts))
    return ExportNames(file_stem(spec, ctx.state, part_in_name(spec, ctx, parts[0])), 1)


def export_bytes(chart_id: str, ctx: ChartContext, fmt: str, layout: str, renderer: Renderer) -> bytes:
    """One chart as ``fmt``; a long chart's parts in a ZIP, one file per part."""
    items = chart_items(chart_id, ctx, layout)
    if len(items) == 1:
        return renderer.render(items[0].figure, fmt, items[0].size_for(fmt))
    images = renderer.render_many((item.figure, fmt, item.size_for(fmt)) for item in items)  # drawn at once
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item, image in zip(items, images, strict=True):
            archive.writestr(item.file_name(fmt), image)
    return buffer.getvalue()


@dataclass
class _Failures:
    """The last failed export per session and chart menu, shown in that menu on its next run
    (the button's function runs on a thread of its own, outside the session's state)."""

    by_key: dict[tuple[str, str], str]


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


@st.cache_resource(show_spinner=False)
def _failures() -> _Failures:
    return _Failures({})


def chart_menu(chart_id: str, ctx: ChartContext, key: str, names: ExportNames) -> None:
    """A small "Export" menu: the size (as on screen or for slides) and PNG, SVG, PDF."""
    renderer = image_renderer()
    with st.popover("Export", icon=":material/download:", help="Save this chart as PNG, SVG or PDF"):
        if not renderer.available:
            st.info(INSTALL_HINT, icon=":material/info:")
            return
        failure = _failures().by_key.pop((_session_id(), key), None)
        if failure:
            st.error(f"The last export of this chart failed: {failure}", icon=":material/error:")
        layout = st.segmented_control(
            "Size",
            options=list(LAYOUTS),
            format_func=LAYOUTS.get,
            default="screen",
            key=f"{key}_export_layout",
            help="As on screen: 1200 px wide, the chart's own height. For slides: 16:9, 1280×720.",
        )
        for fmt in FORMATS:
            st.download_button(
                FORMAT_LABELS[fmt],
                data=_deferred(chart_id, ctx, fmt, layout or "screen", image_renderer(), key),
                file_name=names.file_name(fmt),
                mime=names.mime(fmt),
                icon=FORMAT_ICONS[fmt],
                key=f"{key}_export_{fmt}",
                on_click="ignore",
                width="stretch",
            )
        words = filters_in_words(CHARTS_BY_ID[chart_id], ctx.dataset, ctx.state)
        parts = f" {names.parts} parts, one file each, in a ZIP." if names.parts > 1 else ""
        st.caption(f"On the image, under the source: {md(footer_line(words))}.{parts}")


def _deferred(chart_id: str, ctx: ChartContext, fmt: str, layout: str, renderer: Renderer, key: str):
    """The file, drawn when the button is clicked (on a thread of its own, not in the script)."""
    session = _session_id()

    def draw() -> bytes:
        try:
            return export_bytes(chart_id, ctx, fmt, layout, renderer)
        except ExportUnavailable as exc:
            _failures().by_key[(session, key)] = str(exc)
            LOGGER.warning("export of %s as %s failed: %s", chart_id, fmt, exc)
            raise
        except Exception as exc:  # a chart that cannot be drawn must not take the server down
            _failures().by_key[(session, key)] = f"{type(exc).__name__} while drawing the image"
            LOGGER.exception("export of %s as %s failed", chart_id, fmt)
            raise

    return draw


# ---------------------------------------------------------------- the whole view

SCOPES = {"page": "Charts on this page", "app": "Every chart in the app"}
KINDS = {"pptx": "Slide deck (PPTX)", "zip": "Images (ZIP of PNG and SVG)"}


PRESENT_PAGE = "present"


def _scope_charts(scope: str, page: str | None) -> list[str] | None:
    if scope == "app":
        return None
    return [spec.chart_id for spec in charts_for(page or "")]


def _scope_items(scope: str, page: str | None, dataset: Dataset, state: FilterState, deck: bool):
    """The images of a scope: the app's charts, this page's, or on the Present page its sequence
    (each step with its own filters)."""
    if scope == "page" and page == PRESENT_PAGE:
        from components.present import parse_sequence, sequence_items

        return sequence_items(parse_sequence(state.seq, view_choices(dataset).vocabulary)[0], dataset, deck=deck)
    plan = plan_items(dataset, state, _scope_charts(scope, page), deck=deck)  # built as they are drawn
    return plan, plan.skipped


def download_all(dataset: Dataset, state: FilterState, page: str | None, page_title: str) -> None:
    """Sidebar: build every chart of this page (or of the app) as a ZIP or a slide deck."""
    with st.expander("Download all charts", icon=":material/folder_zip:"):
        renderer = image_renderer()
        if not renderer.available:
            st.info(INSTALL_HINT, icon=":material/info:")
            return
        here = page == PRESENT_PAGE or _scope_charts("page", page)
        options = list(SCOPES) if here else ["app"]
        scope = st.radio(
            "Which charts",
            options,
            format_func=lambda s: (
                SCOPES[s]
                if s == "app"
                else "The sequence, step by step"
                if page == PRESENT_PAGE
                else f"{SCOPES[s]} ({page_title})"
            ),
            key="export_scope",
        )
        kind = st.radio("As", list(KINDS), format_func=KINDS.get, key="export_kind")
        scope = scope or options[0]
        label = "All charts" if scope == "app" else "Sequence" if page == PRESENT_PAGE else f"{page_title} page"
        signature = (scope, page, kind, repr(state), dataset.version)
        if scope == "page" and page == PRESENT_PAGE:
            st.caption("Each step with its own filters.")
        else:
            st.caption(f"For {md(describe(state, view_choices(dataset).vocabulary))}.")
        if st.button("Build", icon=":material/build:", key="export_build", width="stretch"):
            st.session_state.pop(BUNDLE_KEY, None)
            bar = st.progress(0.0, text="Preparing the charts…")
            try:
                renderer.start()  # a cold browser starts while the figures are built
                items, skipped = _scope_items(scope, page, dataset, state, kind == "pptx")

                def progress(done: int, total: int, name: str) -> None:
                    bar.progress(min(done / max(total, 1), 1.0), text=f"{done} of {total}: {name}")

                build = deck_bytes if kind == "pptx" else zip_bytes
                data = build(
                    items, renderer, dataset=dataset, state=state, scope=label, skipped=skipped, progress=progress
                )
            except ExportUnavailable as exc:
                bar.empty()
                st.error(str(exc), icon=":material/error:")
                return
            except Exception as exc:
                LOGGER.exception("building the %s failed", kind)
                bar.empty()
                st.error(
                    f"The {KINDS[kind].lower()} could not be built ({type(exc).__name__}).", icon=":material/error:"
                )
                return
            bar.empty()
            name = f"{bundle_name(dataset, state, label)}.{kind}"
            st.session_state[BUNDLE_KEY] = (signature, name, data, len(items), [s.title for s in skipped])
        held = st.session_state.get(BUNDLE_KEY)
        if held and held[0] == signature:
            _, name, data, count, skipped_titles = held
            st.download_button(
                f"Save {name} ({len(data) / 1e6:.1f} MB)",
                data=data,
                file_name=name,
                mime="application/vnd.openxmlformats-officedocument.presentationml.presentation"
                if kind == "pptx"
                else "application/zip",
                icon=":material/download:",
                key="export_save",
                on_click="ignore",
                width="stretch",
            )
            st.caption(f"{count} images." + (f" Left out: {', '.join(skipped_titles)}." if skipped_titles else ""))
