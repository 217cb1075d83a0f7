"""Room poll: the workshop's own view of Table 7.1, answered live from phones.

A facilitator opens a room and projects its code, join link and QR code; participants answer,
for each destination, which cooperation modes they would recommend (and, if they like, the
pillar that matters most there). The facilitator's results refresh every few seconds beside
the book's recommendation. The facilitator's link carries a key (``?room=CODE&key=KEY``);
the participants' link only the code. Answers live in a real database (``components.room``).

When that database fails (busy, read-only, its file removed), the store says so in one sentence
and the page shows it where the person is looking: beside the *Send* button, in the live
results. A room seen once in this session stays on screen, with the participant's choices, so
that sending again works as soon as the file is back; an answer is called sent only when the
store has recorded it.
"""

from __future__ import annotations

import time
from datetime import datetime

import streamlit as st

from components.analysis import AGREE, BOOK_ONLY, ROOM_ONLY, room_agreement
from components.charts.room import room_summary, room_votes_figure
from components.data import get_dataset
from components.room import (
    MAX_TITLE_CHARS,
    Ballot,
    DatabaseFault,
    PollVocabulary,
    RoomError,
    RoomInfo,
    RoomStore,
    connection_kwargs,
    facilitator_url,
    format_code,
    join_url,
    new_token,
    normalise_code,
    qr_png,
    server_base_url,
)
from components.state import view_choices
from components.ui import LOGGER, md, presentation_chrome, tables_ready
from components.widgets import BIND, flag

REFRESH_S = 3  # the facilitator's results: a participant's answer shows within this, plus a run
TOKEN_KEY = "h2061_room_token"
SEEN_KEY = "h2061_room_seen"  # the room as last read, shown again while the database fails
VERIFIED_KEY = "h2061_room_verified"  # (code, key) whose key this session has checked

dataset = get_dataset()
vocabulary = view_choices(dataset).vocabulary
st.title("Room poll")

if not tables_ready(dataset, "destinations", "cooperation_modes", "destination_modes"):
    st.stop()


@st.cache_resource(show_spinner=False)
def _store_for(_engine, poll: PollVocabulary, url: str) -> RoomStore:
    del url  # the cache key: one store per database
    return RoomStore(_engine, poll)


def room_store() -> RoomStore | None:
    """The poll's store over Streamlit's SQL connection (``[connections.room]`` in secrets.toml,
    else ``H2061_ROOM_DB``, else an SQLite file outside ``data/``); None with a message when the
    database cannot be reached."""
    try:
        section = st.secrets.get("connections", {}).get("room", {})
    except Exception:  # no secrets.toml at all: the default applies
        section = {}
    try:
        connection = st.connection("room", type="sql", **connection_kwargs(section))
        return _store_for(connection.engine, PollVocabulary.from_vocabulary(vocabulary), str(connection.engine.url))
    except RoomError as exc:
        st.error(md(exc.message), icon=":material/database:")
        return None
    except Exception as exc:
        LOGGER.exception("the room database cannot be opened")
        st.error(
            f"The poll's database cannot be opened ({md(type(exc).__name__)}). Check `H2061_ROOM_DB` or "
            "`[connections.room]` in `.streamlit/secrets.toml`; the rest of the app keeps working.",
            icon=":material/database:",
        )
        return None


store = room_store()
if store is None:
    st.stop()
poll = store.vocabulary


def open_room() -> None:
    """Open a room and make this page its facilitator's: the code in the bound field, the key in
    the address (never in a widget, so it is drawn nowhere)."""
    try:
        code, key = store.open_room(st.session_state.get("room_title") or "")
    except RoomError as exc:
        st.session_state["room_problem"] = exc.message
        return
    st.session_state["room"] = format_code(code)
    st.query_params["key"] = key


def base_url() -> str:
    return server_base_url(int(st.get_option("server.port") or 8501))


st.text_input(
    "Room code",
    key="room",
    max_chars=12,
    placeholder="e.g. K7M-4QX",
    help="The code on the facilitator's screen; letters and digits, any case.",
    **BIND,
)
typed = (st.session_state.get("room") or "").strip()
key = st.query_params.get("key")
if problem := st.session_state.pop("room_problem", None):
    st.error(md(problem), icon=":material/error:")


def last_seen(typed: str) -> RoomInfo | None:
    """The room as this session last read it, if that is the room typed."""
    seen = st.session_state.get(SEEN_KEY)
    return seen if seen is not None and seen.code == normalise_code(typed) else None


info: RoomInfo | None = None
if typed:
    try:
        info = store.require_room(typed)
        st.session_state[SEEN_KEY] = info
    except DatabaseFault as exc:  # the code is well formed: the database failed, not the person
        st.error(md(exc.message), icon=":material/database:")
        info = last_seen(typed)
    except RoomError as exc:
        st.error(md(exc.message), icon=":material/search_off:")
    except Exception as exc:
        LOGGER.exception("room lookup failed")
        st.error(f"The poll's database did not answer ({md(type(exc).__name__)}); try again.", icon=":material/error:")

