"""The dataset as an open data package: its dictionary, and the whole of it as one ZIP.

The contract is ``data/datapackage.json`` (read by ``components.schema``). From it this module
writes the data dictionary, in ``data/README.md`` (between markers, so the prose on sources
stays hand-written) and on the Data & sources page, and builds the ZIP a user downloads or the
export command writes (``--format datapackage``): every CSV, the descriptor, a ``CITATION.cff``
and a README. With filters, the ZIP holds the rows those filters keep and says which.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from components.data import DATA_CHECKED, DATA_DIR, Dataset
from components.filters import FILTER_FIELDS, FilterState, apply_filters, describe
from components.schema import PACKAGE, TABLES, TableSpec
from components.vocabulary import Vocabulary

README_FILE = DATA_DIR / "README.md"
CHANGELOG_FILE = DATA_DIR / "CHANGELOG.md"
LICENCE_NOTE = (
    "The compilation (the tables, their selection and arrangement, and the summaries, which are our "
    "own words) is released under the Creative Commons Attribution 4.0 licence (CC BY 4.0). Facts, "
    "names, dates and figures are not ours to licence. The seed texts (chapter 7 of *Planetary "
    "Exploration, Horizon 2061*, Elsevier 2023, and *Experience with collaborative space projects*, "
    "IISL 2012) remain under their publishers' copyright: the package quotes none of their sentences "
    "and cites them by section."
)
ID_PATTERN_MARK = "a-z0-9"
_TYPE_WORDS = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "date": "date"}


# ---------------------------------------------------------------------------- dictionary


@dataclass(frozen=True)
class DictionaryRow:
    column: str
    type: str
    rules: str
    meaning: str


def dictionary(spec: TableSpec) -> list[DictionaryRow]:
    """One row per column, in words: the same table on the Data page and in data/README.md."""
    references = {fk.column: fk.table for fk in spec.foreign_keys}
    rows = []
    for col in spec.columns:
        conditional = "required" in col.rule  # "required unless notional": the rule says when
        rules: list[str] = ["required" if col.required else ("" if conditional else "optional")]
        if col.name in spec.key:
            others = [k for k in spec.key if k != col.name]
            rules.append("unique" if not others else "key with " + ", ".join(others))
        if col.name in references:
            rules.append(f"→ {references[col.name]}")
        if col.allowed is not None:
            rules.append(("`|`-separated from " if col.multi else "one of ") + ", ".join(col.allowed))
        elif col.list_delimiter:
            rules.append("`|`-separated")
        if col.pattern and col.allowed is None:
            if ID_PATTERN_MARK in col.pattern:
                if col.name not in references:
                    rules.append("snake_case id")
            else:
                rules.append(col.pattern_hint or f"`{col.pattern}`")
        if col.min is not None or col.max is not None:
            low = "…" if col.min is None else f"{col.min:g}"
            high = "…" if col.max is None else f"{col.max:g}"
            rules.append(f"{low}–{high}".replace("-", "−") if col.kind == "float" else f"{low}–{high}")
        if col.unit:
            rules.append(col.unit)
        if col.max_length is not None:
            rules.append(f"≤ {col.max_length} characters")
        if col.rule:
            rules.append(col.rule)
        kind = _TYPE_WORDS[col.kind]
        shown = "; ".join(rule for rule in rules if rule)
        rows.append(DictionaryRow(col.name, f"list of {kind}s" if col.list_delimiter else kind, shown, col.description))
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_section(spec: TableSpec, row_count: int | None) -> str:
    """The generated part of a table's section in data/README.md."""
    rows = f" ({row_count} rows)" if row_count is not None else ""
    lines = [f"## {spec.file_name} — {spec.title}{rows}", ""]
    if spec.description:
        lines += [spec.description, ""]
    lines += ["| column | type | rules | meaning |", "|---|---|---|---|"]
    lines += [f"| {r.column} | {r.type} | {_cell(r.rules)} | {_cell(r.meaning)} |" for r in dictionary(spec)]
    return "\n".join(lines)


_BLOCK = re.compile(r"<!-- dictionary: (\w+) -->\n.*?<!-- end dictionary: \1 -->", re.S)


def render_readme(text: str, row_counts: dict[str, int]) -> str:
    """``text`` with every table's generated section rewritten from the package.

    Raises ValueError when a table has no marked section or a section names no table, so a new
    table cannot be left undocumented."""
    names = [m.group(1) for m in _BLOCK.finditer(text)]
    known = {spec.name for spec in TABLES}
    if set(names) != known or len(names) != len(known):
        missing = sorted(known - set(names))
        unknown = sorted(set(names) - known)
        raise ValueError(f"data/README.md: sections missing for {missing}, unknown sections {unknown}")
    by_name = {spec.name: spec for spec in TABLES}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        section = table_section(by_name[name], row_counts.get(name))
        return f"<!-- dictionary: {name} -->\n{section}\n<!-- end dictionary: {name} -->"

    return _BLOCK.sub(replace, text)


