"""Derived tables that several charts and pages share. Pure pandas: frames in, frames out."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from components.memo import shared
from components.schema import CAPABILITIES, MODE_IDS

# Missions that exist or are committed; notional Horizon 2061 concepts have no partners yet.
REAL_STATUSES = ("completed", "operating", "failed", "in development", "planned")

# Statuses grouped the way a reader asks about a destination's missions.
STATUS_GROUPS = {
    "completed": "Past",
    "failed": "Past",
    "cancelled": "Cancelled",
    "operating": "Operating",
    "in development": "Planned",
    "planned": "Planned",
    "notional": "Notional",
}
STATUS_GROUP_ORDER = ("Past", "Operating", "Planned", "Notional", "Cancelled")

# The capabilities a reader recognises as "heritage" at a destination, in order of difficulty.
HERITAGE_CAPABILITIES = ("flyby", "orbit", "landing", "roving", "sample_return")
CAPABILITY_LABELS = {
    "flyby": "Flyby",
    "orbit": "Orbit",
    "landing": "Landing",
    "roving": "Roving",
    "sample_return": "Sample return",
    "impact": "Impact",
    "atmospheric_probe": "Atmospheric probe",
    "crew": "Crew",
    "observatory": "Observatory",
    "relay": "Relay",
}
assert set(CAPABILITY_LABELS) == set(CAPABILITIES)


def status_group(status: pd.Series) -> pd.Series:
    return status.map(STATUS_GROUPS)


def decade(years: pd.Series) -> pd.Series:
    """'1960s', '1970s', … for a year column (missing stays missing)."""
    return years.map(lambda y: f"{int(y) // 10 * 10}s" if pd.notna(y) else pd.NA)


def foreign_contributions(missions: pd.DataFrame, participants: pd.DataFrame, agencies: pd.DataFrame) -> pd.DataFrame:
    """Participant rows from a country other than the lead's: the raw material of cooperation."""
    countries = agencies.set_index("agency_id")["country"]
    lead_country = missions.set_index("mission_id")["lead_agency_id"].map(countries)
    rows = participants[participants["role"] != "lead"].copy()
    rows["country"] = rows["agency_id"].map(countries)
    rows["lead_country"] = rows["mission_id"].map(lead_country)
    rows = rows[rows["country"] != rows["lead_country"]]
    return rows.merge(missions[["mission_id", "launch_year", "destination_id"]], on="mission_id", how="left")


CREDIT_COLUMNS = ["mission_id", "agency_id", "capability", "element"]
# A contribution reads "Huygens Titan probe (developed under ESTEC management)" or "Philae lander:
# consortium lead …": the element's name is the text before the first bracket, colon, semicolon or comma.
_ELEMENT_END = re.compile(r"\s*[(:;,]")


def element_name(contribution: object) -> str:
    """The element a contribution names, without the details that follow it."""
    text = "" if pd.isna(contribution) else str(contribution).strip()
    return _ELEMENT_END.split(text, maxsplit=1)[0].strip() or text


def _mission_names(missions: pd.DataFrame) -> pd.Series:
    """Mission id → display name (the id itself where a frame has no names); a carried craft
    names its carrier too: "Philae on Rosetta"."""
    by_mission = missions.set_index("mission_id")
    if "name" not in by_mission:
        return by_mission.index.to_series()
    names = by_mission["name"].astype(object)
    if "carrier_mission_id" in by_mission:
        carrier = by_mission["carrier_mission_id"].map(names)
        names = names.where(carrier.isna(), names + " on " + carrier.astype(str))
    return names


def _lead_of(missions: pd.DataFrame, participants: pd.DataFrame) -> pd.Series:
    """Mission id → lead agency: ``lead_agency_id`` where the frame has it, else the ``lead`` row."""
    leads = participants[participants["role"] == "lead"].drop_duplicates("mission_id")
    by_mission = missions.set_index("mission_id")
    from_rows = by_mission.index.to_series().map(leads.set_index("mission_id")["agency_id"])
    if "lead_agency_id" not in by_mission:
        return from_rows
    return by_mission["lead_agency_id"].astype(object).fillna(from_rows)