if info is None:
    st.caption("Type the code shown on the projector to join, or open a room to run a poll yourself.")
    with st.container(border=True):
        st.markdown("**Run a poll in your workshop**")
        st.text_input("Title (shown to participants)", key="room_title", max_chars=MAX_TITLE_CHARS)
        st.button("Open a room", icon=":material/meeting_room:", key="room_open", type="primary", on_click=open_room)
        st.caption(
            "You get a code, a join link and a QR code to project. Keep this page's address: it holds the key "
            "that lets you close the poll, clear it and export its results."
        )
    st.stop()

code = info.code
try:
    facilitator = bool(key) and store.is_facilitator(code, key)
    if facilitator:
        st.session_state[VERIFIED_KEY] = (code, key)
except DatabaseFault:  # already said above, or says so in the results below
    facilitator = st.session_state.get(VERIFIED_KEY) == (code, key)
if key and not facilitator:
    st.warning(
        "The key in this address does not match this room: you see the participant's view.", icon=":material/key_off:"
    )
destination_names = {d: poll.destination_label(d) for d in poll.destinations}
mode_names = {m: poll.mode_label(m) for m in poll.modes}


# ---------------------------------------------------------------- facilitator


def agreement_of(results):
    return room_agreement(results.tidy(), results.answered, dataset.destination_modes, poll.destinations, poll.modes)


def results_figure(results):
    agreement = agreement_of(results)
    figure = room_votes_figure(
        agreement, destination_names, mode_names, participants=results.respondents, room=format_code(code)
    )
    return figure, room_summary(agreement, results.respondents), agreement


def facilitator_controls() -> None:
    def act(action) -> None:
        try:
            action(code, key)
        except RoomError as exc:
            st.session_state["room_problem"] = exc.message

    columns = st.columns(3)
    if info.closed:
        columns[0].button(
            "Reopen answers", icon=":material/lock_open:", key="room_reopen", on_click=act, args=(store.reopen,)
        )
    else:
        columns[0].button("Close answers", icon=":material/lock:", key="room_close", on_click=act, args=(store.close,))
    with columns[1].popover("Clear the room", icon=":material/delete_sweep:"):
        st.markdown("Every answer in this room is deleted. The code and the links keep working.")
        st.button("Delete every answer", key="room_clear", type="primary", on_click=act, args=(store.clear,))
    columns[2].download_button(
        "Results as CSV",
        data=lambda: store.export_csv(code, key),
        file_name=f"horizon2061_room_{code}.csv",
        mime="text/csv",
        icon=":material/table_view:",
        key="room_csv",
        on_click="ignore",
    )


@st.fragment(run_every=REFRESH_S)
def live_results() -> None:
    """Refreshes every few seconds; only this part reruns."""
    try:
        results = store.results(code)
    except RoomError as exc:
        st.error(f"{md(exc.message)} The results are read again every {REFRESH_S} s.", icon=":material/database:")
        return
    except Exception as exc:
        LOGGER.exception("room results failed")
        st.error(f"Results could not be read ({md(type(exc).__name__)}); retrying.", icon=":material/sync_problem:")
        return
    if (fault := store.write_fault) is not None:
        st.warning(f"**Answers are not being saved.** {md(fault.message)}", icon=":material/database:")
    counts = st.columns(3)
    counts[0].metric("Participants", results.participants, border=True)
    counts[1].metric("Answered", results.respondents, border=True)
    counts[2].metric("Answers", "closed" if results.closed else "open", border=True)
    figure, summary, agreement = results_figure(results)
    st.plotly_chart(figure, key="room_votes", theme=None, config={"displaylogo": False})
    st.caption(md(summary))
    if results.respondents:
        with st.container(border=True):
            for category, heading in (
                (AGREE, "The room backs the book"),
                (BOOK_ONLY, "The book recommends, the room does not"),
                (ROOM_ONLY, "The room adds"),
            ):
                cells = agreement[agreement["category"] == category]
                listed = "; ".join(
                    f"{md(destination_names[r.destination_id])}: {md(mode_names[r.mode_id])} ({r.share:.0%})"
                    for r in cells.itertuples()
                )
                st.markdown(f"**{heading}** — {listed or 'none'}")
    if results.last_answer_at is not None:
        st.caption(f"Last answer {results.last_answer_at:%H:%M:%S} · refreshed {datetime.now():%H:%M:%S}")