def row_counts(data_dir: Path = DATA_DIR) -> dict[str, int]:
    counts = {}
    for spec in TABLES:
        path = data_dir / spec.file_name
        if path.is_file():
            counts[spec.name] = len(pd.read_csv(path, dtype=str, keep_default_na=False))
    return counts


# ---------------------------------------------------------------------------- versions


_ENTRY = re.compile(r"^## (\d+\.\d+\.\d+) — (\d{4}-\d{2}-\d{2})$", re.M)


def changelog_entries(text: str) -> list[tuple[str, str]]:
    """(version, date) of every entry in data/CHANGELOG.md, newest first."""
    return _ENTRY.findall(text)


def file_facts(data: bytes) -> dict[str, object]:
    """The ``bytes`` and ``hash`` a resource carries, so the package describes exactly its files."""
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def refreshed_descriptor(data_dir: Path = DATA_DIR) -> dict:
    """The package with every resource's size and hash taken from the files as they are."""
    descriptor = copy.deepcopy(PACKAGE)
    for resource in descriptor["resources"]:
        resource.update(file_facts((data_dir / resource["path"]).read_bytes()))
    return descriptor


def descriptor_text(descriptor: dict) -> str:
    return json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------- the ZIP


def citation_cff(descriptor: dict = PACKAGE) -> str:
    """A CITATION.cff for the dataset (JSON strings are valid YAML scalars)."""
    released = descriptor.get("created", "")[:10]
    q = json.dumps
    lines = [
        "cff-version: 1.2.0",
        'message: "If you use this dataset, please cite it as below."',
        "type: dataset",
        f"title: {q(descriptor['title'])}",
        f"version: {q(descriptor['version'])}",
        f"date-released: {released}",
        f"license: {descriptor['licenses'][0]['name']}",
        f"abstract: {q(descriptor['description'])}",
        "authors:",
        *[f"  - name: {q(c['title'])}" for c in descriptor.get("contributors", [])],
        "keywords:",
        *[f"  - {q(k)}" for k in descriptor.get("keywords", [])],
    ]
    return "\n".join(lines) + "\n"


def package_name(state: FilterState | None, vocabulary: Vocabulary | None) -> str:
    """``horizon2061_dataset_1.0.0[_moon_esa]``: the ZIP's file name, without its extension."""
    from components.export.figures import slug

    base = f"horizon2061_dataset_{PACKAGE['version']}"
    filters = _mission_filters(state)
    if vocabulary is None or not filters.is_filtered:
        return base
    return f"{base}_{slug(describe(filters, vocabulary))[:80].strip('-')}"


def package_scope(state: FilterState | None, vocabulary: Vocabulary) -> str | None:
    """The filters a package download would apply, in words, or None for the whole dataset."""
    filters = _mission_filters(state)
    return describe(filters, vocabulary) if filters.is_filtered else None


def _mission_filters(state: FilterState | None) -> FilterState:
    if state is None:
        return FilterState()
    return FilterState(**{name: getattr(state, name) for name in FILTER_FIELDS})


def kept_rows(dataset: Dataset, state: FilterState) -> tuple[dict[str, set[str] | None], list[str]]:
    """Per table, the ids of the rows a filtered package keeps (None: every row), and notes.

    The missions the filters keep (programme rows included: they are listed, not counted), the
    carriers those missions name, so every reference still resolves, their participants, and the
    technology examples that name no mission or a kept one. Every other table is whole."""
    view = apply_filters(state, dataset.missions, dataset.mission_participants)
    missions = set(view.missions["mission_id"]) | set(view.programmes["mission_id"])
    notes = []
    carriers = dataset.missions.set_index("mission_id")["carrier_mission_id"]
    needed = {c for m in missions if isinstance(c := carriers.get(m), str) and c not in missions}
    if needed:
        notes.append(
            f"{len(needed)} carrier mission(s) outside the filters are included because kept missions "
            f"ride on them: {', '.join(sorted(needed))}"
        )
        missions |= needed
    kept: dict[str, set[str] | None] = {spec.name: None for spec in TABLES}
    kept["missions"] = missions
    kept["mission_participants"] = missions  # keyed by mission_id
    examples = dataset.technology_examples
    kept["technology_examples"] = set(
        examples.loc[examples["mission_id"].isna() | examples["mission_id"].isin(missions), "example_id"]
    )
    return kept, notes


