"""The data package: valid for the standard tool, the one source of the loader's contract and of
the dictionary, versioned, and downloadable whole or filtered."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import frictionless
import pandas as pd
import pytest

from components.data import DATA_DIR, load_dataset
from components.filters import FilterState, apply_filters
from components.package import (
    CHANGELOG_FILE,
    README_FILE,
    changelog_entries,
    dictionary,
    package_name,
    package_zip,
    render_readme,
    row_counts,
)
from components.schema import PACKAGE, PACKAGE_FILE, TABLES, TABLES_BY_NAME
from components.state import view_choices

ROOT = Path(__file__).resolve().parent.parent
# What a damaged copy shows besides its real damage: its size and hash no longer match.
FILE_FACTS = {"hash-count", "byte-count"}


def frictionless_errors(descriptor: Path) -> dict[str, set[str]]:
    """Error types per resource, as the standard tool reports them (size and hash left aside)."""
    report = frictionless.validate(str(descriptor))
    found: dict[str, set[str]] = {}
    for task in report.tasks:
        types = {error.type for error in task.errors} - FILE_FACTS
        if types:
            found[task.name] = types
    if report.errors:  # package-level (e.g. the descriptor itself)
        found["package"] = {error.type for error in report.errors}
    return found


def test_the_standard_tool_finds_the_package_valid() -> None:
    tool = Path(sys.executable).parent / "frictionless"
    result = subprocess.run(
        [str(tool), "validate", str(PACKAGE_FILE)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.count("VALID") == len(TABLES) and "INVALID" not in result.stdout


def test_every_csv_is_a_resource_with_its_header_and_facts() -> None:
    resources = {r["name"]: r for r in PACKAGE["resources"]}
    assert set(resources) == {p.stem for p in DATA_DIR.glob("*.csv")}
    for spec in TABLES:
        with (DATA_DIR / spec.file_name).open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == list(spec.column_names), spec.name
        assert resources[spec.name]["hash"].startswith("sha256:")
        assert resources[spec.name]["bytes"] == (DATA_DIR / spec.file_name).stat().st_size
    assert PACKAGE["licenses"][0]["name"] == "CC-BY-4.0"
    assert re.fullmatch(r"\d+\.\d+\.\d+", PACKAGE["version"])


def test_the_loader_reads_its_contract_from_the_package() -> None:
    missions = TABLES_BY_NAME["missions"]
    assert missions.key == ("mission_id",)
    assert {fk.table for fk in missions.foreign_keys} == {"destinations", "bodies", "agencies", "missions"}
    status = missions.column("status")
    field = next(
        f
        for r in PACKAGE["resources"]
        if r["name"] == "missions"
        for f in r["schema"]["fields"]
        if f["name"] == "status"
    )
    assert status.allowed == tuple(field["constraints"]["enum"])
    capabilities = missions.column("capabilities")
    assert capabilities.multi and "sample_return" in capabilities.allowed


def test_the_committed_dictionary_is_the_generated_one() -> None:
    committed = README_FILE.read_text(encoding="utf-8")
    assert render_readme(committed, row_counts()) == committed, (
        "data/README.md differs from data/datapackage.json: run scripts/update_datapackage.py"
    )
    for spec in TABLES:
        assert f"<!-- dictionary: {spec.name} -->\n## {spec.file_name} — {spec.title}" in committed
        for row in dictionary(spec):
            assert f"| {row.column} | {row.type} |" in committed


def test_a_table_without_a_section_is_refused() -> None:
    committed = README_FILE.read_text(encoding="utf-8")
    without = re.sub(r"<!-- dictionary: errata -->.*?<!-- end dictionary: errata -->", "", committed, flags=re.S)
    with pytest.raises(ValueError, match="errata"):
        render_readme(without, row_counts())


def test_the_version_is_the_changelogs_newest() -> None:
    entries = changelog_entries(CHANGELOG_FILE.read_text(encoding="utf-8"))
    assert entries, "data/CHANGELOG.md has no entry"
    version, day = entries[0]
    assert version == PACKAGE["version"]
    assert PACKAGE["created"].startswith(day)
    assert len({v for v, _ in entries}) == len(entries)


# ------------------------------------------------------------------------ one verdict

Damage = Callable[[Path], None]


def _rewrite_line(path: Path, number: int, change: Callable[[str], str]) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number] = change(lines[number])
    path.write_text("\n".join(lines), encoding="utf-8")


def _cell(path: Path, row: int, column: str, value: str) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row, column] = value
    frame.to_csv(path, index=False, lineterminator="\n")


DAMAGES: dict[str, tuple[str, Damage, str, str]] = {
    # name: (table, damage, the loader's words, the standard tool's error type)
    "missions cut short": (
        "missions",
        lambda d: _rewrite_line(d / "missions.csv", 5, lambda line: line.rsplit(",", 2)[0]),
        "a line cut short",
        "missing-cell",
    ),
    "agencies cut short": (
        "agencies",
        lambda d: _rewrite_line(d / "agencies.csv", 3, lambda line: line.rsplit(",", 1)[0]),
        "a line cut short",
        "missing-cell",
    ),
    "extra field": (
        "pillars",
        lambda d: _rewrite_line(d / "pillars.csv", 1, lambda line: line + ",extra"),
        "different number of fields",
        "extra-cell",
    ),
    "blank line": (
        "groups",
        lambda d: _rewrite_line(d / "groups.csv", 2, lambda line: "\n" + line),
        "is blank",
        "blank-row",
    ),
    "duplicate participant": (
        "mission_participants",
        lambda d: _rewrite_line(d / "mission_participants.csv", 2, lambda line: line + "\n" + line),
        "duplicate mission_id + agency_id + role",
        "primary-key",
    ),
    "status not allowed": (
        "missions",
        lambda d: _cell(d / "missions.csv", 3, "status", "lost"),
        "not allowed",
        "constraint-error",
    ),
    "year too late": (
        "missions",
        lambda d: _cell(d / "missions.csv", 3, "launch_year", "2099"),
        "above the maximum",
        "constraint-error",
    ),
    "year not a number": (
        "agencies",
        lambda d: _cell(d / "agencies.csv", 0, "founded", "c. 1960"),
        "whole number",
        "type-error",
    ),
    "required left empty": (
        "bodies",
        lambda d: _cell(d / "bodies.csv", 0, "name", ""),
        "a value is required",
        "constraint-error",
    ),
    "unknown destination": (
        "missions",
        lambda d: _cell(d / "missions.csv", 0, "destination_id", "pluto_system"),
        "unknown destination_id",
        "foreign-key",
    ),
    "unknown agency in participants": (
        "mission_participants",
        lambda d: _cell(d / "mission_participants.csv", 0, "agency_id", "no_such_agency"),
        "unknown agency_id",
        "foreign-key",
    ),
    "not a URL": (
        "missions",
        lambda d: _cell(d / "missions.csv", 0, "source_url", "see the NSSDCA page"),
        "an http or https URL",
        "type-error",  # the field's format is "uri"
    ),
    "capability not in the list": (
        "missions",
        lambda d: _cell(d / "missions.csv", 0, "capabilities", "flyby|teleport"),
        "not allowed",
        "constraint-error",
    ),
    "bad id": (
        "errata",
        lambda d: _cell(d / "errata.csv", 0, "erratum_id", "Not An Id"),
        "not a valid id",
        "constraint-error",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGES), ids=list(DAMAGES))
def test_the_loader_and_the_standard_tool_agree_on_a_broken_file(data_copy: Path, damage: str) -> None:
    table, apply, words, error_type = DAMAGES[damage]
    apply(data_copy)
    problems = load_dataset(data_copy).problems
    assert table in problems, f"the loader accepted {damage}"
    assert words in problems[table].reason, str(problems[table])
    found = frictionless_errors(data_copy / "datapackage.json")
    assert error_type in found.get(table, set()), f"frictionless reported {found}"
    # The damage is in one table: the standard tool finds nothing wrong in the others.
    assert set(found) == {table}, found


def test_an_intact_copy_passes_both() -> None:
    assert frictionless_errors(PACKAGE_FILE) == {}
    assert load_dataset(DATA_DIR).ok


# ------------------------------------------------------------------------ the ZIP


def _unzip(data: bytes, target: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        archive.extractall(target)
    folders = {name.split("/")[0] for name in names}
    assert len(folders) == 1, names
    return target / folders.pop()


def test_the_whole_package_zip_is_the_shipped_files_and_validates(dataset, tmp_path: Path) -> None:
    folder = _unzip(package_zip(dataset), tmp_path)
    assert folder.name == f"horizon2061_dataset_{PACKAGE['version']}"
    for spec in TABLES:
        assert (folder / spec.file_name).read_bytes() == (DATA_DIR / spec.file_name).read_bytes()
    assert frictionless_errors(folder / "datapackage.json") == {}
    citation = (folder / "CITATION.cff").read_text(encoding="utf-8")
    assert f'version: "{PACKAGE["version"]}"' in citation and "type: dataset" in citation
    assert "license: CC-BY-4.0" in citation
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "Every row of every table" in readme and "Table 7.1 is reconstructed" in readme
    assert "errata.csv" in readme and "CC BY 4.0" in readme


def test_a_filtered_zip_holds_the_filtered_rows_and_says_which(dataset, tmp_path: Path) -> None:
    state = FilterState(destinations=("moon",), agencies=("esa",))
    vocabulary = view_choices(dataset).vocabulary
    data = package_zip(dataset, state, vocabulary)
    folder = _unzip(data, tmp_path)
    assert folder.name == package_name(state, vocabulary) == f"horizon2061_dataset_{PACKAGE['version']}_moon-esa"
    missions = pd.read_csv(folder / "missions.csv", dtype=str, keep_default_na=False)
    view = apply_filters(state, dataset.missions, dataset.mission_participants)
    expected = set(view.missions["mission_id"]) | set(view.programmes["mission_id"])
    carriers = {
        c for c in dataset.missions.set_index("mission_id").loc[sorted(expected), "carrier_mission_id"].dropna()
    }
    assert set(missions["mission_id"]) == expected | carriers
    assert 0 < len(missions) < len(dataset.missions)
    assert (missions["destination_id"] == "moon").sum() >= len(expected)
    participants = pd.read_csv(folder / "mission_participants.csv", dtype=str, keep_default_na=False)
    assert set(participants["mission_id"]) <= set(missions["mission_id"])
    assert "esa" in set(participants["agency_id"])
    # Untouched tables stay whole, byte for byte.
    assert (folder / "agencies.csv").read_bytes() == (DATA_DIR / "agencies.csv").read_bytes()
    assert frictionless_errors(folder / "datapackage.json") == {}
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["filters"] == "Moon · ESA"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "**Moon · ESA**" in readme
    assert f"| missions.csv | {len(missions)} |" in readme
    # And the loader takes the filtered copy as it is.
    assert load_dataset(folder).ok


def test_a_broken_dataset_is_not_packaged(data_copy: Path) -> None:
    (data_copy / "missions.csv").write_text("mission_id\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"missions\.csv"):
        package_zip(load_dataset(data_copy), data_dir=data_copy)


def test_the_export_command_writes_the_package(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "components.export",
            "--format",
            "datapackage",
            "--out",
            str(tmp_path),
            "--destination",
            "Moon",
            "--agency",
            "ESA",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    written = Path(result.stdout.strip())
    assert written.name == f"horizon2061_dataset_{PACKAGE['version']}_moon-esa.zip"
    folder = _unzip(written.read_bytes(), tmp_path / "unzipped")
    assert json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["filters"] == "Moon · ESA"


# ---------------------------------------------------------------------------- on the Data page


def _data_page(query: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("views/data_sources.py").run()
    return at


def _package_button(at):
    (button,) = [b for b in at.get("download_button") if b.proto.label.endswith("(ZIP)")]
    return button.proto.label


def test_the_data_page_offers_the_package_for_the_sidebars_filters_changed_twice() -> None:
    at = _data_page()
    assert not at.exception
    assert _package_button(at) == "Download the whole dataset (ZIP)"
    assert f"The whole dataset, version {PACKAGE['version']}" in [h.value for h in at.header]
    for chosen, words in ((["moon"], "Moon"), (["moon", "small_bodies"], "Moon, Small bodies")):
        at.sidebar.multiselect(key="destination").set_value(chosen).run()
        assert not at.exception
        assert _package_button(at) == f"Download the dataset for {words} (ZIP)"
        assert any(f"the missions of **{words}**" in c.value for c in at.caption)
    at.sidebar.multiselect(key="destination").set_value([]).run()
    assert _package_button(at) == "Download the whole dataset (ZIP)"


def test_the_data_page_shows_each_tables_dictionary_from_the_package() -> None:
    at = _data_page()
    for table in ("missions", "agencies"):  # twice, by the same fixed key
        at.selectbox(key="table").set_value(table).run()
        spec = TABLES_BY_NAME[table]
        (shown,) = [e for e in at.expander if e.label == f"Columns of {spec.file_name}"]
        frame = shown.dataframe[0].value
        assert list(frame["column"]) == list(spec.column_names)
        assert list(frame["rules"]) == [row.rules for row in dictionary(spec)]


def test_a_broken_table_disables_the_package_with_the_reason(data_copy: Path, monkeypatch) -> None:
    from components.data import DATA_DIR_ENV

    (data_copy / "agencies.csv").write_text("agency_id\n", encoding="utf-8")
    monkeypatch.setenv(DATA_DIR_ENV, str(data_copy))
    at = _data_page()
    assert not at.exception
    assert not [b for b in at.get("download_button") if b.proto.label.endswith("(ZIP)")]
    assert any("package cannot be built while a table fails to load" in w.value for w in at.warning)