def results_slide() -> bytes:
    from components.downloads import image_renderer
    from components.export.bundle import deck_bytes
    from components.export.figures import DECK_PICTURE, ExportItem, decorate, footer_line
    from components.filters import FilterState

    results = store.results(code)
    figure, summary, _ = results_figure(results)
    line = footer_line(f"room {format_code(code)} · {results.respondents} answered")
    item = ExportItem(
        chart_id="room_votes",
        title=f"The room beside Table 7.1: {info.title}",
        summary=summary,
        source="the room's poll; Table 7.1 reconstructed from ch. 7 §7.5.2",
        filters=f"room {format_code(code)}",
        stem=f"room_{code}",
        figure=decorate(figure, line, bare=True),
        size=DECK_PICTURE,
    )
    return deck_bytes([item], image_renderer(), dataset=dataset, state=FilterState(), scope=f"room {code}")


if facilitator:
    join = join_url(base_url(), format_code(code))
    projecting = flag(
        "Presentation mode",
        "present",
        help="Project the room: no sidebar or toolbar; the code, the QR code and the live results fill the screen.",
    )
    if projecting:
        presentation_chrome()
    st.header(md(info.title))
    left, right = st.columns([3, 2], vertical_alignment="top")
    with left:
        st.markdown(f"## Room code: `{format_code(code)}`")
        st.markdown("Join on your phone:")
        st.code(join, language=None)
        st.caption(
            "The link names this machine's address on the local network (set `H2061_ROOM_HOST` to choose another). "
            "It carries no key: participants cannot close or clear the room."
        )
        with st.expander("Your facilitator link (keep it to yourself)", icon=":material/key:"):
            st.code(facilitator_url(base_url(), format_code(code), key), language=None)
    right.image(qr_png(join, scale=8), caption="Scan to join", width=260, alt=f"QR code of the join link {join}")
    facilitator_controls()
    if problem := st.session_state.pop("room_problem", None):
        st.error(md(problem), icon=":material/error:")
    live_results()
    st.download_button(
        "Results as a slide (PPTX)",
        data=results_slide,
        file_name=f"horizon2061_room_{code}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        icon=":material/slideshow:",
        key="room_slide",
        on_click="ignore",
    )
    st.stop()


# ---------------------------------------------------------------- participant

token = st.session_state.setdefault(TOKEN_KEY, new_token())
st.header(md(info.title))
if info.closed:
    st.info("The facilitator has closed this poll; your answers are kept as sent.", icon=":material/lock:")

if "room_loaded" not in st.session_state or st.session_state["room_loaded"] != code:
    try:  # a participant coming back (same session) sees what they sent
        for destination_id, ballot in store.answers_of(code, token).items():
            st.session_state[f"room_modes_{destination_id}"] = list(ballot.modes)
            st.session_state[f"room_pillar_{destination_id}"] = ballot.pillar
    except RoomError:
        pass
    st.session_state["room_loaded"] = code

st.markdown(
    "For each destination, pick the cooperation modes you would recommend (ch. 7 §7.5.1 describes them), and, "
    "if you like, the pillar that matters most there. Send, and change your mind as often as you like until the "
    "facilitator closes the poll."
)
with st.form("room_answers", border=False):
    for destination_id in poll.destinations:
        with st.container(border=True, key=f"room_destination_{destination_id}"):
            st.markdown(f"**{md(destination_names[destination_id])}**")
            st.pills(
                "Cooperation modes",
                options=list(poll.modes),
                format_func=mode_names.get,
                selection_mode="multi",
                key=f"room_modes_{destination_id}",
                disabled=info.closed,
            )
            st.pills(
                "Pillar that matters most here (optional)",
                options=list(poll.pillars),
                format_func=poll.pillar_label,
                key=f"room_pillar_{destination_id}",
                disabled=info.closed,
            )
    sent = st.form_submit_button(
        "Send my answers", icon=":material/send:", type="primary", disabled=info.closed, width="stretch"
    )

if sent:
    ballots = [
        Ballot(d, tuple(st.session_state.get(f"room_modes_{d}") or ()), st.session_state.get(f"room_pillar_{d}"))
        for d in poll.destinations
        if st.session_state.get(f"room_modes_{d}") or st.session_state.get(f"room_pillar_{d}")
    ]
    if not ballots:
        st.warning("Pick at least one mode or pillar for a destination before sending.", icon=":material/touch_app:")
    else:
        try:
            store.submit_many(code, token, ballots)
        except DatabaseFault as exc:
            st.error(
                f"**Your answers were not recorded.** {md(exc.message)} Your choices are still here: "
                "press *Send my answers* again in a moment.",
                icon=":material/database:",
            )
        except RoomError as exc:
            st.error(md(exc.message), icon=":material/error:")
        except Exception as exc:
            LOGGER.exception("room submit failed")
            st.error(
                f"Your answers could not be saved ({md(type(exc).__name__)}); please send again.",
                icon=":material/error:",
            )
        else:
            st.success(
                f"Sent for {len(ballots)} destination{'s' if len(ballots) > 1 else ''} at "
                f"{time.strftime('%H:%M:%S')}. You can change them and send again.",
                icon=":material/check_circle:",
            )
