"""The consortium sketch: what a group of agencies brings to one destination, together.

A workshop picks a Table 7.1 destination and a few agencies and asks five questions of them
at once: what they have flown there (per member and together), which capabilities the group
covers and which it lacks, where it would depend on a single member, which of the modes
Table 7.1 recommends there they have practised together, and which missions they have
already shared. Every answer reuses a definition that exists elsewhere, so the sketch never
disagrees with the page it came from:

- heritage is ``analysis.heritage`` (credit follows the element that showed a capability),
  counted over missions as ``metrics`` counts them (no programme rows) that succeeded
  (``metrics.outcomes``: completed or operating);
- capabilities are ``analysis.autonomy_matrix`` (programme rows included, as on the autonomy
  page: crew transport is shown by the crew programmes) and ``analysis.single_holders``;
- modes are ``analysis.recommended_vs_practised``; "practised" means flown or committed
  (``metrics.is_real``), as there;
- taking part and leading are ``metrics.took_part`` and ``metrics.led_by``.

Pure pandas: a dataset and ids in, a frozen ``Sketch`` out; nothing here calls Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from components.analysis import (
    ALONE,
    AUTONOMY_CAPABILITIES,
    AUTONOMY_LABELS,
    HERITAGE_CAPABILITIES,
    NOT_YET,
    WITH_PARTNERS,
    autonomy_matrix,
    heritage,
    recommended_vs_practised,
    single_holders,
)
from components.data import Dataset
from components.metrics import is_programme, is_real, led_by, outcomes, took_part
from components.vocabulary import Vocabulary

# The row of ``Sketch.heritage`` that counts the group as one: a mission shared by two
# members counts once. Agency ids never take this value (they name agencies).
COMBINED = "combined"
HERITAGE_COLUMNS = ("took_part", "led", *HERITAGE_CAPABILITIES)
AUTONOMY_COLUMNS = ("agency_id", "capability", "status", "missions", "elements")
MODE_COLUMNS = ("mode_id", "practised", "together", "practised_together")
TOGETHER_COLUMNS = (
    "mission_id",
    "name",
    "carrier_name",
    "destination_id",
    "launch_year",
    "status",
    "cooperation_mode_id",
    "lead_agency_id",
    "members",
    "at_destination",
)
DEFAULT_MEMBERS = 3
_LEVEL = {NOT_YET: 0, WITH_PARTNERS: 1, ALONE: 2}


@dataclass(frozen=True)
class Sketch:
    """A group of agencies at one destination, in five parts (see the module's docstring).

    - ``heritage``: one row per member, then ``COMBINED``; columns ``HERITAGE_COLUMNS``:
      succeeded missions at the destination taken part in (any role), led, and per heritage
      capability the missions that credit the member (the group, for ``COMBINED``).
    - ``capabilities``: capability (``AUTONOMY_CAPABILITIES``) × member: alone, only with
      partners or not yet; ``coverage`` is the group's best level per capability and
      ``autonomy`` the matrix's rows for the members (with the elements that showed each cell).
    - ``single_holders``: capability → the one member that has it (alone or with partners).
    - ``modes``: the modes Table 7.1 recommends at the destination, ladder order, with the
      missions practising each there (anyone's) and those the group practised together.
    - ``flown_together``: flown or committed missions, any destination, with at least two
      members among the participants; ``members`` lists them ("|"-joined, member order).
    """

    destination_id: str
    members: tuple[str, ...]
    as_of: int | None
    heritage: pd.DataFrame
    capabilities: pd.DataFrame
    coverage: pd.Series
    autonomy: pd.DataFrame
    single_holders: pd.Series
    modes: pd.DataFrame
    flown_together: pd.DataFrame

    @property
    def covered(self) -> tuple[str, ...]:
        """Capabilities some member demonstrated, alone or with partners."""
        return tuple(self.coverage.index[self.coverage != NOT_YET])

    @property
    def covered_alone(self) -> tuple[str, ...]:
        """Capabilities some member demonstrated on a national mission of its own."""
        return tuple(self.coverage.index[self.coverage == ALONE])

    @property
    def lacking(self) -> tuple[str, ...]:
        """Capabilities no member has demonstrated yet: what the group would have to find outside."""
        return tuple(self.coverage.index[self.coverage == NOT_YET])

    @property
    def recommended_practised(self) -> tuple[str, ...]:
        """Recommended modes the group has practised together at the destination."""
        return tuple(self.modes.loc[self.modes["practised_together"], "mode_id"])

    @property
    def together_here(self) -> pd.DataFrame:
        """The missions flown together at the destination itself."""
        return self.flown_together[self.flown_together["at_destination"]]


def _unique(agency_ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(a) for a in agency_ids))


def _as_one(frame: pd.DataFrame, column: str, members: tuple[str, ...]) -> pd.DataFrame:
    """``frame`` with every member renamed ``COMBINED``, so a per-agency count (``heritage``,
    ``took_part``) counts the group as one agency and a shared mission once."""
    return frame.assign(**{column: frame[column].where(~frame[column].isin(members), COMBINED)})


def _counted(missions: pd.DataFrame) -> pd.DataFrame:
    """The mission rows that count as missions (``metrics``: no programme rows)."""
    return missions[~is_programme(missions)]


def default_members(
    missions: pd.DataFrame, participants: pd.DataFrame, destination_id: str, count: int = DEFAULT_MEMBERS
) -> tuple[str, ...]:
    """The ``count`` agencies that took part in the most missions at a destination (any role,
    ``metrics.took_part``; ties by id): the group a sketch shows when nobody picked one."""
    here = _counted(missions)
    here = set(here.loc[here["destination_id"] == destination_id, "mission_id"])
    counts = took_part(participants[participants["mission_id"].isin(here)])
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(agency for agency, _ in ranked[:count])


def _heritage(
    missions: pd.DataFrame, participants: pd.DataFrame, destination_id: str, members: tuple[str, ...]
) -> pd.DataFrame:
    counted = _counted(missions)
    result = outcomes(counted[counted["destination_id"] == destination_id])
    succeeded = counted.loc[result.index[result == "succeeded"]]
    joined = participants[participants["mission_id"].isin(set(succeeded["mission_id"]))]
    rows = {}
    for agency, flown, taking_part in (
        *((m, succeeded, joined) for m in members),
        (COMBINED, _as_one(succeeded, "lead_agency_id", members), _as_one(joined, "agency_id", members)),
    ):
        table = heritage(flown, taking_part, destination_id)
        credited = table.loc[agency] if agency in table.index else pd.Series(0, index=list(HERITAGE_CAPABILITIES))
        rows[agency] = {
            "took_part": int(took_part(taking_part).get(agency, 0)),
            "led": int(led_by(flown).get(agency, 0)),
            **{c: int(credited[c]) for c in HERITAGE_CAPABILITIES},
        }
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(HERITAGE_COLUMNS)).rename_axis("agency_id")


def _flown_together(
    missions: pd.DataFrame,
    participants: pd.DataFrame,
    destination_id: str,
    members: tuple[str, ...],
    names: pd.Series,
) -> pd.DataFrame:
    counted = _counted(missions)
    counted = counted[is_real(counted)]
    ours = participants[
        participants["agency_id"].isin(members) & participants["mission_id"].isin(counted["mission_id"])
    ]
    rank = {m: i for i, m in enumerate(members)}
    who = (
        ours.drop_duplicates(["mission_id", "agency_id"])
        .groupby("mission_id")["agency_id"]
        .agg(lambda agencies: tuple(sorted(agencies, key=rank.__getitem__)))
    )
    shared = who[who.map(len) >= 2]
    if shared.empty:
        return pd.DataFrame(columns=list(TOGETHER_COLUMNS))
    rows = counted[counted["mission_id"].isin(shared.index)]
    carrier = rows["carrier_mission_id"] if "carrier_mission_id" in rows else pd.Series(pd.NA, index=rows.index)
    frame = rows.assign(
        carrier_name=carrier.map(names),
        members=rows["mission_id"].map(shared).map("|".join),
        at_destination=rows["destination_id"] == destination_id,
    )
    frame = frame.sort_values(["launch_year", "name"], na_position="last", kind="stable", ignore_index=True)
    return frame[list(TOGETHER_COLUMNS)]


def _modes(dataset: Dataset, missions: pd.DataFrame, destination_id: str, together: pd.DataFrame) -> pd.DataFrame:
    table = recommended_vs_practised(dataset.destination_modes, _counted(missions), dataset.destinations)
    recommended = table[(table["destination_id"] == destination_id) & table["recommended"]]
    here = together[together["at_destination"]] if len(together) else together
    jointly = here["cooperation_mode_id"].value_counts() if len(here) else pd.Series(dtype=int)
    frame = pd.DataFrame(
        {
            "mode_id": recommended["mode_id"].astype(str),
            "practised": recommended["missions"].astype(int),
            "together": recommended["mode_id"].map(jointly).fillna(0).astype(int),
        }
    )
    frame["practised_together"] = frame["together"] > 0
    return frame.reset_index(drop=True)[list(MODE_COLUMNS)]


def sketch(
    dataset: Dataset,
    destination_id: str,
    agency_ids: Iterable[str],
    *,
    as_of: int | None = None,
    missions: pd.DataFrame | None = None,
    participants: pd.DataFrame | None = None,
) -> Sketch:
    """The consortium sketch of ``agency_ids`` at ``destination_id``.

    ``missions`` and ``participants`` default to the dataset's; a view passes its filtered
    missions with the programme rows it selects (the autonomy matrix needs them) and the whole
    participants table. ``as_of`` is the autonomy matrix's year (crew transport counts while
    a programme is active then); heritage and shared missions read the missions given. An empty
    group, a single agency or one that never flew give empty or zero parts, never an error."""
    members = _unique(agency_ids)
    missions = dataset.missions if missions is None else missions
    participants = dataset.mission_participants if participants is None else participants

    matrix = autonomy_matrix(
        missions, participants, dataset.infrastructures, destination_id=destination_id, as_of=as_of
    )
    ours = matrix[matrix["agency_id"].isin(members)].reset_index(drop=True)[list(AUTONOMY_COLUMNS)]
    statuses = (
        ours.pivot_table(index="capability", columns="agency_id", values="status", aggfunc="first")
        if len(ours)
        else pd.DataFrame()
    )
    capabilities = (
        statuses.reindex(index=list(AUTONOMY_CAPABILITIES), columns=list(members))
        .fillna(NOT_YET)
        .astype(object)
        .rename_axis(index="capability", columns="agency_id")
    )
    best = capabilities.apply(lambda row: max((_LEVEL[v] for v in row), default=0), axis=1)
    coverage = best.map({level: status for status, level in _LEVEL.items()}).astype(object).rename("coverage")
    lone = single_holders(ours) if len(ours) else {}
    singles = pd.Series(
        {c: lone[c] for c in AUTONOMY_CAPABILITIES if c in lone}, dtype=object, name="agency_id"
    ).rename_axis("capability")

    # A carrier's name comes from the whole table: a filter may leave the carrier out, never its name.
    names = dataset.missions.set_index("mission_id")["name"]
    together = _flown_together(missions, participants, destination_id, members, names)
    return Sketch(
        destination_id=destination_id,
        members=members,
        as_of=as_of,
        heritage=_heritage(missions, participants, destination_id, members),
        capabilities=capabilities,
        coverage=coverage,
        autonomy=ours,
        single_holders=singles,
        modes=_modes(dataset, missions, destination_id, together),
        flown_together=together,
    )


# ------------------------------------------------------------------------ in words


def joined_names(names: list[str]) -> str:
    """ "ESA", "ESA and JAXA", "ESA, JAXA and ISRO": how a sentence or a title lists names."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _lower(label: str) -> str:
    """A label inside a sentence: first letter lowered unless the word is an acronym (NASA, ISS)."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]


def capability_label(capability: str) -> str:
    """The one label of a capability (``analysis.AUTONOMY_LABELS``, which names every capability)."""
    return AUTONOMY_LABELS[capability]


def sketch_summary(sketch: Sketch, vocabulary: Vocabulary) -> str:
    """The sketch in two plain sentences, for the chart's caption, a slide's notes and readers
    who cannot see the chart: heritage and capabilities first, then the modes and the missions
    shared. Every name comes from the vocabulary; capabilities are named as on the autonomy page."""
    destination = vocabulary.label("destinations", sketch.destination_id)
    if not sketch.members:
        return f"{destination}: no agency chosen; pick agencies in the sidebar to sketch a consortium."
    names = [vocabulary.label("agencies", m) for m in sketch.members]
    alone = len(names) == 1
    combined = sketch.heritage.loc[COMBINED]
    taking_part = int(combined["took_part"])
    text = f"{destination}: {joined_names(names)}{'' if alone else ' together'} took part in "
    text += _plural(taking_part, "completed or operating mission")
    if taking_part:
        text += f", leading {int(combined['led'])},"

    total, covered, lacking = len(sketch.coverage), sketch.covered, sketch.lacking
    text += f" and {'covers' if alone else 'cover'} "
    if covered:
        text += f"{len(covered)} of {total} capabilities ({len(sketch.covered_alone) or 'none'} alone)"
        if lacking:
            text += ", lacking " + joined_names([_lower(capability_label(c)) for c in lacking])
    else:
        text += f"none of the {total} capabilities yet"
    singles = sketch.single_holders
    if not alone and len(singles):
        listed = "; ".join(
            f"{_lower(capability_label(c))}: {vocabulary.label('agencies', a)}" for c, a in singles.items()
        )
        text += f"; {_plural(len(singles), 'capability', 'capabilities')} "
        text += f"{'rests' if len(singles) == 1 else 'rest'} on one member ({listed})"
    elif not alone and covered:
        text += "; every capability covered is held by at least two members"
    text += "."

    modes, they = sketch.modes, "it" if alone else "they"
    clauses = []
    if len(modes):
        clauses.append(
            "Table 7.1 recommends " + joined_names([_lower(vocabulary.label("modes", m)) for m in modes["mode_id"]])
        )
    if not alone:
        practised = sketch.recommended_practised
        if len(modes) and practised:
            done = joined_names([_lower(vocabulary.label("modes", m)) for m in practised])
            clauses.append(f"{they} have practised {len(practised)} of them together ({done})")
        elif len(modes):
            clauses.append(f"{they} have practised none of them together")
        together = sketch.flown_together
        if len(together):
            here = int(together["at_destination"].sum())
            shared = _plural(len(together), "mission")
            clauses.append(f"{they} share {shared} flown or committed, {here} of them here")
        else:
            clauses.append(f"{they} share no mission yet")
    if clauses:
        sentence = "; ".join(clauses)
        text += " " + sentence[0].upper() + sentence[1:] + "."
    return text


def _plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 mission", "14 completed or operating missions"."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"
