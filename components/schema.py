"""The contract every table in ``data/`` must meet, read from ``data/datapackage.json``.

The package is a Frictionless Data Package: one Table Schema per CSV, with its fields, their
types and constraints, the primary key and the foreign keys. It is the only place the contract
is written. ``frictionless validate data/datapackage.json`` checks the files against it with the
standard tool; ``components.data`` turns each table's schema into a pandera schema for the app's
own loader (whose messages name the file, row, column and reason); ``components.package``
generates the dictionary in ``data/README.md`` from it.

Beyond the standard, a field may carry:
- ``listDelimiter`` (always ``|``) for a cell holding a list, and ``itemEnum`` for the values each
  item may take (the package also spells that out as a ``pattern``, which the standard tool checks);
- ``unit``, ``patternHint`` (the pattern in words) and ``rule`` (a rule across columns or tables,
  checked by ``components.data``), shown in the dictionary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

PACKAGE_FILE = Path(__file__).resolve().parent.parent / "data" / "datapackage.json"

ColumnKind = Literal["str", "int", "float", "bool", "date"]
_KINDS: dict[str, ColumnKind] = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "date": "date",
}
LIST_DELIMITER = "|"


@dataclass(frozen=True)
class Col:
    """One column: how to parse it, what values are allowed, and what it means."""

    name: str
    kind: ColumnKind = "str"
    required: bool = True
    allowed: tuple[str, ...] | None = None
    multi: bool = False  # "|"-separated list; ``allowed`` applies to each item
    min: float | None = None
    max: float | None = None
    pattern: str | None = None  # anchored at both ends
    max_length: int | None = None
    title: str = ""
    description: str = ""
    unit: str = ""
    pattern_hint: str = ""
    rule: str = ""
    list_delimiter: str = ""
    format: str = ""


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
    description: str = ""

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)


def _column(descriptor: dict[str, Any]) -> Col:
    constraints = descriptor.get("constraints", {})
    kind = _KINDS[descriptor["type"]]
    items = descriptor.get("itemEnum")
    pattern = None if items else constraints.get("pattern")
    minimum, maximum = constraints.get("minimum"), constraints.get("maximum")
    return Col(
        descriptor["name"],
        kind,
        required=bool(constraints.get("required", False)),
        allowed=tuple(items or constraints["enum"]) if items or "enum" in constraints else None,
        multi=bool(items),
        min=None if minimum is None else float(minimum),
        max=None if maximum is None else float(maximum),
        pattern=None if pattern is None else f"^(?:{pattern})$",
        max_length=constraints.get("maxLength"),
        title=descriptor.get("title", ""),
        description=descriptor.get("description", ""),
        unit=descriptor.get("unit", ""),
        pattern_hint=descriptor.get("patternHint", ""),
        rule=descriptor.get("rule", ""),
        list_delimiter=descriptor.get("listDelimiter", ""),
        format=descriptor.get("format", ""),
    )


def _table(resource: dict[str, Any]) -> TableSpec:
    schema = resource["schema"]
    foreign_keys = tuple(
        ForeignKey(
            fk["fields"][0] if isinstance(fk["fields"], list) else fk["fields"],
            fk["reference"]["resource"] or resource["name"],  # "" is the table itself
            fk["reference"]["fields"][0] if isinstance(fk["reference"]["fields"], list) else fk["reference"]["fields"],
        )
        for fk in schema.get("foreignKeys", [])
    )
    return TableSpec(
        resource["name"],
        columns=tuple(_column(f) for f in schema["fields"]),
        key=tuple(schema["primaryKey"]),
        foreign_keys=foreign_keys,
        title=resource.get("title", ""),
        description=resource.get("description", ""),
    )


def read_package(path: Path = PACKAGE_FILE) -> dict[str, Any]:
    """The package descriptor as stored (for the dictionary, the ZIP and the tests)."""
    return json.loads(path.read_text(encoding="utf-8"))


PACKAGE: dict[str, Any] = read_package()
PACKAGE_VERSION: str = PACKAGE["version"]
TABLES: tuple[TableSpec, ...] = tuple(_table(r) for r in PACKAGE["resources"])
TABLES_BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}
# One title per column name, the first the package gives (the same name means the same thing).
COLUMN_TITLES: dict[str, str] = {}
for _spec in TABLES:
    for _col in _spec.columns:
        COLUMN_TITLES.setdefault(_col.name, _col.title)


def _values(table: str, column: str) -> tuple[str, ...]:
    allowed = TABLES_BY_NAME[table].column(column).allowed
    assert allowed is not None, f"{table}.{column} has no enum in data/datapackage.json"
    return allowed


# The closed vocabularies the code relies on, as the package lists them.
DESTINATION_IDS = _values("destinations", "destination_id")
MISSION_STATUSES = _values("missions", "status")
FAILURE_PHASES = _values("missions", "failure_phase")  # in the order a mission meets them
MISSION_TYPES = _values("missions", "mission_type")
CAPABILITIES = _values("missions", "capabilities")
MODE_IDS = _values("cooperation_modes", "mode_id")
PARTICIPANT_ROLES = _values("mission_participants", "role")
AGENCY_KINDS = _values("agencies", "kind")
