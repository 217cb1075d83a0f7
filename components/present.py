"""Presentation sequences: ordered steps, each a registered chart with its own filters.

A facilitator runs a workshop from a sequence. The ready-made one walks the four pillars,
then each Table 7.1 destination (its row of the table, then its missions), then the modes
recommended against those practised. Their own is built from any registered chart in any
view. A sequence lives in the URL as one parameter (``seq``), so a sequence is a link:

- a ready-made sequence by its id: ``seq=tour``;
- any other as its steps joined by ``|``, each a chart id and the view parameters it
  follows, by id: ``destination_timeline~focus=moon~agency=esa,jaxa~years=1990-2030``.

Steps are read back through ``components.filters.parse_query_params``, so a step's filters
get the same checks and the same notices as a link. Nothing here calls Streamlit: the
Present page, the export command (``--seq``) and the tests share it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from components.charts import CHARTS_BY_ID, PILLAR_CHARTS, ChartContext, read_fields
from components.data import Dataset
from components.filters import (
    PARAMS,
    YEAR_MAX,
    YEAR_MIN,
    FilterState,
    describe,
    parse_query_params,
)
from components.state import view_choices
from components.vocabulary import Vocabulary

MAX_STEPS = 40
STEP_SEPARATOR = "|"
PARAM_SEPARATOR = "~"
CUSTOM = "custom"
# Parameters a step may carry: what charts follow (the sidebar filters and the page choices),
# not free text (search, row filters) nor the presentation's own controls.
STEP_PARAMS = tuple(
    key for key, spec in PARAMS.items() if spec.kind in ("list", "choice", "years", "year", "flag") and spec.cli
)
_ID = re.compile(r"^[a-z0-9_]{1,60}$")
_VALUE = re.compile(r"^[A-Za-z0-9_.,\-]{1,400}$")


@dataclass(frozen=True)
class Step:
    """One screen of a presentation: a chart and the view parameters it is drawn with (ids)."""

    chart_id: str
    params: tuple[tuple[str, str], ...] = ()  # (URL parameter, value by id; lists comma-joined)
    title: str | None = None  # a ready-made step's own heading; else the chart's title

    def code(self) -> str:
        """The step in the URL, canonical: only what its chart follows, in ``STEP_PARAMS`` order."""
        followed = set(read_fields(CHARTS_BY_ID[self.chart_id])) if self.chart_id in CHARTS_BY_ID else set()
        kept = sorted(
            ((k, v) for k, v in self.params if (PARAMS[k].field if k != "years" else "year_from") in followed),
            key=lambda pair: STEP_PARAMS.index(pair[0]),
        )
        return PARAM_SEPARATOR.join([self.chart_id, *(f"{key}={value}" for key, value in kept)])

    def query(self) -> dict[str, list[str]]:
        """The step's parameters in the form ``parse_query_params`` reads."""
        out: dict[str, list[str]] = {}
        for key, value in self.params:
            out[key] = value.split("-", 1) if PARAMS[key].kind == "years" else [value]
        return out


@dataclass(frozen=True)
class Sequence:
    seq_id: str  # a ready-made id, or ``CUSTOM``
    title: str
    steps: tuple[Step, ...]

    def code(self) -> str:
        """What the URL's ``seq`` holds: the ready-made id, or every step."""
        if self.seq_id != CUSTOM:
            return self.seq_id
        return STEP_SEPARATOR.join(step.code() for step in self.steps)

    def __len__(self) -> int:
        return len(self.steps)


# ---------------------------------------------------------------- ready-made


def _tour(vocabulary: Vocabulary) -> tuple[Step, ...]:
    steps: list[Step] = []
    for number, (pillar_id, name) in enumerate(vocabulary.pillars.items(), start=1):
        for chart_id in PILLAR_CHARTS.get(pillar_id, ()):
            steps.append(Step(chart_id, (("pillar", pillar_id),), f"Pillar {number}: {name}"))
    for destination_id in vocabulary.table_destinations:
        name = vocabulary.label("destinations", destination_id)
        steps.append(Step("destination_table_row", (("focus", destination_id),), f"{name}: Table 7.1"))
        steps.append(Step("destination_timeline", (("focus", destination_id),), f"{name}: the missions"))
    steps.append(Step("cooperation_recommended_vs_practised", (), "Recommended against practised modes"))
    return tuple(steps)


