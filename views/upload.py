"""Your data: a workshop's own missions beside everyone else's, for this session only.

Upload a CSV or XLSX with the columns of ``data/missions.csv`` or of
``data/mission_participants.csv``. Every row is checked against the same contract as the
shipped files (``components.upload``); errors are listed by row, column and reason, and the
valid rows, once added, appear in every view, export and sequence of this session, marked as
uploaded. Nothing is written to disk.
"""

import streamlit as st

from components.data import UPLOADS_KEY, get_dataset, shipped_dataset
from components.state import view_choices
from components.tables import show_frame, with_names
from components.ui import md
from components.upload import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_ROWS,
    read_uploads,
    safe_csv,
    session_files,
    template_csv,
    template_xlsx,
    uploaded_mask,
)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_WORDS = {"missions": "missions", "mission_participants": "mission participants"}
HELD_FILES_KEY = "h2061_upload_files"  # (name, bytes) of the files whose rows were added

shipped = shipped_dataset()
dataset = get_dataset()
vocabulary = view_choices(shipped).vocabulary
st.title("Your data")
st.markdown(
    "Add your own agency's missions or plans and see them beside everyone else's: in every chart, table, export "
    "and presentation of **this session only**. Nothing is saved on the server; close or reload the tab and "
    "they are gone (move between pages with the sidebar)."
)

if not all(name in shipped.tables for name in ("missions", "mission_participants", "agencies", "destinations")):
    st.error("The shipped missions or agencies could not be loaded, so uploads cannot be checked against them.")
    st.stop()

st.header("1. Start from a template")
st.caption(
    "The same columns as `data/missions.csv` and `data/mission_participants.csv`, with one example row each "
    "(a fictional ESA lunar lander). Ids of agencies, destinations, bodies and modes are those of the Data & "
    "sources page. A mission with a lead agency needs no participant row for its lead: it is added for you."
)
columns = st.columns(4)
for column, (table, fmt) in zip(
    columns,
    (("missions", "csv"), ("missions", "xlsx"), ("mission_participants", "csv"), ("mission_participants", "xlsx")),
    strict=True,
):
    column.download_button(
        f"{TABLE_WORDS[table].capitalize()} ({fmt.upper()})",
        data=(lambda t=table: template_csv(t)) if fmt == "csv" else (lambda t=table: template_xlsx(t)),
        file_name=f"{table}_template.{fmt}",
        mime="text/csv" if fmt == "csv" else XLSX_MIME,
        icon=":material/description:",
        key=f"upload_template_{table}_{fmt}",
        on_click="ignore",
        width="stretch",
    )

st.header("2. Upload and check")
files = st.file_uploader(
    "CSV or XLSX files (missions, participants, or both)",
    type=["csv", "xlsx"],
    accept_multiple_files=True,
    key="upload_files",
    max_upload_size=3,
    help=f"At most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB and {MAX_UPLOAD_ROWS:,} rows a file, UTF-8 for CSV.",
)
# The uploader empties when the user leaves the page, but the rows added stay: the files behind
# them are kept, so a file added on a later visit joins them (checked against them) instead of
# replacing them. A file uploaded again under the same name replaces its earlier version.
chosen = [(file.name, file.getvalue()) for file in files or []]
to_check, shown_at = session_files(st.session_state.get(HELD_FILES_KEY) or [], chosen) if chosen else ([], [])
checked = read_uploads(to_check, shipped)
results = [checked[i] for i in shown_at]
for result in results:
    with st.container(border=True):
        table = TABLE_WORDS.get(result.table or "", "unknown table")
        st.markdown(f"**{md(result.name)}** · {md(table)} · {md(result.summary)}")
        if result.file_error:
            st.error(md(result.file_error), icon=":material/block:")
            continue
        if result.errors:
            st.warning(
                f"{len(result.errors)} problem{'s' if len(result.errors) > 1 else ''} in "
                f"{result.rows_with_errors} row{'s' if result.rows_with_errors > 1 else ''}: fix them in the file "
                "and upload it again; the valid rows can be added meanwhile.",
                icon=":material/rule:",
            )
            st.dataframe(result.error_table, hide_index=True, width="stretch", key=f"upload_errors_{result.digest}")
        if len(result.rows):
            preview = ("mission_id", "name", "destination_id", "launch_year", "status", "lead_agency_id")
            if result.table == "mission_participants":
                preview = ("mission_id", "agency_id", "role", "contribution", "source")
            show_frame(with_names(result.rows, vocabulary), preview, key=f"upload_preview_{result.digest}")

held = list(st.session_state.get(UPLOADS_KEY) or [])
usable = [(file, r) for file, r in zip(to_check, checked, strict=True) if not r.file_error and len(r.rows)]
held_digests = [h.digest for h in held]
new_rows = sum(len(r.rows) for r in results if r.digest not in held_digests)  # of the files chosen now


def use_rows() -> None:
    st.session_state[UPLOADS_KEY] = [result for _, result in usable]
    st.session_state[HELD_FILES_KEY] = [file for file, _ in usable]


def remove_rows() -> None:
    st.session_state.pop(UPLOADS_KEY, None)
    st.session_state.pop(HELD_FILES_KEY, None)


st.button(
    f"Add the {new_rows} valid row{'s' if new_rows != 1 else ''} to every view",
    icon=":material/add_task:",
    key="upload_apply",
    type="primary",
    disabled=not usable or [r.digest for _, r in usable] == held_digests,
    on_click=use_rows,
)

st.header("3. In this session")
if not held:
    st.caption("No rows of yours yet: every view shows the shipped data.")
elif dataset is shipped:
    st.warning(
        "Your rows no longer fit the data (the shipped files changed since you added them): upload them again.",
        icon=":material/sync_problem:",
    )
else:
    missions = int(uploaded_mask(dataset.missions).sum())
    participants = int(uploaded_mask(dataset.mission_participants).sum())
    st.success(
        f"{missions} mission{'s' if missions != 1 else ''} and {participants} participant row"
        f"{'s' if participants != 1 else ''} of yours are in every view, export and sequence, marked *uploaded* "
        "(a ticked column in tables, ⇪ on the timelines).",
        icon=":material/check_circle:",
    )
    st.caption(
        f"From {', '.join(md(r.name) for r in held)}. Files uploaded later join them; a file uploaded again "
        "under the same name replaces its rows."
    )
    yours = dataset.missions[uploaded_mask(dataset.missions)]
    show_frame(
        with_names(yours, vocabulary),
        ("mission_id", "name", "destination", "launch_year", "status", "lead"),
        key="upload_yours",
    )
    left, right = st.columns(2)
    left.download_button(
        "Your missions as CSV",
        data=lambda: safe_csv(yours),
        file_name="my_missions.csv",
        mime="text/csv",
        icon=":material/download:",
        key="upload_download_yours",
        on_click="ignore",
        width="stretch",
    )
    right.button("Remove my rows", icon=":material/delete:", key="upload_remove", on_click=remove_rows, width="stretch")