_KEEP_BY = {"mission_participants": "mission_id"}


def _filtered_csv(spec: TableSpec, raw: bytes, ids: set[str]) -> bytes:
    frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    column = _KEEP_BY.get(spec.name, spec.key[0])
    return frame[frame[column].isin(ids)].to_csv(index=False, lineterminator="\n").encode("utf-8")


def package_zip(
    dataset: Dataset,
    state: FilterState | None = None,
    vocabulary: Vocabulary | None = None,
    data_dir: Path = DATA_DIR,
    today: date | None = None,
) -> bytes:
    """The whole dataset as one ZIP under a folder named like the file: every CSV (the stored
    files byte for byte, or the rows the filters keep), ``datapackage.json`` (sizes and hashes
    of these very files), ``CITATION.cff`` and ``README.md``.

    Raises ValueError when a table cannot be loaded: a package of broken files helps no one."""
    if dataset.problems:
        raise ValueError("; ".join(str(p) for p in dataset.problems.values()))
    filters = _mission_filters(state)
    filtered = filters.is_filtered
    kept, notes = kept_rows(dataset, filters) if filtered else ({}, [])
    descriptor = copy.deepcopy(PACKAGE)
    folder = package_name(filters, vocabulary)
    files: dict[str, bytes] = {}
    for resource, spec in zip(descriptor["resources"], TABLES, strict=True):
        raw = (data_dir / spec.file_name).read_bytes()
        ids = kept.get(spec.name)
        data = raw if ids is None else _filtered_csv(spec, raw, ids)
        files[spec.file_name] = data
        resource.update(file_facts(data))
    words = describe(filters, vocabulary) if (filtered and vocabulary is not None) else "All missions"
    if filtered:
        descriptor["filters"] = words
        descriptor["description"] += f" This copy holds the missions of one view: {words}."
    files["datapackage.json"] = descriptor_text(descriptor).encode("utf-8")
    files["CITATION.cff"] = citation_cff(descriptor).encode("utf-8")
    files["README.md"] = _zip_readme(descriptor, files, words, filtered, notes, today).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("README.md", "datapackage.json", "CITATION.cff", *sorted(n for n in files if n.endswith(".csv"))):
            archive.writestr(f"{folder}/{name}", files[name])
    return buffer.getvalue()


def _zip_readme(
    descriptor: dict, files: dict[str, bytes], words: str, filtered: bool, notes: Iterable[str], today: date | None
) -> str:
    counts = {
        r["path"]: len(pd.read_csv(io.BytesIO(files[r["path"]]), dtype=str, keep_default_na=False))
        for r in descriptor["resources"]
    }
    lines = [
        f"# {descriptor['title']}, dataset {descriptor['version']}",
        "",
        descriptor["description"],
        "",
        f"Facts checked against the public record as of {DATA_CHECKED}. "
        f"Package written {(today or date.today()).isoformat()}.",
        "",
        "## What this copy holds",
        "",
        (
            f"The rows of one view, **{words}**: the missions these filters keep (programme rows included), "
            "their participants and the technology examples that name them; every other table is whole."
            if filtered
            else "Every row of every table, exactly as the app ships it."
        ),
        *[f"- {note}" for note in notes],
        "",
        "| file | rows | what one row is |",
        "|---|---|---|",
        *[f"| {r['path']} | {counts[r['path']]} | {r['title']} |" for r in descriptor["resources"]],
        "",
        "`datapackage.json` is a Frictionless Data Package: every column's type, allowed values, keys and "
        "references, and each file's size and SHA-256. Check the files against it with "
        "`frictionless validate datapackage.json`. A cell holding a list separates its items with `|`.",
        "",
        "## Reconstructed and corrected",
        "",
        "- **Table 7.1 is reconstructed.** The book prints it as an image: `destination_benefits.csv`, "
        "`destination_modes.csv` and `destination_questions.csv` are rebuilt from the numbered paragraphs "
        "of §7.5.2 and flagged `reconstructed = true`.",
        "- **Record over seed.** Where a seed text and the public record disagree, the columns hold the "
        "record, the row's `note` gives the seed's figure, and `errata.csv` lists each case.",
        '- **Unverified.** A `source` or `note` containing "unverified" marks a fact from a secondary '
        "mention that could not be confirmed against a primary record.",
        "",
        "## Licence",
        "",
        LICENCE_NOTE,
        "",
        "## Citing",
        "",
        f'Cite it as "{descriptor["title"]}, dataset {descriptor["version"]}" (see `CITATION.cff`).',
        "",
    ]
    return "\n".join(lines)