READY_MADE: Mapping[str, tuple[str, Callable[[Vocabulary], tuple[Step, ...]]]] = {
    "tour": ("The Horizon 2061 tour: pillars, destinations, modes", _tour),
}
DEFAULT_SEQUENCE = "tour"


def page_sequence(page: str, state: FilterState) -> Sequence | None:
    """A page's charts as a sequence, each as the view shows it (``?present=1`` on that page);
    None for a page without charts (the Room poll has its own presentation mode)."""
    from components.charts import charts_for

    steps = tuple(step_for(spec.chart_id, state) for spec in charts_for(page))
    return Sequence(CUSTOM, "Your sequence", steps[:MAX_STEPS]) if steps else None


def ready_made(seq_id: str, vocabulary: Vocabulary) -> Sequence:
    title, steps = READY_MADE[seq_id]
    return Sequence(seq_id, title, steps(vocabulary))


# ---------------------------------------------------------------- reading and writing


def parse_sequence(code: str | None, vocabulary: Vocabulary) -> tuple[Sequence, list[str]]:
    """The sequence a ``seq`` value names, and a notice for every step or value left out.

    Empty or missing: the ready-made tour. Unknown chart ids, malformed steps and parameters
    a step cannot carry are dropped with a notice; so are values the vocabulary does not know
    (the same notices as a link). A sequence with no usable step falls back to the tour."""
    code = (code or "").strip()
    if not code or code in READY_MADE:
        return ready_made(code or DEFAULT_SEQUENCE, vocabulary), []
    notices: list[str] = []
    steps: list[Step] = []
    for number, raw in enumerate(code.split(STEP_SEPARATOR), start=1):
        raw = raw.strip()
        if not raw:
            continue
        chart_id, *pairs = raw.split(PARAM_SEPARATOR)
        if chart_id not in CHARTS_BY_ID:
            notices.append(f"step {number}: {_shown(chart_id)} is not a chart of the app")
            continue
        params: list[tuple[str, str]] = []
        for pair in pairs:
            key, _, value = pair.partition("=")
            if key not in STEP_PARAMS or not _VALUE.match(value):
                notices.append(f"step {number}: {_shown(pair)} (not a view parameter a step can carry)")
                continue
            params.append((key, value))
        parsed, dropped = parse_query_params(Step(chart_id, tuple(params)).query(), vocabulary)
        notices.extend(f"step {number}: {notice}" for notice in dropped)
        steps.append(step_for(chart_id, parsed))
        if len(steps) == MAX_STEPS:
            if number < len(code.split(STEP_SEPARATOR)):
                notices.append(f"more than {MAX_STEPS} steps: the first {MAX_STEPS} are kept")
            break
    if not steps:
        notices.append("no usable step: showing the ready-made tour")
        return ready_made(DEFAULT_SEQUENCE, vocabulary), notices
    return Sequence(CUSTOM, "Your sequence", tuple(steps)), notices


_CLEANED: dict[tuple[int, str], tuple[Vocabulary, str | None, tuple[str, ...]]] = {}


def cleaned_sequence(code: str, vocabulary: Vocabulary) -> tuple[str | None, tuple[str, ...]]:
    """The canonical ``seq`` of a link (None for the default tour) and what was dropped from it.
    The resolver calls this on every run that has a sequence, so it is remembered."""
    entry = _CLEANED.get((id(vocabulary), code))
    if entry is None or entry[0] is not vocabulary:
        sequence, notices = parse_sequence(code, vocabulary)
        canonical = None if sequence.seq_id == DEFAULT_SEQUENCE else sequence.code()
        if len(_CLEANED) > 512:
            _CLEANED.clear()
        entry = _CLEANED[(id(vocabulary), code)] = (vocabulary, canonical, tuple(notices))
    return entry[1], entry[2]


