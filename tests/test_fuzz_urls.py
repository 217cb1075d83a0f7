"""Random and hostile links, for every page: never a traceback, never a value dropped without a
notice, never raw HTML from the address bar, and what is kept is a link that opens the same view.

Query strings are built as a browser sends them (known parameter names and random ones, the
app's labels and ids, random unicode, HTML and script, huge values, repeated keys, empty
values, broken percent-encoding) and read with ``urllib.parse.parse_qs`` as Streamlit reads
them. The pure layer (``parse_query_params`` and ``resolve``) gets many examples per page; the
real app under AppTest a bounded sample per page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qs, quote, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from components.data import Dataset
from components.filters import (
    LEGACY_YEAR_PARAMS,
    MAX_PARAM_CHARS,
    MAX_VALUES,
    PARAMS,
    ROOM_PARAMS,
    TRUE_WORDS,
    YEAR_MAX,
    YEAR_MIN,
    FilterState,
    parse_query_params,
    to_query_params,
)
from components.present import parse_sequence
from components.state import ViewChoices, resolve, view_choices
from components.ui import md
from components.vocabulary import ALL

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
EMBED_PARAMS = ("embed", "embed_options")  # Streamlit keeps these from the app (st.query_params)
FALSE_WORDS = ("false", "0", "no", "off", "")

# Each page's own parameters (README, "Links and filters"); the sidebar's are on every page.
PAGE_PARAMS: dict[str, tuple[str, ...]] = {
    "views/home.py": ("pick",),
    "views/pillars.py": ("pillar",),
    "views/destinations.py": ("focus", "dcolour", "compare"),
    "views/cooperation.py": ("cell_mode", "cell_destination", "breakdown"),
    "views/consortium.py": (),
    "views/missions.py": ("colour", "search", "part", "split"),
    "views/agencies.py": ("tab", "profile", "scope", "among", "asof"),
    "views/present.py": ("seq", "step", "present"),
    "views/room.py": ROOM_PARAMS,
    "views/upload.py": (),
    "views/data_sources.py": ("table", "rows", "unverified"),
}
PAGES = sorted(PAGE_PARAMS)
SIDEBAR = ("destination", "agency", "status", "mode", "years")
KNOWN = (*PARAMS, *LEGACY_YEAR_PARAMS, *ROOM_PARAMS)

PURE = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
THROUGH_THE_APP = settings(PURE, max_examples=15)

HOSTILE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "**bold** _it_ `code` # heading",
    "$x^2$ :red[red] :material/home:",
    "&lt;b&gt;entity&lt;/b&gt; &#60;i&#62;",
    "line\nbreak\r\nand\ttab",
    "\x00\x07\x1b[31mred\x1b[0m",
    "\u202eevil\u202c \u200b zero width",
    "Moon<script>",
    "moon,<b>x</b>,small_bodies",
    "../../etc/passwd",
    "' OR 1=1 --",
    "%00%ZZ%",
    "🚀🌕",
    " ",
)
PERCENT_JUNK = ("%", "%%", "%zz", "%E9", "%C3%28", "%00", "%0A", "%FF%FE", "%2", "%%41", "+", "%2B", "%26", "%3D")


def test_every_page_of_the_app_is_fuzzed() -> None:
    registered = set(re.findall(r'st\.Page\(\s*"(views/[a-z_]+\.py)"', APP.read_text(encoding="utf-8")))
    assert registered == set(PAGE_PARAMS)


# ------------------------------------------------------------------ strategies


@pytest.fixture(scope="module")
def choices(dataset: Dataset) -> ViewChoices:
    return view_choices(dataset)


def _good_values(key: str, choices: ViewChoices) -> list[str]:
    """What a real link may carry for ``key``: labels, ids, older forms, odd case."""
    spec = PARAMS.get(key)
    if key in LEGACY_YEAR_PARAMS or (spec and spec.kind in ("years", "year")):
        years = ["1957", "1990", "2015", "2030", "2061", "1956", "2062", "19x8", "-5", "99999", "2.5e3"]
        return [*years, "١٩٩٠", "¹⁹⁹⁰", "²"]  # other digits; superscripts pass str.isdigit, not int()
    if key in ROOM_PARAMS:
        return ["K7M-4QX", "k7m4qx", "ABCDEF", "x" * 13, "x" * (MAX_PARAM_CHARS + 1)]
    if spec is None:
        return ["1", "true", "moon"]
    if spec.vocabulary:
        labels = choices.vocabulary.labels(spec.vocabulary)
        values = [*labels.values(), *labels, *(label.upper() for label in labels.values())]
        values += [v.replace("_", "-") for v in labels]
        if spec.kind == "list":
            ids = list(labels)
            values += [",".join(ids[:3]), ",".join(ids), ", ,".join(ids[:2])]
        return values
    if spec.kind == "flag":
        return [*TRUE_WORDS, *FALSE_WORDS, "TRUE", " yes ", "banana", "2", "truee"]
    if spec.kind == "count":
        return ["1", "2", "40", "999", "1000", "0", "-1", "01", "1.5", " 3 ", "٣", "²", "9" * 30]
    if key == "seq":
        return [
            "tour",
            "TOUR",
            "destination_timeline~focus=moon~agency=esa,jaxa|cooperation_ladder",
            "destination_timeline~focus=atlantis|no_such_chart",
            "cooperation_ladder~years=2030-1990",
            "|".join(["cooperation_ladder"] * 45),
            "~~||~=",
            "destination_timeline~focus=<b>x</b>",
        ]
    return ["huygens", "Hayabusa", "Moon, 1958–1965", "  spaced   out  ", "x" * (spec.max_chars + 1)]


def values_for(key: str, choices: ViewChoices) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(_good_values(key, choices)),
        st.sampled_from(HOSTILE),
        st.text(max_size=24),
        st.integers(MAX_PARAM_CHARS - 2, 6000).map(lambda n: ("é<" * n)[:n]),
    )


def keys(page: str) -> st.SearchStrategy[str]:
    own = PAGE_PARAMS[page]
    return st.one_of(
        *([st.sampled_from(own)] * 3 if own else []),
        st.sampled_from(SIDEBAR),
        st.sampled_from(KNOWN),
        st.sampled_from(("FOCUS", "Destination", " focus", "focus[]", "embed", "embed_options", "", "x" * 600)),
        st.sampled_from(HOSTILE),
        st.text(max_size=12),
    )


def _encode(text: str, how: int) -> str:
    if how == 0:
        return quote_plus(text)
    if how == 1:
        return quote(text, safe="")
    return text  # as typed: & = % + and spaces left in


@st.composite
def query_strings(draw, page: str, choices: ViewChoices) -> str:
    """A raw query string as the browser sends it (without the leading ``?``)."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 7))):
        key = draw(keys(page))
        value = draw(values_for(key, choices))
        how = draw(st.integers(0, 2))
        part = f"{_encode(key, how)}={_encode(value, how)}"
        if draw(st.integers(0, 9)) == 0:
            part += draw(st.sampled_from(PERCENT_JUNK))
        parts.append(part)
        if draw(st.integers(0, 6)) == 0:  # the same key again
            parts.append(f"{quote_plus(key)}={quote_plus(draw(values_for(key, choices)))}")
    if draw(st.integers(0, 8)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(("", "=", "&", "==x", "focus", "%"))))
    return "&".join(parts)


