"""Build ``assets/deck_template.pptx``, the 16:9 template every exported slide deck opens.

Run once after changing the house look (``python scripts/build_deck_template.py``); the file
is committed so that exporting needs nothing but python-pptx. The template is python-pptx's
default deck made widescreen, with the house fonts and colours on the title and body styles
of its master, so every layout (the deck uses "Title Slide" and "Title Only") inherits them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.util import Emu, Inches

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from components.charts.base import TEXT_COLOUR  # noqa: E402

OUT = ROOT / "assets" / "deck_template.pptx"
FONT = "Arial"  # present on every machine that opens a deck; close to the charts' sans-serif
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def _style(level, size_pt: int, bold: bool) -> None:
    """Font, size and colour of a master text style level (``a:lvl1pPr``)."""
    rpr = level.find("a:defRPr", NS)
    if rpr is None:
        rpr = etree.SubElement(level, f"{{{NS['a']}}}defRPr")
    rpr.set("sz", str(size_pt * 100))
    rpr.set("b", "1" if bold else "0")
    for child in list(rpr):
        if child.tag in (f"{{{NS['a']}}}solidFill", f"{{{NS['a']}}}latin"):
            rpr.remove(child)
    fill = etree.SubElement(rpr, f"{{{NS['a']}}}solidFill")
    etree.SubElement(fill, f"{{{NS['a']}}}srgbClr", val=TEXT_COLOUR.lstrip("#"))
    etree.SubElement(rpr, f"{{{NS['a']}}}latin", typeface=FONT)


def build() -> Path:
    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12_192_000), Emu(6_858_000)  # 13.333 in × 7.5 in, exactly 16:9
    master = deck.slide_master
    styles = master.element.find("{http://schemas.openxmlformats.org/presentationml/2006/main}txStyles")
    title_style = styles.find("{http://schemas.openxmlformats.org/presentationml/2006/main}titleStyle")
    body_style = styles.find("{http://schemas.openxmlformats.org/presentationml/2006/main}bodyStyle")
    _style(title_style.find("a:lvl1pPr", NS), 30, True)
    _style(body_style.find("a:lvl1pPr", NS), 20, False)
    # The layouts were drawn for 10 in × 7.5 in: stretch their placeholders to the new width.
    ratio = deck.slide_width / Inches(10)
    for layout in [master, *deck.slide_layouts]:
        for shape in layout.placeholders:
            shape.left, shape.width = int(shape.left * ratio), int(shape.width * ratio)
    title_only = deck.slide_layouts[5]
    for shape in title_only.placeholders:
        if shape.placeholder_format.type == PP_PLACEHOLDER.TITLE:  # a band across the top
            shape.left, shape.top = Inches(0.4), Inches(0.25)
            shape.width, shape.height = deck.slide_width - Inches(0.8), Inches(0.85)
    OUT.parent.mkdir(exist_ok=True)
    deck.save(OUT)
    return OUT


if __name__ == "__main__":
    print(build())