def _shown(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return f"'{text[: limit - 1]}…'" if len(text) > limit else f"'{text}'"


def step_for(chart_id: str, state: FilterState) -> Step:
    """The step that draws ``chart_id`` as ``state`` shows it, carrying only what the chart
    follows (a chart that ignores the agency filter does not keep it), defaults left out."""
    spec = CHARTS_BY_ID[chart_id]
    followed = set(read_fields(spec))
    params: list[tuple[str, str]] = []
    for key in STEP_PARAMS:
        spec_of = PARAMS[key]
        if (spec_of.field if key != "years" else "year_from") not in followed:
            continue
        value = state.value_of(key)
        if spec_of.kind == "list" and value:
            params.append((key, ",".join(value)))
        elif spec_of.kind == "years" and tuple(value) != (YEAR_MIN, YEAR_MAX):
            params.append((key, f"{value[0]}-{value[1]}"))
        elif (spec_of.kind == "choice" and value) or (spec_of.kind == "year" and value is not None):
            params.append((key, str(value)))
        elif spec_of.kind == "flag" and value:
            params.append((key, "true"))
    return Step(chart_id, tuple(params))


def step_state(step: Step, vocabulary: Vocabulary) -> FilterState:
    """The state a step is drawn with (its own filters, not the sidebar's)."""
    parsed, _ = parse_query_params(step.query(), vocabulary)
    return parsed


def step_context(step: Step, dataset: Dataset, today: date | None = None) -> ChartContext:
    return ChartContext(dataset, step_state(step, view_choices(dataset).vocabulary), today=today or date.today())


def step_filters(step: Step, vocabulary: Vocabulary) -> str:
    """The step's filters in words, as its footer prints them: "Moon · ESA, JAXA · 1990–2030"."""
    state = step_state(step, vocabulary)
    words = describe(state, vocabulary) if state.is_filtered else ""
    extra = []
    for key, label in (("focus", "destinations"), ("profile", "agencies"), ("pillar", "pillars")):
        value = state.value_of(key)
        if value and PARAMS[key].field in read_fields(CHARTS_BY_ID[step.chart_id]):
            extra.append(vocabulary.label(label, value))
    return " · ".join(part for part in (*extra, words) if part) or "All missions"


def step_heading(step: Step, vocabulary: Vocabulary) -> str:
    if step.title:
        return step.title
    spec = CHARTS_BY_ID[step.chart_id]
    return f"{spec.title} · {step_filters(step, vocabulary)}"


# ---------------------------------------------------------------- editing (pure)


def as_custom(sequence: Sequence) -> Sequence:
    """A ready-made sequence turned into one the facilitator can edit (same steps, same order)."""
    steps = tuple(replace(step, title=None) for step in sequence.steps)
    return Sequence(CUSTOM, "Your sequence", steps)


def with_step(sequence: Sequence, step: Step) -> Sequence:
    steps = (*as_custom(sequence).steps, step)[:MAX_STEPS]
    return Sequence(CUSTOM, "Your sequence", steps)


def moved(sequence: Sequence, index: int, offset: int) -> Sequence:
    steps = list(as_custom(sequence).steps)
    target = index + offset
    if 0 <= index < len(steps) and 0 <= target < len(steps):
        steps[index], steps[target] = steps[target], steps[index]
    return Sequence(CUSTOM, "Your sequence", tuple(steps))


def without(sequence: Sequence, index: int) -> Sequence:
    steps = [step for i, step in enumerate(as_custom(sequence).steps) if i != index]
    return Sequence(CUSTOM, "Your sequence", tuple(steps))


def clamp_step(step: int | None, sequence: Sequence) -> int:
    """The 1-based step to show: the asked one, within the sequence."""
    return min(max(step or 1, 1), max(len(sequence), 1))


def step_params(sequence: Sequence, step: int) -> dict[str, str]:
    """The URL parameters that open a sequence at a step in presentation mode."""
    return {"present": "true", "seq": sequence.code(), "step": str(clamp_step(step, sequence))}


# ---------------------------------------------------------------- export


def sequence_items(
    sequence: Sequence, dataset: Dataset, *, layout: str = "slides", deck: bool = True, today: date | None = None
):
    """The images of a sequence, step by step, for a slide deck, a ZIP or files
    (``components.export``): each step drawn with its own filters, a long timeline in parts as
    in any export. File names start with the step's number, so they sort in order and two
    steps showing the same chart never share a name."""
    from components.export.figures import Skipped, chart_items, exportable

    items, skipped = [], []
    for number, step in enumerate(sequence.steps, start=1):
        ctx = step_context(step, dataset, today)
        spec = CHARTS_BY_ID[step.chart_id]
        reason = exportable(spec, ctx)
        if reason:
            heading = step_heading(step, view_choices(dataset).vocabulary)
            skipped.append(Skipped(step.chart_id, f"step {number}: {heading}", reason))
            continue
        for item in chart_items(step.chart_id, ctx, layout, deck=deck):
            title = step.title if step.title and item.part is None else item.title
            items.append(replace(item, title=title, stem=f"{number:02d}_{item.stem}"))
    return items, skipped
