"""The registry of every chart in the app, under stable ids.

Pages render charts from here; image export, slide decks and the presentation mode
enumerate the same registry. Each entry knows its title, which page shows it, which parts
of the ``FilterState`` it follows, how to build its figure from a ``ChartContext`` and how to
say its main finding in one sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property, wraps
from typing import TypeVar

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from components.analysis import (
    autonomy_matrix,
    co_participation,
    heritage,
    members_of,
    partners_of,
    payload_and_platform_contributions,
    recommended_vs_practised,
    single_holders,
    table_7_1,
)
from components.charts import agencies, explore, maps, outcomes, solar, timeline
from components.charts.base import use_house_template
from components.charts.consortium import consortium_capabilities_figure
from components.consortium import Sketch, default_members, sketch, sketch_summary
from components.data import Dataset, load_basemap
from components.filters import FilteredData, FilterState, filter_dataset, narrow
from components.memo import shared
from components.metrics import took_part
from components.state import resolve, view_choices

T = TypeVar("T")
SIDEBAR_FILTERS = ("destinations", "agencies", "statuses", "modes", "years")


@dataclass(frozen=True)
class ChartContext:
    """Everything a chart may read: the data, the filtered missions and the view state."""

    dataset: Dataset
    state: FilterState
    options: Mapping[str, object] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def with_options(self, **options: object) -> ChartContext:
        """The same view with other chart options (a timeline page, a highlight), sharing the
        filtered missions and the inputs already computed."""
        other = replace(self, options={**self.options, **options})
        object.__setattr__(other, "memo", self.memo)
        if "filtered" in self.__dict__:
            other.__dict__["filtered"] = self.__dict__["filtered"]
        return other

    def __post_init__(self) -> None:
        # Charts read the resolved state, so a chart and its page never pick different defaults.
        object.__setattr__(self, "state", resolve(self.state, view_choices(self.dataset, self.today)).state)

    @cached_property
    def filtered(self) -> FilteredData:
        """Computed once per context; every chart of a page run shares it."""
        return filter_dataset(self.dataset, self.state)


def _once(inputs: Callable[[ChartContext], T]) -> Callable[[ChartContext], T]:
    """Inputs shared by a chart's figure and its summary are computed once per context."""

    @wraps(inputs)
    def cached(ctx: ChartContext) -> T:
        if inputs.__name__ not in ctx.memo:
            ctx.memo[inputs.__name__] = inputs(ctx)
        return ctx.memo[inputs.__name__]  # type: ignore[return-value]

    return cached


@dataclass(frozen=True)
class ChartSpec:
    chart_id: str
    title: str
    page: str
    build: Callable[[ChartContext], go.Figure]
    summary: Callable[[ChartContext], str]
    reads: tuple[str, ...]
    tables: tuple[str, ...]
    needs_focus: bool = False
    needs_compare: bool = False
    kind: str = "plotly"  # "plotly" (go.Figure) or "deck" (pydeck map)
    # Long charts export in parts: the titles of the parts for a context (``ctx.options["rows"]``
    # at most per part); the builder draws part ``i`` with ``ctx.with_options(page=i)``.
    pages: Callable[[ChartContext], list[str]] | None = None
    # A chart that kaleido cannot draw (a pydeck map) exports through a Plotly twin of it.
    twin: Callable[[ChartContext], go.Figure] | None = None


def _focus(ctx: ChartContext) -> str:
    """The destination in focus; the state is resolved (``components.state.resolve``) before it gets here."""
    return ctx.state.focus


def _compare(ctx: ChartContext) -> str:
    return ctx.state.compare


def _focus_name(ctx: ChartContext) -> str:
    return str(ctx.dataset.destinations.set_index("destination_id").loc[_focus(ctx), "name"])


@_once
def _focus_missions(ctx: ChartContext):
    """The filtered missions at the destination in focus; the same frame for the same view
    (``narrow`` is remembered), so what is derived from it is computed once."""
    return narrow(ctx.filtered, destinations=(_focus(ctx),)).missions


@_once
def _contributions(ctx: ChartContext):
    f = ctx.filtered
    return payload_and_platform_contributions(f.missions, f.participants, ctx.dataset.agencies)


@_once
def _recommended(ctx: ChartContext):
    """Against all modes: with a mode filter on, every other mode would otherwise show as a gap."""
    d = ctx.dataset
    every_mode = filter_dataset(ctx.dataset, ctx.state.with_changes(modes=()))
    return recommended_vs_practised(d.destination_modes, every_mode.missions, d.destinations)


