"""Derived tables that several charts and pages share. Pure pandas: frames in, frames out."""

from __future__ import annotations

import pandas as pd

from components.schema import CAPABILITIES, MODE_IDS

# Missions that exist or are committed; notional Horizon 2061 concepts have no partners yet.
REAL_STATUSES = ("completed", "operating", "failed", "in development", "planned")
FLOWN_STATUSES = ("completed", "operating", "failed")

# Statuses grouped the way a reader asks about a destination's missions.
STATUS_GROUPS = {
    "completed": "Past",
    "failed": "Past",
    "cancelled": "Cancelled",
    "operating": "Operating",
    "in development": "Planned",
    "planned": "Planned",
    "notional": "Notional (2041–2061)",
}
STATUS_GROUP_ORDER = ("Past", "Operating", "Planned", "Notional (2041–2061)", "Cancelled")

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


def agency_country(participants: pd.DataFrame, agencies: pd.DataFrame) -> pd.DataFrame:
    return participants.merge(agencies[["agency_id", "country", "short_name"]], on="agency_id", how="left")


def foreign_contributions(missions: pd.DataFrame, participants: pd.DataFrame, agencies: pd.DataFrame) -> pd.DataFrame:
    """Participant rows from a country other than the lead's: the raw material of cooperation."""
    countries = agencies.set_index("agency_id")["country"]
    lead_country = missions.set_index("mission_id")["lead_agency_id"].map(countries)
    rows = participants[participants["role"] != "lead"].copy()
    rows["country"] = rows["agency_id"].map(countries)
    rows["lead_country"] = rows["mission_id"].map(lead_country)
    rows = rows[rows["country"] != rows["lead_country"]]
    return rows.merge(missions[["mission_id", "launch_year", "destination_id"]], on="mission_id", how="left")


def heritage(missions: pd.DataFrame, participants: pd.DataFrame, destination_id: str | None = None) -> pd.DataFrame:
    """Agency × capability: how many completed or operating missions the agency led that
    demonstrated each capability. One row per agency, columns in ``HERITAGE_CAPABILITIES``.

    Only the lead counts: the data records what a mission achieved, not which partner's
    element achieved it, so crediting partners would overstate them (a cubesat riding on a
    sample-return mission has not returned samples)."""
    flown = missions[missions["status"].isin(("completed", "operating")) & missions["capabilities"].notna()]
    if destination_id is not None:
        flown = flown[flown["destination_id"] == destination_id]
    leads = participants[participants["role"] == "lead"]
    joined = leads.merge(flown[["mission_id", "capabilities"]], on="mission_id")
    if joined.empty:
        return pd.DataFrame(columns=list(HERITAGE_CAPABILITIES)).rename_axis("agency_id")
    exploded = joined.assign(capability=joined["capabilities"].str.split("|")).explode("capability")
    exploded = exploded[exploded["capability"].isin(HERITAGE_CAPABILITIES)].drop_duplicates(
        ["agency_id", "mission_id", "capability"]
    )
    table = pd.crosstab(exploded["agency_id"], exploded["capability"])
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


def partner_missions(missions: pd.DataFrame, participants: pd.DataFrame, destination_id: str) -> pd.Series:
    """Per agency, the missions at a destination it joined in a role other than lead."""
    here = set(missions.loc[missions["destination_id"] == destination_id, "mission_id"])
    joined = participants[(participants["role"] != "lead") & participants["mission_id"].isin(here)]
    return joined.drop_duplicates(["agency_id", "mission_id"])["agency_id"].value_counts()


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


def autonomy_matrix(
    missions: pd.DataFrame,
    participants: pd.DataFrame,
    infrastructures: pd.DataFrame,
    *,
    destination_id: str | None = None,
    as_of: int | None = None,
) -> pd.DataFrame:
    """Agency × capability: demonstrated alone, only with partners, or not yet.

    A capability is demonstrated by a completed or operating mission the agency led; it is
    "alone" if at least one such mission was national, "only with partners" if every one had
    foreign partners. Crew transport counts only while a programme is active in ``as_of``.
    Deep-space tracking is "alone" for agencies operating their own deep-space stations and
    "only with partners" for agencies whose missions relied on another agency's stations.
    Returns a long frame: agency_id, capability, status, missions.
    """
    flown = missions[missions["status"].isin(("completed", "operating")) & missions["capabilities"].notna()]
    if destination_id is not None:
        flown = flown[flown["destination_id"] == destination_id]
    if as_of is not None:
        flown = flown[flown["launch_year"] <= as_of]
    rows = flown.assign(capability=flown["capabilities"].str.split("|")).explode("capability")
    rows = rows[rows["capability"].isin(AUTONOMY_CAPABILITIES)]
    # A crewed station is not a crew vehicle: crew transport comes from the missions that fly crews.
    rows = rows[~((rows["capability"] == "crew") & (rows["mission_type"] == "station"))]
    if as_of is not None:
        ended = rows["end_year"].notna() & (rows["end_year"] < as_of)
        rows = rows[~(rows["capability"].isin(LAPSING_CAPABILITIES) & ended)]
    rows = rows.assign(national=rows["cooperation_mode_id"] == "national")
    grouped = rows.groupby(["lead_agency_id", "capability"]).agg(
        national=("national", "any"), missions=("mission_id", "nunique")
    )
    records = [
        {
            "agency_id": agency,
            "capability": capability,
            "status": ALONE if g.national else WITH_PARTNERS,
            "missions": int(g.missions),
        }
        for (agency, capability), g in grouped.iterrows()
    ]

    stations = infrastructures[infrastructures["kind"] == "ground station"]
    if as_of is not None:
        stations = stations[stations["established"].isna() | (stations["established"] <= as_of)]
    own_network = stations.groupby("operator_agency_id").size()
    for agency, count in own_network.items():
        records.append(
            {"agency_id": agency, "capability": "deep_space_tracking", "status": ALONE, "missions": int(count)}
        )
    supported = participants[participants["role"] == "infrastructure"].merge(
        missions[["mission_id", "lead_agency_id", "destination_id", "launch_year"]], on="mission_id"
    )
    if destination_id is not None:
        supported = supported[supported["destination_id"] == destination_id]
    if as_of is not None:
        supported = supported[supported["launch_year"] <= as_of]
    supported = supported[supported["agency_id"] != supported["lead_agency_id"]]
    for agency, group in supported.groupby("lead_agency_id"):
        if agency not in own_network.index:
            records.append(
                {
                    "agency_id": agency,
                    "capability": "deep_space_tracking",
                    "status": WITH_PARTNERS,
                    "missions": int(group["mission_id"].nunique()),
                }
            )
    return pd.DataFrame(records, columns=["agency_id", "capability", "status", "missions"])


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


def heritage_by_destination(missions: pd.DataFrame, participants: pd.DataFrame, agency_id: str) -> pd.DataFrame:
    """For one agency: per destination, the missions it led that demonstrated each capability."""
    rows = []
    for destination_id in missions["destination_id"].dropna().unique():
        table = heritage(missions, participants, destination_id)
        if agency_id in table.index and table.loc[agency_id].sum() > 0:
            rows.append({"destination_id": destination_id, **table.loc[agency_id].astype(int).to_dict()})
    return pd.DataFrame(rows, columns=["destination_id", *HERITAGE_CAPABILITIES])
