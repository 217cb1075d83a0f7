"""Data & sources: every table, browsable and downloadable, with its dictionary and errata."""

import streamlit as st

from components.data import current_data_dir, get_dataset
from components.package import LICENCE_NOTE, citation_cff, dictionary, package_name, package_scope, package_zip
from components.schema import PACKAGE, PACKAGE_VERSION, TABLES_BY_NAME
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

with st.expander(f"Columns of {spec.file_name}", icon=":material/menu_book:"):
    if spec.description:
        st.markdown(md(spec.description))
    st.dataframe(
        [vars(row) for row in dictionary(spec)],
        hide_index=True,
        column_config={
            "column": st.column_config.TextColumn("Column", width="small"),
            "type": st.column_config.TextColumn("Type", width="small"),
            "rules": st.column_config.TextColumn("Rules", width="medium"),
            "meaning": st.column_config.TextColumn("Meaning", width="large"),
        },
        width="stretch",
    )
    st.caption("The same dictionary as data/README.md, both written from data/datapackage.json.")


st.header("Seed errata")
if tables_ready(dataset, "errata"):
    st.caption("Where a seed text differs from the public record. The data uses the record.")
    st.dataframe(
        dataset.errata,
        hide_index=True,
        column_config=column_config(TABLES_BY_NAME["errata"]),
        column_order=("section", "topic", "seed_says", "record_says", "source"),
        width="stretch",
    )

st.header(f"The whole dataset, version {PACKAGE_VERSION}")
st.markdown(
    f"The tables form one open **data package** (Frictionless Data Package, `datapackage.json`): every column's "
    f"type, allowed values, keys and references, so the files can be checked with `frictionless validate` and "
    f"reused without the app. Cite it as *{md(PACKAGE['title'])}, dataset {PACKAGE_VERSION}*; "
    "data/CHANGELOG.md lists what changed in each version."
)
view = current_state(dataset)
scope = package_scope(view, choices.vocabulary)
if dataset.problems:
    st.warning(
        "The package cannot be built while a table fails to load (see above): it would not pass its own check.",
        icon=":material/warning:",
    )
else:
    if scope:
        st.caption(
            f"With the sidebar's filters: the missions of **{md(scope)}**, their participants and the technology "
            "examples that name them; every other table whole. Clear the filters for every row."
        )
    st.download_button(
        f"Download the dataset for {md(scope)} (ZIP)" if scope else "Download the whole dataset (ZIP)",
        data=lambda: package_zip(dataset, view, choices.vocabulary, current_data_dir()),
        file_name=f"{package_name(view, choices.vocabulary)}.zip",
        mime="application/zip",
        icon=":material/folder_zip:",
        key="download_package",
        on_click="ignore",
        help=(
            "Every CSV, datapackage.json, CITATION.cff and a README on what is reconstructed and corrected. "
            "Rows you uploaded stay out: the table downloads above hold them."
        ),
    )
with st.expander("Licence and citation", icon=":material/license:"):
    st.markdown(LICENCE_NOTE)
    st.code(citation_cff(), language="yaml")