@_once
def _table_row(ctx: ChartContext) -> pd.Series:
    """The row of Table 7.1 for the destination in focus (reconstructed from §7.5.2)."""
    d = ctx.dataset
    rows = table_7_1(d.destinations, d.destination_benefits, d.destination_modes, d.cooperation_modes)
    return rows[rows["destination_id"] == _focus(ctx)].iloc[0]


@_once
def _heritage(ctx: ChartContext):
    return heritage(ctx.dataset.missions, ctx.dataset.mission_participants, _focus(ctx))


def _profile(ctx: ChartContext) -> str:
    return ctx.state.profile


def _profile_name(ctx: ChartContext) -> str:
    return str(ctx.dataset.agencies.set_index("agency_id").loc[_profile(ctx), "short_name"])


@_once
def _profile_missions(ctx: ChartContext) -> pd.DataFrame:
    """The filtered missions the agency in profile took part in, in any role (``narrow``)."""
    return narrow(ctx.filtered, agencies=(_profile(ctx),)).missions


@_once
def autonomy_view(ctx: ChartContext) -> tuple[pd.DataFrame, dict[str, str], str, list[str]]:
    """The autonomy matrix for the state's scope, year and group, its lone holders, a label and
    the group's members (empty when not reading within a group)."""
    d, state = ctx.dataset, ctx.state
    year = state.as_of
    # Programme rows count here: crew transport is shown by the crew programmes.
    rows = pd.concat([ctx.filtered.missions, ctx.filtered.programmes])
    matrix = autonomy_matrix(rows, d.mission_participants, d.infrastructures, destination_id=state.scope, as_of=year)
    parts = [
        str(d.destinations.set_index("destination_id").loc[state.scope, "name"]) if state.scope else "all destinations",
        f"as of {year}",
    ]
    members: list[str] = []
    if state.among:
        members = sorted(members_of(state.among, d.memberships, year))
        matrix = matrix[matrix["agency_id"].isin(members)]
        parts.append("within " + str(d.groups.set_index("group_id").loc[state.among, "short_name"]))
    return matrix, single_holders(matrix), ", ".join(parts), members


@_once
def _co_participation(ctx: ChartContext) -> pd.DataFrame:
    return co_participation(ctx.filtered.participants)


@_once
def _partners(ctx: ChartContext) -> pd.Series:
    return partners_of(_profile(ctx), ctx.filtered.participants)


def map_legend(ctx: ChartContext) -> maps.MapLegend:
    """The map's legend, sized from the same inputs the map is drawn from."""
    edges, per_agency = _map_inputs(ctx)
    return maps.map_legend(edges, per_agency)


@_once
def _map_inputs(ctx: ChartContext) -> tuple[pd.DataFrame, pd.Series]:
    return _co_participation(ctx), took_part(ctx.filtered.participants)


TIMELINE_PAGE_ROWS = 40  # a page of the timeline reads on one projector screen, full screen too