def url_params(query: str) -> dict[str, list[str]]:
    """What the app reads from ``st.query_params`` for this query string."""
    parsed = parse_qs(query, keep_blank_values=True)
    return {k: v for k, v in parsed.items() if k.lower() not in EMBED_PARAMS}


# ------------------------------------------------------------------ oracles


def _fold(text: str) -> str:
    return " ".join(text.split())


def _shows(key: str, value: str, state: FilterState, choices: ViewChoices) -> bool:
    """True when the view ``state`` shows what ``value`` of ``key`` asks for (read independently
    of the parser: a value the view does not show must be named in a notice)."""
    vocabulary = choices.vocabulary
    if key in LEGACY_YEAR_PARAMS:
        return value.strip() == str(state.year_from if key == "from" else state.year_to)
    spec = PARAMS[key]
    if spec.kind == "list":
        tokens = [value] if value in vocabulary.labels(spec.vocabulary).values() else value.split(",")
        shown = getattr(state, spec.field)
        return all(vocabulary.parse(spec.vocabulary, t.strip()) in shown for t in tokens if t.strip())
    if spec.kind == "choice":
        wanted = vocabulary.parse(spec.vocabulary, value.strip())
        shown = getattr(state, spec.field)
        return wanted is not None and (wanted == shown or (wanted == ALL and shown is None))
    if spec.kind == "years":
        return value.strip() in (str(state.year_from), str(state.year_to))
    if spec.kind in ("year", "count"):
        return value.strip() == str(getattr(state, spec.field))
    if spec.kind == "flag":
        word = value.strip().casefold()
        return (word in TRUE_WORDS and getattr(state, spec.field)) or (
            word in FALSE_WORDS and not getattr(state, spec.field)
        )
    if key == "seq":
        cleaned = value.strip()
        return not cleaned or cleaned.casefold() == "tour" or state.seq is not None
    return not _fold(value) or _fold(value) == getattr(state, spec.field)


