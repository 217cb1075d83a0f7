"""Data & sources: every table, browsable and downloadable, with its dictionary and errata."""

import streamlit as st

from components.data import current_data_dir, get_dataset
from components.schema import TABLES_BY_NAME
from components.state import current_state, view_choices
from components.tables import (
    NAMED_COLUMN_NAMES,
    NAMED_COLUMNS,
    UPLOADED,
    blank_missing,
    column_config,
    name_columns_config,
    raw_csv,
    search_rows,
    unverified_mask,
    uploaded_column,
    with_names,
)
from components.ui import md, tables_ready
from components.upload import safe_csv
from components.widgets import choice_select, flag, search_box

dataset = get_dataset()

st.title("Data & sources")
st.markdown(
    "Every fact in the explorer comes from one of these tables. Each row carries a `source`: a section of the "
    "seed texts (ch. 7 of *Planetary Exploration, Horizon 2061*; *Experience with collaborative space projects*, "
    "IISL 2012) or a public record such as NASA's NSSDCA catalogue. Where a seed and the record disagree, the data "
    "keeps the record and the errata below show both."
)
st.info(
    "Table 7.1's cells (benefits and recommended modes per destination) are **reconstructed** from the numbered "
    "paragraphs of ch. 7 §7.5.2: the book prints the table as an image.",
    icon=":material/info:",
)

if dataset.problems:
    with st.expander(f"{len(dataset.problems)} table(s) could not be loaded", expanded=True, icon=":material/error:"):
        for problem in dataset.problems.values():
            st.error(md(problem))

choices = view_choices(dataset)
chosen = choice_select(
    "Table",
    "table",
    choices,
    current_state(dataset),
    help="Type to search the list. The chosen table is part of the link.",
)
spec = TABLES_BY_NAME[chosen]
st.caption(md(spec.title))

if tables_ready(dataset, spec.name):
    frame = dataset.table(spec.name)
    search_box("Filter rows", "rows", placeholder="Type a name, id or source…")
    flagged = unverified_mask(frame)
    if flagged.any():
        flag(
            f"Only the {int(flagged.sum())} rows marked unverified",
            "unverified",
            help="Facts taken from a secondary mention that could not be confirmed against a primary record.",
        )
    state = current_state(dataset)
    shown = search_rows(frame, state.rows or "")
    if state.unverified and flagged.any():
        shown = shown[unverified_mask(shown)]
    st.caption(f"{len(shown)} of {len(frame)} rows · {len(spec.columns)} columns · key: {', '.join(spec.key)}")
    if shown.empty:
        st.info("No row matches this filter.", icon=":material/search_off:")
    else:
        named = with_names(shown, choices.vocabulary)
        order = [c for c in named.columns if c not in NAMED_COLUMN_NAMES or c in shown.columns]
        uploaded = UPLOADED in order and bool(named[UPLOADED].any())
        order = [UPLOADED] + [c for c in order if c != UPLOADED] if uploaded else [c for c in order if c != UPLOADED]
        for id_column, (name_column, _) in NAMED_COLUMNS.items():
            if id_column in order and name_column in named.columns and name_column not in shown.columns:
                order.insert(order.index(id_column) + 1, name_column)
        st.dataframe(
            blank_missing(named),
            hide_index=True,
            column_order=order,
            column_config=uploaded_column(column_config(spec) | name_columns_config()),
            width="stretch",
        )
    st.download_button(
        f"Download {spec.file_name}",
        data=raw_csv(spec),
        file_name=spec.file_name,
        mime="text/csv",
        icon=":material/download:",
        key=f"download_{spec.name}",
    )
    if UPLOADED in frame.columns and frame[UPLOADED].any():
        st.download_button(
            f"Download {spec.file_name} with your {int(frame[UPLOADED].sum())} uploaded rows",
            data=lambda: safe_csv(frame),
            file_name=spec.file_name.replace(".csv", "_with_uploads.csv"),
            mime="text/csv",
            icon=":material/download:",
            key=f"download_{spec.name}_with_uploads",
            on_click="ignore",
        )

st.subheader("Seed errata")
if tables_ready(dataset, "errata"):
    st.caption("Where a seed text differs from the public record. The data uses the record.")
    st.dataframe(
        dataset.errata,
        hide_index=True,
        column_config=column_config(TABLES_BY_NAME["errata"]),
        column_order=("section", "topic", "seed_says", "record_says", "source"),
        width="stretch",
    )

with st.expander("Data dictionary (data/README.md)", icon=":material/menu_book:"):
    dictionary = current_data_dir() / "README.md"
    if dictionary.is_file():
        st.markdown(dictionary.read_text(encoding="utf-8"))
    else:
        st.warning("data/README.md is missing.")