def _paged(ctx: ChartContext, missions: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """``missions`` in pages of at most ``ctx.options["rows"]`` (default 40) rows, by destination
    then era, with titles (``timeline.timeline_pages``, remembered per frame)."""
    rows = int(ctx.options.get("rows") or TIMELINE_PAGE_ROWS)
    return timeline.timeline_pages(missions, ctx.dataset.destinations, max_rows=rows)


def timeline_pages(ctx: ChartContext) -> list[tuple[str, pd.DataFrame]]:
    """The filtered missions in pages of at most 40 rows, by destination then era, with titles.
    Pages, exports and slides draw page ``i`` with ``ctx.with_options(page=i)``."""
    return _paged(ctx, ctx.filtered.missions)


def _titles(pages: list[tuple[str, pd.DataFrame]]) -> list[str]:
    return [title for title, _ in pages]


def _compact_timeline(ctx: ChartContext, missions: pd.DataFrame, owner: str, title: str, color_by: str) -> go.Figure:
    """A destination's or an agency's timeline, whole or (``page`` option) one part of it
    ("Missions to Moon, 1958–1965"; "ESA: missions to Mars, 2003–2023")."""
    page = ctx.options.get("page")
    if page is not None:
        part_title, missions = _paged(ctx, missions)[int(page)]
        title = f"{owner}: missions to {part_title}" if owner else f"Missions to {part_title}"
    return timeline.mission_timeline(
        missions,
        ctx.dataset.mission_participants,
        ctx.dataset.agencies,
        ctx.dataset.destinations,
        color_by=color_by,
        today=ctx.today,
        compact=True,
        title=title,
        modes=ctx.dataset.cooperation_modes,
        zoom=page is not None,
    )


def _timeline_part(ctx: ChartContext) -> tuple[str, pd.DataFrame, bool]:
    """Title, missions and whether to draw the milestones strip, for the whole timeline or one page."""
    page = ctx.options.get("page")
    if page is None:
        return "Missions from Sputnik to the Horizon 2061 windows", ctx.filtered.missions, True
    title, missions = timeline_pages(ctx)[int(page)]
    return f"Missions to {title}", missions, bool(ctx.options.get("milestones", page == 0))


def _timeline(ctx: ChartContext) -> go.Figure:
    d = ctx.dataset
    title, missions, strip = _timeline_part(ctx)
    names = d.missions.set_index("mission_id")["name"]
    return timeline.mission_timeline(
        missions.assign(carrier_name=missions["carrier_mission_id"].map(names)),
        d.mission_participants,
        d.agencies,
        d.destinations,
        color_by=ctx.state.colour,
        today=ctx.today,
        title=title,
        milestones=d.milestones if strip else None,
        highlight=ctx.options.get("highlight") or set(),
        modes=d.cooperation_modes,
        zoom=ctx.options.get("page") is not None,  # a page of the timeline reads its own years
    )


def _autonomy_figure(ctx: ChartContext) -> go.Figure:
    matrix, single, scope, members = autonomy_view(ctx)
    return agencies.autonomy_chart(matrix, ctx.dataset.agencies, single, scope=scope, include=members)


def _autonomy_summary(ctx: ChartContext) -> str:
    matrix, single, scope, _ = autonomy_view(ctx)
    return agencies.autonomy_summary(matrix, ctx.dataset.agencies, single, scope)


def _breakdown_chart(by: str) -> ChartSpec:
    def build_figure(c: ChartContext) -> go.Figure:
        f = c.filtered
        return explore.mode_breakdown(f.missions, f.participants, c.dataset.agencies, c.dataset.cooperation_modes, by)

    return ChartSpec(
        f"cooperation_by_{by}",
        f"Cooperation modes by {by}",
        "cooperation",
        build_figure,
        lambda c: explore.mode_breakdown_summary(c.filtered.missions, by),
        reads=SIDEBAR_FILTERS,
        tables=("missions", "mission_participants", "agencies", "cooperation_modes"),
    )


@_once
def consortium_view(ctx: ChartContext) -> Sketch:
    """The consortium sketch at the destination in focus, for the agencies of the sidebar filter
    or, if none is chosen, the three with the most missions there; against all modes (see
    ``_recommended``), with the programme rows the autonomy matrix reads."""
    view = filter_dataset(ctx.dataset, ctx.state.with_changes(modes=()))
    members = tuple(ctx.state.agencies) or tuple(default_members(view.missions, view.participants, _focus(ctx)))
    return _consortium(ctx.dataset, view, _focus(ctx), members, ctx.state.as_of)


@shared()
def _consortium(dataset: Dataset, view: FilteredData, destination_id: str, members: tuple, as_of: int | None) -> Sketch:
    """One sketch per dataset, sidebar selection, destination, group and year, shared by the
    chart, the page's tables and every session (``filter_dataset`` gives the same view object)."""
    rows = pd.concat([view.missions, view.programmes])
    return sketch(dataset, destination_id, members, as_of=as_of, missions=rows)


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "pillars_science_matrix",
        "Which key questions each destination serves",
        "pillars",
        lambda c: explore.science_matrix(
            c.dataset.destination_questions, c.dataset.destinations, c.dataset.science_questions
        ),
        lambda c: explore.science_matrix_summary(c.dataset.destination_questions, c.dataset.science_questions),
        reads=(),
        tables=("destination_questions", "destinations", "science_questions"),
    ),
    ChartSpec(
        "pillars_missions_by_status",
        "Missions by destination and status",
        "pillars",
        lambda c: explore.missions_by_status(c.filtered.missions, c.dataset.destinations),
        lambda c: explore.missions_by_status_summary(c.filtered.missions, c.dataset.destinations),
        reads=SIDEBAR_FILTERS,
        tables=("missions", "mission_participants", "destinations"),
    ),
    ChartSpec(
        "pillars_partner_contributions",
        "Partner contributions by decade and kind",
        "pillars",
        lambda c: explore.partner_contributions(_contributions(c)),
        lambda c: explore.partner_contributions_summary(_contributions(c)),
        reads=SIDEBAR_FILTERS,
        tables=("missions", "mission_participants", "agencies"),
    ),
    ChartSpec(
        "pillars_deep_space_antennas",
        "Deep-space ground stations",
        "pillars",
        lambda c: explore.deep_space_antennas(c.dataset.infrastructures),
        lambda c: explore.deep_space_antennas_summary(c.dataset.infrastructures),
        reads=(),
        tables=("infrastructures",),
    ),
    ChartSpec(
        "destination_timeline",
        "A destination's mission timeline",
        "destinations",
        lambda c: _compact_timeline(
            c,
            _focus_missions(c),
            "",  # the part's title names the destination
            f"{_focus_name(c)}: missions from first flight to 2061",
            c.state.timeline_colour,
        ),
        lambda c: timeline.timeline_summary(_focus_missions(c), c.dataset.agencies),
        reads=(*SIDEBAR_FILTERS, "focus", "timeline_colour"),
        tables=("missions", "mission_participants", "agencies", "destinations"),
        needs_focus=True,
        pages=lambda c: _titles(_paged(c, _focus_missions(c))),
    ),
    ChartSpec(
        "destination_heritage",
        "Agencies with heritage at a destination",
        "destinations",
        lambda c: explore.heritage_heatmap(_heritage(c), c.dataset.agencies, _focus_name(c)),
        lambda c: explore.heritage_summary(_heritage(c), c.dataset.agencies),
        reads=("focus",),
        tables=("missions", "mission_participants", "agencies"),
        needs_focus=True,
    ),
    ChartSpec(
        "destination_table_row",
        "A destination's row of Table 7.1",
        "present",
        lambda c: explore.table_row_figure(_table_row(c), c.dataset.cooperation_modes),
        lambda c: explore.table_row_summary(_table_row(c)),
        reads=("focus",),
        tables=("destinations", "destination_benefits", "destination_modes", "cooperation_modes"),
        needs_focus=True,
    ),
    ChartSpec(
        "destination_comparison",
        "Two destinations compared",
        "destinations",
        lambda c: explore.destination_comparison(
            c.filtered.missions, c.dataset.destinations, c.dataset.cooperation_modes, _focus(c), _compare(c)
        ),
        lambda c: explore.destination_comparison_summary(
            c.filtered.missions, c.dataset.destinations, _focus(c), _compare(c)
        ),
        reads=(*SIDEBAR_FILTERS, "focus", "compare"),
        tables=("missions", "mission_participants", "destinations", "cooperation_modes"),
        needs_focus=True,
        needs_compare=True,
    ),
    ChartSpec(
        "cooperation_ladder",
        "The cooperation ladder",
        "cooperation",
        lambda c: explore.mode_ladder(c.filtered.missions, c.dataset.cooperation_modes),
        lambda c: explore.mode_ladder_summary(c.filtered.missions, c.dataset.cooperation_modes),
        reads=SIDEBAR_FILTERS,
        tables=("missions", "mission_participants", "cooperation_modes"),
    ),
    ChartSpec(
        "cooperation_mode_destination",
        "Missions by mode and destination",
        "cooperation",
        lambda c: explore.mode_destination_matrix(
            c.filtered.missions, c.dataset.cooperation_modes, c.dataset.destinations
        ),
        lambda c: explore.mode_destination_summary(
            c.filtered.missions, c.dataset.cooperation_modes, c.dataset.destinations
        ),
        reads=SIDEBAR_FILTERS,
        tables=("missions", "mission_participants", "cooperation_modes", "destinations"),
    ),
    *(_breakdown_chart(by) for by in ("agency", "era", "status")),
    ChartSpec(
        "cooperation_recommended_vs_practised",
        "Recommended vs practised modes",
        "cooperation",
        lambda c: explore.recommended_vs_practised_chart(
            _recommended(c), c.dataset.cooperation_modes, c.dataset.destinations
        ),
        lambda c: explore.recommended_vs_practised_summary(
            _recommended(c), c.dataset.destinations, c.dataset.cooperation_modes
        ),
        reads=("destinations", "agencies", "statuses", "years"),  # never the mode filter: see _recommended
        tables=("missions", "mission_participants", "destination_modes", "destinations", "cooperation_modes"),
    ),
    ChartSpec(
        "home_solar_system",
        "The solar-system picker",
        "home",
        lambda c: solar.solar_system_picker(c.dataset.bodies, c.filtered.missions, c.dataset.destinations),
        lambda c: solar.solar_system_summary(c.dataset.bodies, c.filtered.missions),
        reads=SIDEBAR_FILTERS,
        tables=("bodies", "missions", "mission_participants", "destinations"),
    ),
    ChartSpec(
        "missions_timeline",
        "Mission timeline",
        "missions",
        _timeline,
        lambda c: timeline.timeline_summary(_timeline_part(c)[1], c.dataset.agencies),
        reads=(*SIDEBAR_FILTERS, "colour", "search"),
        tables=("missions", "mission_participants", "agencies", "destinations", "milestones"),
        pages=lambda c: _titles(timeline_pages(c)),
    ),
    ChartSpec(
        "missions_outcomes_by_decade",
        "Success and failure by decade",
        "missions",
        lambda c: outcomes.outcomes_by_decade(c.filtered.missions),
        lambda c: outcomes.outcomes_by_decade_summary(c.filtered.missions),
        reads=SIDEBAR_FILTERS,
        tables=("missions", "mission_participants"),
    ),
    ChartSpec(
        "missions_outcomes_by_agency",
        "Success and failure by lead agency",
        "missions",
        lambda c: outcomes.outcomes_by_agency(c.filtered.missions, c.dataset.agencies),
        lambda c: outcomes.outcomes_by_agency_summary(c.filtered.missions, c.dataset.agencies),
        reads=SIDEBAR_FILTERS,
        tables=("missions", "mission_participants", "agencies"),
    ),
    ChartSpec(
        "agencies_participation",
        "Agency participation by destination",
        "agencies",
        lambda c: agencies.participation_heatmap(
            c.filtered.missions, c.filtered.participants, c.dataset.agencies, c.dataset.destinations
        ),
        lambda c: agencies.participation_summary(c.filtered.missions, c.filtered.participants, c.dataset.agencies),
        reads=SIDEBAR_FILTERS,
        tables=("missions", "mission_participants", "agencies", "destinations"),
    ),
    ChartSpec(
        "agencies_roles",
        "Roles per agency",
        "agencies",
        lambda c: agencies.roles_by_agency(c.filtered.missions, c.filtered.participants, c.dataset.agencies),
        lambda c: agencies.roles_summary(c.filtered.missions, c.filtered.participants),
        reads=SIDEBAR_FILTERS,
        tables=("missions", "mission_participants", "agencies"),
    ),
    ChartSpec(
        "agencies_network",
        "Co-participation network",
        "agencies",
        lambda c: agencies.co_participation_network(
            _co_participation(c), c.filtered.missions, c.filtered.participants, c.dataset.agencies
        ),
        lambda c: agencies.network_summary(_co_participation(c), c.dataset.agencies),
        reads=SIDEBAR_FILTERS,
        tables=("missions", "mission_participants", "agencies"),
    ),
    ChartSpec(
        "agencies_flow",
        "Agency → mode → destination",
        "agencies",
        lambda c: agencies.agency_flow(
            c.filtered.missions, c.dataset.agencies, c.dataset.cooperation_modes, c.dataset.destinations
        ),
        lambda c: agencies.agency_flow_summary(c.filtered.missions, c.dataset.agencies),
        reads=SIDEBAR_FILTERS,
        tables=("missions", "mission_participants", "agencies", "cooperation_modes", "destinations"),
    ),
    ChartSpec(
        "agency_partners",
        "An agency's partners",
        "agencies",
        lambda c: agencies.partners_bar(_partners(c), c.dataset.agencies, _profile_name(c)),
        lambda c: f"{_profile_name(c)} shared missions with {len(_partners(c))} agencies among those shown.",
        reads=(*SIDEBAR_FILTERS, "profile"),
        tables=("missions", "mission_participants", "agencies"),
    ),
    ChartSpec(
        "agency_timeline",
        "An agency's missions",
        "agencies",
        lambda c: _compact_timeline(
            c, _profile_missions(c), _profile_name(c), f"{_profile_name(c)}: missions led or joined", "mode"
        ),
        lambda c: timeline.timeline_summary(_profile_missions(c), c.dataset.agencies),
        reads=(*SIDEBAR_FILTERS, "profile"),
        tables=("missions", "mission_participants", "agencies", "destinations"),
        pages=lambda c: _titles(_paged(c, _profile_missions(c))),
    ),
    ChartSpec(
        "autonomy_matrix",
        "Autonomy for cooperation matrix",
        "agencies",
        _autonomy_figure,
        _autonomy_summary,
        reads=(*SIDEBAR_FILTERS, "scope", "as_of", "among"),
        tables=(
            "missions",
            "mission_participants",
            "agencies",
            "infrastructures",
            "memberships",
            "groups",
            "destinations",
        ),
    ),
    ChartSpec(
        "cooperation_map",
        "Cooperation world map",
        "agencies",
        lambda c: maps.cooperation_map(
            c.dataset.agencies,
            _map_inputs(c)[0],
            c.dataset.infrastructures,
            c.options.get("basemap") or load_basemap(),
            _map_inputs(c)[1],
        ),
        lambda c: maps.map_summary(_map_inputs(c)[0], _map_inputs(c)[1], c.dataset.agencies),
        reads=SIDEBAR_FILTERS,
        tables=("missions", "mission_participants", "agencies", "infrastructures"),
        kind="deck",
        twin=lambda c: maps.cooperation_map_figure(
            c.dataset.agencies,
            _map_inputs(c)[0],
            c.dataset.infrastructures,
            c.options.get("basemap") or load_basemap(),
            _map_inputs(c)[1],
        ),
    ),
    ChartSpec(
        "consortium_capabilities",
        "A consortium's capabilities at a destination",
        "consortium",
        lambda c: consortium_capabilities_figure(consortium_view(c), view_choices(c.dataset, c.today).vocabulary),
        lambda c: sketch_summary(consortium_view(c), view_choices(c.dataset, c.today).vocabulary),
        reads=("destinations", "agencies", "statuses", "years", "focus", "as_of"),  # never modes: see consortium_view
        tables=(
            "missions",
            "mission_participants",
            "agencies",
            "infrastructures",
            "destinations",
            "destination_modes",
            "cooperation_modes",
        ),
        needs_focus=True,
    ),
)