def _named(key: str, notices: list[str]) -> bool:
    if key in ("years", *LEGACY_YEAR_PARAMS):
        return any(n.startswith((key, "the year range", "years")) for n in notices)
    return any(n.startswith(key) for n in notices)


def _visible(text: str) -> str:
    """The characters one sees, without spaces, line breaks, control or format characters."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "CZ")


def _printable(text: str) -> bool:
    return not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def check_link(params: Mapping[str, list[str]], choices: ViewChoices) -> tuple[FilterState, list[str]]:
    """Every property of one link, in the pure layer; returns the resolved state and the notices."""
    vocabulary = choices.vocabulary
    parsed, notices = parse_query_params(params, vocabulary)
    resolution = resolve(parsed, choices)
    notices = notices + resolution.notices
    state, kept = resolution.state, resolution.kept

    # Named: every parameter the view does not take, every value it does not show.
    for key, values in params.items():
        if key not in KNOWN:
            wanted = _visible(key)[:12]
            assert any(
                (n.startswith("unknown parameter") and wanted and wanted in _visible(n))
                or (n == "a nameless parameter" and not wanted)
                for n in notices
            ), (key, notices)
        elif key in ROOM_PARAMS:  # the Room page's own: the last value, if it is not absurdly long
            for value in values:
                if value != values[-1] or len(value) > MAX_PARAM_CHARS:
                    assert _named(key, notices), (key, value, notices)
        else:
            for value in values:
                if not _shows(key, value, state, choices):
                    assert _named(key, notices), (key, value, notices)

    # Cleanly: short, one line, printable, and inert once escaped for Markdown.
    for notice in notices:
        assert len(notice) <= 220, notice
        assert _printable(notice), repr(notice)
        assert not re.search(r"(?<!\\)[<>]", md(notice)), notice

    # Valid: everything kept is something the views can show.
    for key, spec in PARAMS.items():
        value = getattr(kept, spec.field, None)
        if spec.kind == "list":
            assert len(set(value)) == len(value) <= MAX_VALUES
            assert set(value) <= set(vocabulary.labels(spec.vocabulary)), (key, value)
        elif spec.kind == "choice" and value is not None:
            assert value in (choices.options_for(key, kept) if key in choices.options else {}), (key, value)
        elif spec.kind == "text" and value is not None:
            assert value == _fold(value) and 0 < len(value) <= spec.max_chars, (key, value)
    assert YEAR_MIN <= kept.year_from <= kept.year_to <= YEAR_MAX
    assert kept.as_of is None or YEAR_MIN <= kept.as_of <= choices.latest_year
    assert kept.step is None or 1 <= kept.step <= 999
    if kept.seq is not None:
        assert parse_sequence(kept.seq, vocabulary)[1] == []

    # A link again: what was kept opens the same view, with nothing to say.
    link = to_query_params(kept, vocabulary)
    again, again_notices = parse_query_params(link, vocabulary)
    reresolved = resolve(again, choices)
    assert again_notices == [] and reresolved.notices == [], (link, again_notices, reresolved.notices)
    assert reresolved.kept == kept and reresolved.state == state
    return state, notices


# ------------------------------------------------------------------ the pure layer


@pytest.mark.parametrize("page", PAGES)
def test_random_links_parse_and_resolve(page: str, choices: ViewChoices) -> None:
    @PURE
    @given(query=query_strings(page, choices))
    def run(query: str) -> None:
        check_link(url_params(query), choices)

    run()


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("split=banana", "split 'banana'"),
        ("unverified=2", "unverified '2'"),
        ("present=yes&present=nope", "present 'nope'"),
        ("focus=Moon&focus=Small+bodies", "focus: 2 values"),
        ("step=2&step=3", "step: 2 values"),
        ("search=apollo&search=luna", "search: 2 values"),
        ("years=1990&years=2000&from=1980", "from '1980'"),
        ("from=1980&from=1990", "from: 2 values"),
        ("%3Cscript%3E=1", "unknown parameter '<script>'"),
        ("a%0Ab=1", "unknown parameter 'a b'"),
        ("%E2%80%8B=1", "a nameless parameter"),
        ("room=K7M-4QX&room=ABC-DEF", "room: 2 values"),
        ("key=" + "k" * 401, "key: a value of 401 characters"),
    ],
)
def test_what_a_link_asks_twice_or_cannot_mean_is_named(query: str, named: str, choices: ViewChoices) -> None:
    _, notices = check_link(url_params(query), choices)
    assert any(n.startswith(named) for n in notices), notices


def test_a_flood_of_junk_parameters_is_named_in_one_short_notice(choices: ViewChoices) -> None:
    from components.state import notice_text

    query = "&".join(f"junk{i}=<b>{i}</b>" for i in range(900))
    _, notices = check_link(url_params(query), choices)
    assert len(notices) == 900
    text = notice_text(notices)
    assert text.startswith("Part of this link was ignored: unknown parameter 'junk0'")
    assert "and 890 more" in text and len(text) < 1200
    assert "<b>" not in text


# ------------------------------------------------------------------ through the app


def _texts(at: AppTest) -> list[str]:
    kinds = ("markdown", "caption", "warning", "error", "info", "success", "title", "header", "subheader", "text")
    return [str(element.value) for kind in kinds for element in at.get(kind)]


@pytest.mark.parametrize("page", PAGES)
def test_random_links_through_the_app(page: str, dataset: Dataset) -> None:
    choices = view_choices(dataset)

    @THROUGH_THE_APP
    @given(query=query_strings(page, choices))
    def run(query: str) -> None:
        params = url_params(query)
        _, notices = check_link(params, choices)
        # A pasted link opens a fresh session on its page. (Within a session the bound sidebar
        # widgets own their parameters, and the browser only comes back to a link there with
        # Back, which ``arrive`` has already rewritten once.)
        at = AppTest.from_file(str(APP), default_timeout=120)
        for key, values in params.items():
            at.query_params[key] = values[0] if len(values) == 1 else values
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        texts = _texts(at)
        assert not any("Traceback" in text for text in texts)
        if page != "views/room.py":  # the Room page says so when a room code opens no room
            assert not at.error, [e.value for e in at.error]
        assert at.title or at.header, "the page drew nothing"
        shown = [w.value for w in at.warning if w.value.startswith("Part of this link was ignored")]
        if notices:
            assert len(shown) == 1, (notices, texts)
            assert notices[0].split(" ")[0].rstrip(":") in shown[0].replace("\\", "")
        else:
            assert not shown, shown
        for text in shown:  # what came from the URL is escaped: no tag, no link, no LaTeX
            assert not re.search(r"(?<!\\)[<>\[\]$`*]", text.replace("**", "")), text
        # The address bar now holds a link in canonical form: opened again, it has nothing to say.
        left = {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}
        assert parse_query_params({k: v for k, v in left.items() if k not in ROOM_PARAMS}, choices.vocabulary)[1] == []

    run()


def test_a_flood_of_junk_parameters_opens_the_page_with_one_short_warning() -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    for i in range(900):
        at.query_params[f"junk{i}"] = f"<img src=x onerror=alert({i})>"
    at.query_params["focus"] = "Small bodies"
    at.switch_page("views/destinations.py").run()
    assert not at.exception
    (warning,) = at.warning
    assert warning.value.startswith("Part of this link was ignored: unknown parameter 'junk0'")
    assert "; and 890 more. The rest of the view is shown." in warning.value and len(warning.value) < 1200
    assert at.header[0].value == "Small bodies"  # the rest of the link still holds
    assert dict(at.query_params) == {"focus": "Small bodies"}