@shared()
def capability_credits(missions: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """Who is credited with each capability a mission lists: one row per (mission, agency, capability).

    A participant whose ``capabilities`` cell names a capability built the element that showed it
    (ESA's Huygens probe landed on Titan, the DLR-led Philae on a comet), so it gets the credit; a
    capability no participant claims goes to the mission's lead. A lead shares a capability with a
    partner only by claiming it on its own row (JAXA's MINERVA-II1 rovers landed on Ryugu, and so
    did the DLR–CNES MASCOT lander). ``element`` says what showed it: the element a partner's
    ``contribution`` names ("Huygens Titan probe"), or the mission's name for the lead. Every
    capability the missions list is covered, whatever their status; callers pick the missions that count.
    """
    listed = missions.loc[missions["capabilities"].notna(), ["mission_id", "capabilities"]]
    listed = (
        listed.assign(capability=listed["capabilities"].str.split("|"))
        .explode("capability")[["mission_id", "capability"]]
        .drop_duplicates()
    )
    parts = []
    if "capabilities" in participants:
        claimed = participants[participants["capabilities"].notna()]
        described = claimed["contribution"] if "contribution" in claimed else claimed["role"]
        # A lead's own claim is the mission's spacecraft; a partner's is the element it provided.
        element = described.map(element_name).where(
            claimed["role"] != "lead", claimed["mission_id"].map(_mission_names(missions))
        )
        claims = (
            claimed.assign(capability=claimed["capabilities"].str.split("|"), element=element)
            .explode("capability")[CREDIT_COLUMNS]
            .merge(listed, on=["mission_id", "capability"])  # the loader guarantees this; a hand-made frame may not
        )
        parts.append(claims)
        is_claimed = listed.set_index(["mission_id", "capability"]).index.isin(
            claims.set_index(["mission_id", "capability"]).index
        )
        listed = listed[~is_claimed]
    parts.append(
        listed.assign(
            agency_id=listed["mission_id"].map(_lead_of(missions, participants)),
            element=listed["mission_id"].map(_mission_names(missions)),
        ).dropna(subset=["agency_id"])[CREDIT_COLUMNS]
    )
    parts = [part for part in parts if not part.empty]
    if not parts:
        return pd.DataFrame(columns=CREDIT_COLUMNS)
    credits = pd.concat(parts, ignore_index=True)
    return credits.drop_duplicates(["mission_id", "agency_id", "capability"], ignore_index=True)


def _flown(missions: pd.DataFrame, destination_id: str | None) -> pd.DataFrame:
    """Completed or operating missions with something demonstrated, optionally at one destination."""
    flown = missions[missions["status"].isin(("completed", "operating")) & missions["capabilities"].notna()]
    if destination_id is not None:
        flown = flown[flown["destination_id"] == destination_id]
    return flown


@shared()
def heritage(missions: pd.DataFrame, participants: pd.DataFrame, destination_id: str | None = None) -> pd.DataFrame:
    """Agency × capability: how many completed or operating missions gave the agency credit for each
    capability (see ``capability_credits``). One row per agency, columns in ``HERITAGE_CAPABILITIES``.

    Credit follows the element that showed the capability, not the mission: an agency that only
    carried instruments or rode along has shown nothing itself (a cubesat riding on a sample-return
    mission has not returned samples)."""
    credits = capability_credits(_flown(missions, destination_id), participants)
    credits = credits[credits["capability"].isin(HERITAGE_CAPABILITIES)]
    if credits.empty:
        return pd.DataFrame(columns=list(HERITAGE_CAPABILITIES)).rename_axis("agency_id")
    table = pd.crosstab(credits["agency_id"], credits["capability"])
    table = table.reindex(columns=list(HERITAGE_CAPABILITIES), fill_value=0)
    order = table.gt(0).sum(axis=1).mul(1000).add(table.sum(axis=1)).sort_values(ascending=False).index
    return table.loc[order]


def mode_counts(missions: pd.DataFrame) -> pd.Series:
    """Missions per cooperation mode (national included), in ladder order."""
    return missions["cooperation_mode_id"].value_counts().reindex(["national", *MODE_IDS], fill_value=0)


def recommended_vs_practised(
    destination_modes: pd.DataFrame, missions: pd.DataFrame, destinations: pd.DataFrame
) -> pd.DataFrame:
    """Destination × mode: recommended by Table 7.1 (reconstructed), practised by real missions.

    ``category`` is one of: "recommended and practised", "recommended, not yet practised"
    (the gap a workshop argues about), "practised, not recommended", "neither".
    """
    table_destinations = destinations[destinations["in_table_7_1"]].sort_values("display_order")["destination_id"]
    real = missions[missions["status"].isin(REAL_STATUSES)]
    practised = real.groupby(["destination_id", "cooperation_mode_id"]).size()
    recommended = set(zip(destination_modes["destination_id"], destination_modes["mode_id"], strict=True))
    rows = []
    for destination in table_destinations:
        for mode in MODE_IDS:
            count = int(practised.get((destination, mode), 0))
            is_recommended = (destination, mode) in recommended
            if is_recommended and count:
                category = "recommended and practised"
            elif is_recommended:
                category = "recommended, not yet practised"
            elif count:
                category = "practised, not recommended"
            else:
                category = "neither"
            rows.append(
                {
                    "destination_id": destination,
                    "mode_id": mode,
                    "recommended": is_recommended,
                    "missions": count,
                    "category": category,
                }
            )
    return pd.DataFrame(rows)


def payload_and_platform_contributions(
    missions: pd.DataFrame, participants: pd.DataFrame, agencies: pd.DataFrame
) -> pd.DataFrame:
    """Foreign contributions per decade and kind (payloads; platforms and launchers; support)."""
    rows = foreign_contributions(missions, participants, agencies)
    kind = rows["role"].map(
        {
            "instrument": "Payloads",
            "element": "Platforms and launchers",
            "launch": "Platforms and launchers",
            "infrastructure": "Ground and infrastructure support",
            "exchange": "Sample and data exchange",
        }
    )
    frame = pd.DataFrame({"decade": decade(rows["launch_year"]), "kind": kind}).dropna()
    return frame.groupby(["decade", "kind"]).size().rename("contributions").reset_index()


@shared()
def partner_missions(missions: pd.DataFrame, participants: pd.DataFrame, destination_id: str) -> pd.Series:
    """Per agency, the missions at a destination it joined in a role other than lead."""
    here = set(missions.loc[missions["destination_id"] == destination_id, "mission_id"])
    joined = participants[(participants["role"] != "lead") & participants["mission_id"].isin(here)]
    return joined.drop_duplicates(["agency_id", "mission_id"])["agency_id"].value_counts()


@shared()
def table_7_1(
    destinations: pd.DataFrame,
    benefits: pd.DataFrame,
    destination_modes: pd.DataFrame,
    modes: pd.DataFrame,
    only_modes: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Table 7.1 as rows: destination · benefits · recommended modes (reconstructed from §7.5.2).

    With ``only_modes``, keep the destinations for which one of those modes is recommended.
    """
    mode_names = modes.set_index("mode_id")["name"]
    rank = modes.set_index("mode_id")["rank"]
    rows = []
    for destination in destinations[destinations["in_table_7_1"]].sort_values("display_order").itertuples():
        recommended = destination_modes[destination_modes["destination_id"] == destination.destination_id]
        recommended = recommended.assign(rank=recommended["mode_id"].map(rank)).sort_values("rank")
        if only_modes and not set(recommended["mode_id"]) & set(only_modes):
            continue
        rows.append(
            {
                "destination_id": destination.destination_id,
                "destination": destination.name,
                "benefits": list(benefits.loc[benefits["destination_id"] == destination.destination_id, "benefit"]),
                "recommended_modes": [mode_names[m] for m in recommended["mode_id"]],
                "paragraph": destination.table_paragraph,
            }
        )
    return pd.DataFrame(rows, columns=["destination_id", "destination", "benefits", "recommended_modes", "paragraph"])


# ------------------------------------------------------------------ agencies and autonomy

AUTONOMY_CAPABILITIES = ("flyby", "orbit", "landing", "roving", "sample_return", "crew", "deep_space_tracking")
AUTONOMY_LABELS = {**CAPABILITY_LABELS, "crew": "Crew transport", "deep_space_tracking": "Deep-space tracking"}
ALONE, WITH_PARTNERS, NOT_YET = "alone", "only with partners", "not yet"
# Crew transport is a service that lapses when a programme ends; the others, once shown, stay shown.
LAPSING_CAPABILITIES = ("crew",)


def _shown_by(element: object, mission: object, year: object) -> str:
    """'Huygens Titan probe (Cassini–Huygens, 1997)', or 'Apollo 11 (1969)' when the mission itself showed it."""
    when = "" if pd.isna(year) else str(int(year))
    if pd.isna(element) or element == mission:
        return f"{mission} ({when})" if when else str(mission)
    return f"{element} ({mission}, {when})" if when else f"{element} ({mission})"


def _joined_labels(frame: pd.DataFrame) -> str:
    """Every credited element of a group, oldest mission first, for hover text."""
    ordered = frame.sort_values(["launch_year", "mission_name"], na_position="last")
    labels = [
        _shown_by(e, m, y)
        for e, m, y in zip(ordered["element"], ordered["mission_name"], ordered["launch_year"], strict=True)
    ]
    return "; ".join(dict.fromkeys(labels))


def autonomy_matrix(
    missions: pd.DataFrame,
    participants: pd.DataFrame,
    infrastructures: pd.DataFrame,
    *,
    destination_id: str | None = None,
    as_of: int | None = None,
) -> pd.DataFrame:
    """Agency × capability: demonstrated alone, only with partners, or not yet.

    A capability is demonstrated by a completed or operating mission that credits the agency with
    it (``capability_credits``: the lead, or the partner whose element showed it). It is "alone" if
    at least one such mission was national, "only with partners" if every one had foreign partners,
    whether the agency led the mission or provided the element. Crew transport counts only while a
    programme is active in ``as_of``. Deep-space tracking is "alone" for agencies operating their
    own deep-space stations and "only with partners" for agencies whose missions relied on another
    agency's stations. Returns a long frame: agency_id, capability, status, missions, and
    ``elements``, the text naming what showed it ("Huygens Titan probe (Cassini–Huygens, 1997)").
    """
    flown = _flown(missions, destination_id)
    if as_of is not None:
        flown = flown[flown["launch_year"] <= as_of]
    credits = capability_credits(flown, participants)
    credits = credits[credits["capability"].isin(AUTONOMY_CAPABILITIES)]
    details = flown.set_index("mission_id")
    rows = credits.assign(
        mission_type=credits["mission_id"].map(details["mission_type"]),
        end_year=credits["mission_id"].map(details["end_year"]),
        launch_year=credits["mission_id"].map(details["launch_year"]),
        mission_name=credits["mission_id"].map(_mission_names(flown)),
        national=credits["mission_id"].map(details["cooperation_mode_id"]) == "national",
    )
    # A crewed station is not a crew vehicle: crew transport comes from the missions that fly crews.
    rows = rows[~((rows["capability"] == "crew") & (rows["mission_type"] == "station"))]
    if as_of is not None:
        ended = rows["end_year"].notna() & (rows["end_year"] < as_of)
        rows = rows[~(rows["capability"].isin(LAPSING_CAPABILITIES) & ended)]
    # One pass over the credits, oldest mission first: each cell's status, missions and the
    # elements that showed it, for hover text.
    ordered = rows.sort_values(["launch_year", "mission_name"], na_position="last", kind="stable")
    cells: dict[tuple[str, str], tuple[list[bool], set[str], dict[str, None]]] = {}
    for agency, capability, mission_id, national, element, name, year in zip(
        ordered["agency_id"],
        ordered["capability"],
        ordered["mission_id"],
        ordered["national"],
        ordered["element"],
        ordered["mission_name"],
        ordered["launch_year"],
        strict=True,
    ):
        alone, flown_on, labels = cells.setdefault((agency, capability), ([False], set(), {}))
        alone[0] = alone[0] or (bool(national) if pd.notna(national) else False)
        flown_on.add(mission_id)
        labels[_shown_by(element, name, year)] = None
    records = [
        {
            "agency_id": agency,
            "capability": capability,
            "status": ALONE if alone[0] else WITH_PARTNERS,
            "missions": len(flown_on),
            "elements": "; ".join(labels),
        }
        for (agency, capability), (alone, flown_on, labels) in sorted(cells.items())
    ]

    stations = infrastructures[infrastructures["kind"] == "ground station"]
    if as_of is not None:
        stations = stations[stations["established"].isna() | (stations["established"] <= as_of)]
    for agency, own in stations.groupby("operator_agency_id"):
        records.append(
            {
                "agency_id": agency,
                "capability": "deep_space_tracking",
                "status": ALONE,
                "missions": len(own),
                "elements": "; ".join(own["name"].astype(str)) if "name" in own else "",
            }
        )
    own_network = set(stations["operator_agency_id"])
    supported = participants[participants["role"] == "infrastructure"].merge(
        missions[["mission_id", "lead_agency_id", "destination_id", "launch_year"]], on="mission_id"
    )
    if destination_id is not None:
        supported = supported[supported["destination_id"] == destination_id]
    if as_of is not None:
        supported = supported[supported["launch_year"] <= as_of]
    supported = supported[supported["agency_id"] != supported["lead_agency_id"]]
    supported = supported.assign(mission_name=supported["mission_id"].map(_mission_names(missions)), element=pd.NA)
    for agency, group in supported.groupby("lead_agency_id"):
        if agency not in own_network:
            records.append(
                {
                    "agency_id": agency,
                    "capability": "deep_space_tracking",
                    "status": WITH_PARTNERS,
                    "missions": int(group["mission_id"].nunique()),
                    "elements": _joined_labels(group),
                }
            )
    return pd.DataFrame(records, columns=["agency_id", "capability", "status", "missions", "elements"])


def members_of(group_id: str, memberships: pd.DataFrame, as_of: int | None = None) -> set[str]:
    """Agencies in a group (by the given year), to read the autonomy matrix within a partnership."""
    rows = memberships[memberships["group_id"] == group_id]
    if as_of is not None:
        rows = rows[rows["year_joined"] <= as_of]
    return set(rows["agency_id"])


def single_holders(matrix: pd.DataFrame) -> dict[str, str]:
    """Capabilities held by exactly one agency (alone or with partners): capability → agency."""
    holders = matrix.groupby("capability")["agency_id"].nunique()
    single = holders[holders == 1].index
    return {cap: matrix.loc[matrix["capability"] == cap, "agency_id"].iloc[0] for cap in single}


def participation(missions: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """One row per (agency, mission) with whether the agency led it and its roles."""
    joined = participants.merge(
        missions[["mission_id", "destination_id", "cooperation_mode_id", "launch_year"]], on="mission_id"
    )
    roles = joined.groupby(["agency_id", "mission_id"])["role"].agg(lambda r: "|".join(sorted(set(r))))
    frame = (
        roles.rename("roles")
        .reset_index()
        .merge(missions[["mission_id", "destination_id", "cooperation_mode_id", "launch_year"]], on="mission_id")
    )
    frame["led"] = frame["roles"].str.contains("lead")
    return frame


def co_participation(participants: pd.DataFrame) -> pd.DataFrame:
    """Agency pairs with the number of missions they shared (any roles)."""
    pairs = participants[["mission_id", "agency_id"]].drop_duplicates()
    merged = pairs.merge(pairs, on="mission_id")
    merged = merged[merged["agency_id_x"] < merged["agency_id_y"]]
    return (
        merged.groupby(["agency_id_x", "agency_id_y"])["mission_id"]
        .nunique()
        .rename("shared")
        .reset_index()
        .rename(columns={"agency_id_x": "source", "agency_id_y": "target"})
        .sort_values("shared", ascending=False, ignore_index=True)
    )


def partners_of(agency_id: str, participants: pd.DataFrame) -> pd.Series:
    """The agencies that shared missions with ``agency_id``, most shared first."""
    mine = set(participants.loc[participants["agency_id"] == agency_id, "mission_id"])
    others = participants[participants["mission_id"].isin(mine) & (participants["agency_id"] != agency_id)]
    return others.drop_duplicates(["mission_id", "agency_id"])["agency_id"].value_counts()


@shared()
def heritage_by_destination(missions: pd.DataFrame, participants: pd.DataFrame, agency_id: str) -> pd.DataFrame:
    """For one agency: per destination, the completed or operating missions that credit it with each
    capability, as the lead or as the builder of the element that showed it (``capability_credits``)."""
    rows = []
    for destination_id in missions["destination_id"].dropna().unique():
        table = heritage(missions, participants, destination_id)
        if agency_id in table.index and table.loc[agency_id].sum() > 0:
            rows.append({"destination_id": destination_id, **table.loc[agency_id].astype(int).to_dict()})
    return pd.DataFrame(rows, columns=["destination_id", *HERITAGE_CAPABILITIES])


# ------------------------------------------------------------------ the room beside the book

ROOM_MAJORITY = 0.5  # a mode the room "recommends": at least half of those who answered for it
AGREE, BOOK_ONLY, ROOM_ONLY, NEITHER = "both recommend", "only the book", "only the room", "neither"


def room_agreement(
    votes: pd.DataFrame,
    answered: Mapping[str, int],
    destination_modes: pd.DataFrame,
    destinations: Sequence[str],
    modes: Sequence[str],
) -> pd.DataFrame:
    """Destination × mode: the room's votes beside Table 7.1's recommendation.

    ``votes`` has one row per (destination_id, mode_id) with ``votes``, the participants who
    chose that mode there; ``answered`` the participants who answered for each destination.
    The room recommends a mode where at least half of those who answered chose it; each cell
    is then one of both / only the book / only the room / neither."""
    counted = {(r.destination_id, r.mode_id): int(r.votes) for r in votes.itertuples(index=False)}
    book = set(zip(destination_modes["destination_id"], destination_modes["mode_id"], strict=True))
    rows = []
    for destination_id in destinations:
        total = int(answered.get(destination_id, 0))
        for mode_id in modes:
            count = counted.get((destination_id, mode_id), 0)
            share = count / total if total else 0.0
            in_book = (destination_id, mode_id) in book
            in_room = total > 0 and share >= ROOM_MAJORITY
            category = AGREE if in_book and in_room else BOOK_ONLY if in_book else ROOM_ONLY if in_room else NEITHER
            rows.append(
                {
                    "destination_id": destination_id,
                    "mode_id": mode_id,
                    "votes": count,
                    "answered": total,
                    "share": share,
                    "recommended": in_book,
                    "category": category,
                }
            )
    return pd.DataFrame(
        rows, columns=["destination_id", "mode_id", "votes", "answered", "share", "recommended", "category"]
    )
