"""Colours shared by every page and chart, safe for colour-blind readers.

Okabe & Ito's eight colours carry the main categories; Paul Tol's "muted" scheme extends
them. An agency keeps one colour everywhere: the main agencies have fixed colours, every
other agency gets one from a stable hash of its id, so adding rows never reshuffles them.
"""

from __future__ import annotations

import hashlib

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
TOL_MUTED = (
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
)
NEUTRAL = "#8C8C8C"

# The page's own colours (``.streamlit/config.toml``) and the muted grey of captions, which
# replaces Streamlit's 60 % opacity: that gave 4.4:1 on white and less on the sidebar's grey.
TEXT_COLOUR = "#1B1F24"
PAGE_BACKGROUND = "#FFFFFF"
PANEL_BACKGROUND = "#F2F5F8"
CAPTION_COLOUR = "#5C636A"

DESTINATION_COLOURS = {
    "moon": "#8C8C8C",
    "terrestrial_planets": "#D55E00",
    "giant_planets": "#E69F00",
    "small_bodies": "#009E73",
    "heliopause_ism": "#0072B2",
    "exoplanets": "#CC79A7",
    "near_earth_space": "#56B4E9",
    "sun": "#F0E442",
}

AGENCY_COLOURS = {
    "nasa": "#0072B2",
    "esa": "#E69F00",
    "cnsa": "#D55E00",
    "roscosmos": "#882255",
    "ussr": "#CC6677",
    "jaxa": "#009E73",
    "isas": "#44AA99",
    "nasda": "#117733",
    "isro": "#F0E442",
    "cnes": "#56B4E9",
    "dlr": "#000000",
    "asi": "#999933",
    "csa": "#CC79A7",
    "uksa": "#332288",
    "kari": "#DDCC77",
    "mbrsc": "#AA4499",
}

# Colour is never the only carrier of a status: bars also carry a fill pattern of their own
# (solid, dots, cross-hatch…), shown in the legend. Notional windows keep the diagonal hatch
# they have in every colouring.
STATUS_PATTERNS = {
    "completed": "",
    "operating": ".",
    "failed": "x",
    "in development": "+",
    "planned": "|",
    "notional": "/",
    "cancelled": "-",
}

STATUS_COLOURS = {
    "completed": "#0072B2",
    "operating": "#009E73",
    "failed": "#D55E00",
    "in development": "#E69F00",
    "planned": "#F0E442",
    "notional": "#CC79A7",
    "cancelled": "#8C8C8C",
}


def agency_colour(agency_id: str) -> str:
    """The one colour of an agency, in every chart."""
    if agency_id in AGENCY_COLOURS:
        return AGENCY_COLOURS[agency_id]
    digest = hashlib.sha1(agency_id.encode("utf-8")).digest()
    palette = TOL_MUTED + OKABE_ITO[:6]
    return palette[digest[0] % len(palette)]


def distinct_agency_colours(agency_ids: list[str]) -> dict[str, str]:
    """Colours for agencies drawn side by side, none shared: the main agencies keep their fixed
    colour; another agency keeps its hashed colour unless an agency already shown has it, and
    then takes the first free one (in the order given, so the busiest come first)."""
    palette = TOL_MUTED + OKABE_ITO[:6]
    chosen: dict[str, str] = {a: AGENCY_COLOURS[a] for a in agency_ids if a in AGENCY_COLOURS}
    for agency_id in agency_ids:
        if agency_id in chosen:
            continue
        taken = set(chosen.values())
        colour = agency_colour(agency_id)
        if colour in taken:
            colour = next((c for c in palette if c not in taken), colour)
        chosen[agency_id] = colour
    return chosen


def destination_colour(destination_id: str) -> str:
    return DESTINATION_COLOURS.get(destination_id, NEUTRAL)


STATUS_GROUP_COLOURS = {
    "Past": "#0072B2",
    "Operating": "#009E73",
    "Planned": "#E69F00",
    "Notional": "#CC79A7",
    "Cancelled": "#8C8C8C",
}
STATUS_GROUP_PATTERNS = {
    "Past": "",
    "Operating": ".",
    "Planned": "|",
    "Notional": "/",
    "Cancelled": "-",
}
MODE_COLOURS = {
    "national": "#BFC5CC",
    "instrument_delivery": "#C6DBEF",
    "infrastructure_support": "#9ECAE1",
    "multi_platform": "#6BAED6",
    "integrated_mission": "#3182BD",
    "working_group": "#E69F00",
    "multi_mission_programme": "#08519C",
}
CATEGORY_COLOURS = {
    "recommended and practised": "#009E73",
    "recommended, not yet practised": "#D55E00",
    "practised, not recommended": "#56B4E9",
    "neither": "#F2F5F8",
}


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#RRGGBB`` colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#RRGGBB`` colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def ink_on(fill: str) -> str:
    """White or the text colour, whichever stands out more on ``fill``: for text and fill
    patterns drawn over a coloured mark (white lines vanish on yellow)."""
    return max(("#FFFFFF", TEXT_COLOUR), key=lambda ink: contrast_ratio(ink, fill))
