"""How each data table is shown and downloaded: column configs built from the schema."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from components.data import current_data_dir
from components.memo import shared
from components.schema import TABLES, Col, TableSpec
from components.vocabulary import STATUS_LABELS, Vocabulary, column_label, status_label

LONG_TEXT = {
    "summary",
    "covers",
    "cooperation_brings",
    "suited_rationale",
    "definition",
    "examples",
    "governance",
    "lessons",
    "description",
    "focus",
    "benefit",
    "rationale",
    "note",
    "contribution",
    "seed_says",
    "record_says",
}


def column_config(spec: TableSpec) -> dict[str, object]:
    """A ``column_config`` mapping for ``st.dataframe`` derived from the table's spec."""
    return _config_for(spec.columns)


def column_config_for_frame(frame: pd.DataFrame) -> dict[str, object]:
    """Column configs for a derived frame: known columns keep their table's type and format."""
    known: dict[str, Col] = {}
    for spec in TABLES:
        for col in spec.columns:
            known.setdefault(col.name, col)
    return _config_for([known.get(name, Col(name)) for name in frame.columns])


def _config_for(columns) -> dict[str, object]:
    config: dict[str, object] = {}
    for col in columns:
        label = column_label(col.name)
        if col.name == "source_url":
            config[col.name] = st.column_config.LinkColumn(label, display_text="open", width="small")
        elif col.kind == "int":
            config[col.name] = st.column_config.NumberColumn(label, format="%d", width="small")
        elif col.kind == "float":
            config[col.name] = st.column_config.NumberColumn(label, format="%.3f", width="small")
        elif col.kind == "bool":
            config[col.name] = st.column_config.CheckboxColumn(label, width="small")
        elif col.kind == "date":
            config[col.name] = st.column_config.DateColumn(label, format="YYYY-MM-DD", width="small")
        elif col.name in LONG_TEXT:
            config[col.name] = st.column_config.TextColumn(label, width="large")
        else:
            config[col.name] = st.column_config.TextColumn(label)
    return config


def raw_csv(spec: TableSpec, directory: Path | None = None) -> bytes:
    """The file exactly as stored, so a download is the citable original."""
    return ((directory or current_data_dir()) / spec.file_name).read_bytes()


def search_rows(frame: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows where any text cell contains ``query`` (case-insensitive, literal)."""
    query = query.strip()
    if not query:
        return frame
    text = frame.astype("string").fillna("")
    hit = text.apply(lambda column: column.str.contains(query, case=False, regex=False)).any(axis=1)
    return frame[hit]


NAMED_COLUMNS = {  # id column → (column shown instead, vocabulary kind)
    "destination_id": ("destination", "destinations"),
    "lead_agency_id": ("lead", "agencies"),
    "agency_id": ("agency", "agencies"),
    "cooperation_mode_id": ("cooperation_mode", "modes"),
    "mode_id": ("cooperation_mode", "modes"),
    "operator_agency_id": ("operator", "agencies"),
    "provider_agency_id": ("provider", "agencies"),
    "recipient_agency_id": ("recipient", "agencies"),
    "group_id": ("group", "groups"),
}


NAMED_COLUMN_NAMES = {name for name, _ in NAMED_COLUMNS.values()}


def name_columns_config() -> dict[str, object]:
    return {name: st.column_config.TextColumn(column_label(name)) for name in NAMED_COLUMN_NAMES}


@shared()
def with_names(frame: pd.DataFrame, vocabulary: Vocabulary) -> pd.DataFrame:
    """The frame with a name column beside each id column and statuses in words, for display."""
    named = frame.copy()
    for id_column, (name_column, kind) in NAMED_COLUMNS.items():
        if id_column in named.columns and name_column not in named.columns:
            labels = vocabulary.labels(kind)
            named[name_column] = named[id_column].map(lambda v, labels=labels: labels.get(v, v) if pd.notna(v) else v)
    if "status" in named.columns and named["status"].isin(list(STATUS_LABELS)).all():
        named["status"] = named["status"].map(status_label)
    return named


@shared()
def blank_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Empty cells stay empty on screen (Streamlit prints missing text as "None")."""
    text_columns = [c for c in frame.columns if frame[c].dtype == object or str(frame[c].dtype).startswith("string")]
    return frame.assign(**{c: frame[c].astype("string").fillna("") for c in text_columns})


@shared()
def _shown(frame: pd.DataFrame, sort_by: tuple[str, ...]) -> tuple[pd.DataFrame, dict[str, object]]:
    ordered = frame.sort_values(list(sort_by), kind="stable", na_position="last") if sort_by else frame
    return blank_missing(ordered), column_config_for_frame(frame)


UPLOADED = "uploaded"  # rows the user uploaded in this session (``components.upload``)


def uploaded_column(config: dict[str, object]) -> dict[str, object]:
    """The column config with the uploaded rows' marker, a tick labelled "Uploaded"."""
    return config | {
        UPLOADED: st.column_config.CheckboxColumn(
            "Uploaded", help="Added from your file, this session only", width="small"
        )
    }


def show_frame(frame: pd.DataFrame, columns: tuple[str, ...], *, sort_by: tuple[str, ...] = (), **kwargs) -> None:
    """A read-only table with the house column formats, for derived frames in pages, sorted
    by ``sort_by`` (stable, missing values last). Prepared once per frame. Rows the user
    uploaded are ticked in a first column "Uploaded" when there are any."""
    shown, config = _shown(frame, sort_by)
    if UPLOADED in frame.columns and frame[UPLOADED].fillna(False).astype(bool).any():
        columns, config = (UPLOADED, *columns), uploaded_column(config)
    st.dataframe(shown, hide_index=True, column_order=columns, column_config=config, width="stretch", **kwargs)


def unverified_mask(frame: pd.DataFrame) -> pd.Series:
    """Rows whose source or note flags a fact not confirmed against a primary record."""
    mask = pd.Series(False, index=frame.index)
    for column in ("source", "note"):
        if column in frame.columns:
            mask |= frame[column].astype("string").str.contains("unverified", case=False, na=False)
    return mask