CHARTS_BY_ID: dict[str, ChartSpec] = {chart.chart_id: chart for chart in CHARTS}
# The chart of each pillar, in the pillar's own order (the Four pillars page, the presentation's tour).
PILLAR_CHARTS: dict[str, tuple[str, ...]] = {
    "science": ("pillars_science_matrix",),
    "missions": ("pillars_missions_by_status",),
    "technologies": ("pillars_partner_contributions",),
    "infrastructures": ("pillars_deep_space_antennas",),
}


def charts_for(page: str) -> list[ChartSpec]:
    return [chart for chart in CHARTS if chart.page == page]


def build(chart_id: str, ctx: ChartContext) -> tuple[go.Figure | pdk.Deck, str]:
    """The figure (or map) and its one-sentence summary."""
    spec = CHARTS_BY_ID[chart_id]
    use_house_template()
    return spec.build(ctx), spec.summary(ctx)


def build_figure(chart_id: str, ctx: ChartContext) -> tuple[go.Figure, str]:
    """A Plotly figure for every chart, the map's twin for the map: what image export draws."""
    spec = CHARTS_BY_ID[chart_id]
    if spec.twin is None:
        return build(chart_id, ctx)  # type: ignore[return-value]
    use_house_template()
    return spec.twin(ctx), spec.summary(ctx)


