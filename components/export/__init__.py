"""Image export, slide decks and the headless export command.

``figures`` decides what an export holds (the registered charts for a view, long timelines
in parts, the map through its Plotly twin), ``render`` draws it with kaleido on one
long-lived Chromium, ``bundle`` packs it as a ZIP or a PPTX deck, and ``__main__`` is the
command line: ``python -m components.export --help``. Nothing here needs a Streamlit session.
"""

from components.export.figures import LAYOUTS, ExportItem, PlannedItems, Skipped, chart_items, plan_items, view_items
from components.export.render import FORMATS, MIME_TYPES, ExportUnavailable, ImageSize, Pending, Renderer, find_browser

__all__ = [
    "FORMATS",
    "LAYOUTS",
    "MIME_TYPES",
    "ExportItem",
    "ExportUnavailable",
    "ImageSize",
    "Pending",
    "PlannedItems",
    "Renderer",
    "Skipped",
    "chart_items",
    "find_browser",
    "plan_items",
    "view_items",
]
