"""The contract every table in ``data/`` must meet.

Each table is described once, here, as a ``TableSpec``: its columns with their types and
allowed values, its key and its foreign keys. ``components.data`` turns a spec into a
pandera schema to validate the file, and the tests check that ``data/README.md`` documents
every column listed here, so the dictionary, the loader and the files cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal["str", "int", "float", "bool", "date"]

ID_PATTERN = r"^[a-z0-9]+(?:_[a-z0-9]+)*$"
ISO3_PATTERN = r"^(?:[A-Z]{3})$"

# The Horizon 2061 exercise looks out to 2061; nothing in the data predates the Space Age
# except the founding years of older institutions.
FIRST_SPACE_YEAR = 1957
HORIZON_YEAR = 2061


@dataclass(frozen=True)
class Col:
    """One column: how to parse it and what values are allowed."""

    name: str
    kind: ColumnKind = "str"
    required: bool = True
    allowed: tuple[str, ...] | None = None
    multi: bool = False  # "|"-separated list; ``allowed`` applies to each item
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    target_column: str
    multi: bool = False


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)
    title: str = ""

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)


def _id(name: str, **kw) -> Col:
    return Col(name, pattern=ID_PATTERN, max_length=60, **kw)


def _text(name: str, required: bool = True, max_length: int = 1200) -> Col:
    return Col(name, required=required, max_length=max_length)


SOURCE = _text("source", max_length=400)

DESTINATION_IDS = (
    "moon",
    "terrestrial_planets",
    "giant_planets",
    "small_bodies",
    "heliopause_ism",
    "exoplanets",
    "near_earth_space",
    "sun",
)
MISSION_STATUSES = (
    "completed",
    "operating",
    "failed",
    "in development",
    "planned",
    "notional",
    "cancelled",
)
# How a failed mission was lost, in the order a mission meets them (data/README.md).
FAILURE_PHASES = ("launch", "cruise", "arrival", "surface")

MISSION_TYPES = (
    "flyby",
    "orbiter",
    "lander",
    "rover",
    "sample return",
    "impactor",
    "telescope",
    "station",
    "probe",
    "programme",
)
CAPABILITIES = (
    "flyby",
    "orbit",
    "landing",
    "roving",
    "sample_return",
    "impact",
    "atmospheric_probe",
    "crew",
    "observatory",
    "relay",
)
MODE_IDS = (
    "instrument_delivery",
    "infrastructure_support",
    "multi_platform",
    "integrated_mission",
    "working_group",
    "multi_mission_programme",
)
PARTICIPANT_ROLES = ("lead", "element", "instrument", "infrastructure", "launch", "exchange")
AGENCY_KINDS = ("national agency", "intergovernmental", "research body", "company", "non-profit")

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "pillars",
        title="The four pillars of Horizon 2061",
        key=("pillar_id",),
        columns=(
            Col("pillar_id", allowed=("science", "missions", "technologies", "infrastructures")),
            Col("number", "int", min=1, max=4),
            _text("name", max_length=80),
            _text("short_name", max_length=30),
            _text("covers"),
            _text("cooperation_brings"),
            Col("section", pattern=r"^§7\.2\.[1-4]$"),
            Col("suited_cooperation", allowed=("governmental", "non-governmental")),
            _text("suited_rationale"),
            Col("suited_section", pattern=r"^§7\.5\.1$"),
            SOURCE,
        ),
    ),
    TableSpec(
        "science_questions",
        title="The six key science questions",
        key=("question_id",),
        columns=(
            Col("question_id", pattern=r"^q[1-6]$"),
            Col("number", "int", min=1, max=6),
            _text("short_title", max_length=40),
            _text("question", max_length=200),
            SOURCE,
        ),
    ),
    TableSpec(
        "destinations",
        title="Destinations (the rows of Table 7.1, plus two context groups)",
        key=("destination_id",),
        columns=(
            Col("destination_id", allowed=DESTINATION_IDS),
            _text("name", max_length=60),
            _text("short_name", max_length=30),
            Col("display_order", "int", min=1, max=20),
            Col("in_table_7_1", "bool"),
            Col("table_paragraph", required=False, pattern=r"^§7\.5\.2 \([1-6]\)$"),
            _text("summary"),
            SOURCE,
        ),
    ),
    TableSpec(
        "bodies",
        title="Bodies and regions within each destination",
        key=("body_id",),
        foreign_keys=(
            ForeignKey("destination_id", "destinations", "destination_id"),
            ForeignKey("parent_body_id", "bodies", "body_id"),
        ),
        columns=(
            _id("body_id"),
            _text("name", max_length=60),
            Col("destination_id"),
            Col(
                "body_type",
                allowed=(
                    "planet",
                    "moon",
                    "dwarf planet",
                    "asteroid",
                    "comet",
                    "small-body class",
                    "region",
                    "system",
                    "star",
                ),
            ),
            _id("parent_body_id", required=False),
            Col("mean_distance_au", "float", required=False, min=0.3, max=200),
            SOURCE,
            _text("note", required=False),
        ),
    ),
    TableSpec(
        "cooperation_modes",
        title="The six cooperation modes of §7.5.1",
        key=("mode_id",),
        columns=(
            Col("mode_id", allowed=MODE_IDS),
            Col("rank", "int", min=1, max=6),
            _text("name", max_length=60),
            _text("short_name", max_length=20),
            _text("definition"),
            _text("examples"),
            _text("governance_hint"),
            SOURCE,
        ),
    ),
    TableSpec(
        "destination_benefits",
        title="Table 7.1, middle column: benefits of cooperation (reconstructed)",
        key=("benefit_id",),
        foreign_keys=(ForeignKey("destination_id", "destinations", "destination_id"),),
        columns=(
            _id("benefit_id"),
            Col("destination_id"),
            _text("benefit", max_length=300),
            Col("paragraph", pattern=r"^§7\.(5\.2 \([1-6]\)|2\.[1-4])$"),
            Col("reconstructed", "bool"),
            SOURCE,
        ),
    ),
    TableSpec(
        "destination_modes",
        title="Table 7.1, right column: recommended cooperation modes (reconstructed)",
        key=("destination_id", "mode_id"),
        foreign_keys=(
            ForeignKey("destination_id", "destinations", "destination_id"),
            ForeignKey("mode_id", "cooperation_modes", "mode_id"),
        ),
        columns=(
            Col("destination_id"),
            Col("mode_id"),
            _text("rationale", max_length=300),
            Col("paragraph", pattern=r"^§7\.(5\.2 \([1-6]\)|2\.[1-4])$"),
            Col("reconstructed", "bool"),
            SOURCE,
        ),
    ),
    TableSpec(
        "destination_questions",
        title="Which key questions each destination serves (reconstructed)",
        key=("destination_id", "question_id"),
        foreign_keys=(
            ForeignKey("destination_id", "destinations", "destination_id"),
            ForeignKey("question_id", "science_questions", "question_id"),
        ),
        columns=(
            Col("destination_id"),
            Col("question_id"),
            Col("emphasis", allowed=("primary", "supporting")),
            _text("basis", max_length=300),
            Col("reconstructed", "bool"),
            SOURCE,
        ),
    ),
    TableSpec(
        "agencies",
        title="Agencies, institutes and companies",
        key=("agency_id",),
        columns=(
            _id("agency_id"),
            _text("short_name", max_length=30),
            _text("full_name", max_length=120),
            _text("aliases", required=False, max_length=200),
            Col("country", pattern=r"^(?:[A-Z]{3})$"),
            Col("kind", allowed=AGENCY_KINDS),
            Col("founded", "int", required=False, min=1800, max=HORIZON_YEAR),
            Col("dissolved", "int", required=False, min=1900, max=HORIZON_YEAR),
            _text("hq_city", max_length=60),
            Col("hq_lat", "float", min=-90, max=90),
            Col("hq_lon", "float", min=-180, max=180),
            SOURCE,
            _text("note", required=False),
        ),
    ),
    TableSpec(
        "groups",
        title="Working groups, fora, frameworks and partnerships",
        key=("group_id",),
        foreign_keys=(ForeignKey("destination_id", "destinations", "destination_id"),),
        columns=(
            _id("group_id"),
            _text("name", max_length=120),
            _text("short_name", max_length=40),
            _text("aliases", required=False, max_length=200),
            Col(
                "kind",
                allowed=(
                    "working group",
                    "forum",
                    "framework",
                    "partnership",
                    "committee",
                    "association",
                    "scientific union",
                    "scientific society",
                ),
            ),
            Col("founded", "int", required=False, min=1900, max=HORIZON_YEAR),
            Col("binding", allowed=("binding", "non-binding")),
            Col("sector", allowed=("governmental", "non-governmental", "mixed")),
            Col("destination_id", required=False),
            Col("status", allowed=("active", "proposed", "superseded")),
            _text("focus"),
            SOURCE,
            _text("note", required=False),
        ),
    ),
    TableSpec(
        "memberships",
        title="Which agency belongs to which group, and since when",
        key=("agency_id", "group_id"),
        foreign_keys=(
            ForeignKey("agency_id", "agencies", "agency_id"),
            ForeignKey("group_id", "groups", "group_id"),
        ),
        columns=(
            Col("agency_id"),
            Col("group_id"),
            Col("year_joined", "int", min=1900, max=HORIZON_YEAR),
            Col("role", allowed=("founding member", "member", "signatory", "observer")),
            SOURCE,
            _text("note", required=False),
        ),
    ),
    TableSpec(
        "missions",
        title="Missions, past, present, planned and notional",
        key=("mission_id",),
        foreign_keys=(
            ForeignKey("destination_id", "destinations", "destination_id"),
            ForeignKey("body_id", "bodies", "body_id"),
            ForeignKey("lead_agency_id", "agencies", "agency_id"),
            ForeignKey("carrier_mission_id", "missions", "mission_id"),
        ),
        columns=(
            _id("mission_id"),
            _text("name", max_length=80),
            _text("aliases", required=False, max_length=300),
            Col("destination_id"),
            Col("body_id"),
            Col("launch_date", "date", required=False),
            Col("launch_year", "int", required=False, min=FIRST_SPACE_YEAR, max=HORIZON_YEAR),
            Col("end_year", "int", required=False, min=FIRST_SPACE_YEAR, max=2100),
            Col("window_start", "int", required=False, min=2026, max=HORIZON_YEAR),
            Col("window_end", "int", required=False, min=2026, max=2100),
            Col("status", allowed=MISSION_STATUSES),
            Col("failure_phase", required=False, allowed=FAILURE_PHASES),
            Col("lead_agency_id", required=False),
            Col("carrier_mission_id", required=False),
            Col("mission_type", allowed=MISSION_TYPES),
            Col("capabilities", required=False, multi=True, allowed=CAPABILITIES),
            Col("cooperation_mode_id", allowed=("national", *MODE_IDS)),
            SOURCE,
            _text("source_url", required=False, max_length=400),
            _text("note", required=False),
        ),
    ),
    TableSpec(
        "mission_participants",
        title="Who took part in each mission, and with what",
        key=("mission_id", "agency_id", "role"),
        foreign_keys=(
            ForeignKey("mission_id", "missions", "mission_id"),
            ForeignKey("agency_id", "agencies", "agency_id"),
        ),
        columns=(
            Col("mission_id"),
            Col("agency_id"),
            Col("role", allowed=PARTICIPANT_ROLES),
            _text("contribution", max_length=300),
            # What this participant's own element showed; a subset of the mission's capabilities
            # (checked by the loader across the two tables).
            Col("capabilities", required=False, multi=True, allowed=CAPABILITIES),
            SOURCE,
        ),
    ),
    TableSpec(
        "infrastructures",
        title="Ground stations, stations in space, archives and curation facilities",
        key=("infrastructure_id",),
        foreign_keys=(ForeignKey("operator_agency_id", "agencies", "agency_id"),),
        columns=(
            _id("infrastructure_id"),
            _text("name", max_length=120),
            Col(
                "kind",
                allowed=(
                    "ground station",
                    "space station",
                    "lunar station",
                    "data archive",
                    "sample facility",
                ),
            ),
            Col("operator_agency_id"),
            _text("network", required=False, max_length=60),
            Col("country", pattern=r"^(?:[A-Z]{3})$"),
            Col("lat", "float", required=False, min=-90, max=90),
            Col("lon", "float", required=False, min=-180, max=180),
            Col("established", "int", required=False, min=1900, max=HORIZON_YEAR),
            Col("status", allowed=("operating", "in development", "planned", "retired", "cancelled")),
            Col("largest_antenna_m", "float", required=False, min=1, max=120),
            _text("description"),
            SOURCE,
            _text("note", required=False),
        ),
    ),
    TableSpec(
        "cooperation_models",
        title="Cooperation models compared (Autonomy for cooperation)",
        key=("model_id",),
        columns=(
            _id("model_id"),
            _text("name", max_length=80),
            Col("kind", allowed=("programme", "forum", "organisation", "collaboration", "association", "principle")),
            Col("started", "int", min=1900, max=HORIZON_YEAR),
            Col("legal_basis", allowed=("binding", "non-binding", "mixed")),
            Col("direction", allowed=("top-down", "bottom-up", "mixed")),
            Col("funds_exchange", required=False, allowed=("yes", "no", "barter")),
            Col("partner_count", "int", required=False, min=1, max=500),
            _text("partner_unit", required=False, max_length=40),
            _text("governance"),
            _text("lessons"),
            Col("section", pattern=r"^§[IVX]+$"),
            SOURCE,
        ),
    ),
    TableSpec(
        "milestones",
        title="Dated milestones of international cooperation",
        key=("milestone_id",),
        columns=(
            _id("milestone_id"),
            Col("date", "date"),
            Col("year", "int", min=1900, max=HORIZON_YEAR),
            Col("end_year", "int", required=False, min=1900, max=HORIZON_YEAR),
            _text("name", max_length=80),
            Col("kind", allowed=("programme", "mission", "law", "organisation", "treaty", "agreement", "policy")),
            _text("description", max_length=300),
            SOURCE,
            _text("note", required=False),
        ),
    ),
    TableSpec(
        "technology_examples",
        title="Technology cooperation examples (§7.2.3)",
        key=("example_id",),
        foreign_keys=(
            ForeignKey("provider_agency_id", "agencies", "agency_id"),
            ForeignKey("recipient_agency_id", "agencies", "agency_id"),
            ForeignKey("mission_id", "missions", "mission_id"),
        ),
        columns=(
            _id("example_id"),
            Col("category", allowed=("payload", "platform", "component")),
            _text("name", max_length=100),
            Col("provider_agency_id", required=False),
            Col("recipient_agency_id", required=False),
            Col("mission_id", required=False),
            Col("year", "int", required=False, min=FIRST_SPACE_YEAR, max=HORIZON_YEAR),
            _text("description", max_length=300),
            SOURCE,
            _text("note", required=False),
        ),
    ),
    TableSpec(
        "errata",
        title="Where the seed texts and the public record disagree",
        key=("erratum_id",),
        columns=(
            _id("erratum_id"),
            Col("seed", allowed=("ch7", "autonomy")),
            _text("section", max_length=40),
            _text("topic", max_length=80),
            _text("seed_says", max_length=300),
            _text("record_says", max_length=300),
            Col(
                "table",
                allowed=(
                    "agencies",
                    "groups",
                    "memberships",
                    "missions",
                    "milestones",
                    "cooperation_models",
                    "technology_examples",
                    "infrastructures",
                ),
            ),
            _id("row_id"),
            SOURCE,
        ),
    ),
)

TABLES_BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}