def read_fields(spec: ChartSpec) -> tuple[str, ...]:
    """The ``FilterState`` fields a chart follows; ``years`` is the pair ``year_from``, ``year_to``."""
    return tuple(field for read in spec.reads for field in (("year_from", "year_to") if read == "years" else (read,)))


_KEY_TYPES = (str, int, float, bool, type(None), date)


def cache_key(chart_id: str, ctx: ChartContext) -> tuple | None:
    """Everything a chart's figure and summary depend on, as a hashable key: the dataset
    version, the day, the state fields the chart reads (``ChartSpec.reads``, resolved) and
    its options. Two sessions looking at the same view get the same key, so a built figure
    can be shared (``components.ui``). None when an option cannot be part of a key."""
    options: list[tuple[str, object]] = []
    for name, value in sorted(ctx.options.items()):
        if isinstance(value, set | frozenset | list | tuple):
            value = tuple(sorted(value, key=str))
            if not all(isinstance(v, _KEY_TYPES) for v in value):
                return None
        elif not isinstance(value, _KEY_TYPES):
            return None  # e.g. a basemap passed in by an export
        options.append((name, value))
    state = tuple(getattr(ctx.state, field) for field in read_fields(CHARTS_BY_ID[chart_id]))
    return (chart_id, ctx.dataset.version, ctx.today, state, tuple(options))
