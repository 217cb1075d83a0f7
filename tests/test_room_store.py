"""The workshop poll: its rules, its rights, its storage under a room's worth of phones, its links.

Store tests run on SQLite and, where the PostgreSQL 15 binaries are installed, on a
throwaway cluster started for this session; each test gets an empty database (a new file,
or a new schema on the cluster).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import multiprocessing
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import types
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
import segno
from sqlalchemy import create_engine, func, select, text

from components.room import (
    CODE_ALPHABET,
    DEFAULT_TITLE,
    MAX_TITLE_CHARS,
    SCHEMA_VERSION,
    Ballot,
    InvalidAnswer,
    InvalidToken,
    Limits,
    MalformedRoomCode,
    NotFacilitator,
    PollVocabulary,
    RateLimited,
    RoomClosed,
    RoomError,
    RoomFull,
    RoomStore,
    UnknownRoom,
    clean_title,
    connection_kwargs,
    database_url,
    engine_for,
    ensure_schema,
    facilitator_url,
    format_code,
    join_url,
    lan_address,
    new_token,
    normalise_code,
    qr_code,
    qr_png,
    qr_svg,
    schema_version_of,
    server_base_url,
    validate_ballot,
    validate_token,
)
from components.room import store as store_module
from components.room.store import answers, participants, rooms, schema_version

PG_BIN = Path("/usr/lib/postgresql/15/bin")
WRITERS = 40
VOCABULARY = PollVocabulary(
    destinations=("moon", "mars", "comets"),
    modes=("instrument_delivery", "working_group", "integrated_mission"),
    pillars=("science", "missions"),
    destination_labels={"moon": "Moon", "mars": "Mars", "comets": "Comets"},
)


class Clock:
    """A clock the test moves by hand, so rate limits are tested without sleeping."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# PostgreSQL: one cluster for the session ----------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(*command: str) -> list[str]:
    """The server refuses to run as root, so root runs it as the ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a private PostgreSQL 15 cluster (trust auth, 127.0.0.1 only), stopped at the end."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL 15 is not installed ({PG_BIN}/initdb not found)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as another user")
    if os.geteuid() == 0:
        try:
            import pwd

            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server")
    root = Path(tempfile.mkdtemp(prefix="h2061-pg-"))
    if os.geteuid() == 0:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    os.chmod(root, 0o700)
    data, log, port = root / "data", root / "server.log", _free_port()
    subprocess.run(
        _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"),
        check=True,
        capture_output=True,
    )
    options = f"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off"
    started = subprocess.run(
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o", options, "start"),
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:
        detail = log.read_text() if log.exists() else started.stderr
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {detail}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_admin(postgres_url: str) -> Iterator:
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or a new schema on the session's PostgreSQL cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'room.sqlite'}"
    admin = request.getfixturevalue("postgres_admin")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    base = request.getfixturevalue("postgres_url")
    return f"{base}?options=-csearch_path%3D{schema}"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_store(db_url: str, clock: Clock) -> Iterator[Callable[..., RoomStore]]:
    """Stores on the test's database; their engines are disposed at the end."""
    made: list[RoomStore] = []

    def make(**options: object) -> RoomStore:
        options.setdefault("clock", clock)
        store = RoomStore(engine_for(db_url), VOCABULARY, **options)
        made.append(store)
        return store

    yield make
    for store in made:
        store.engine.dispose()


@pytest.fixture
def store(make_store: Callable[..., RoomStore]) -> RoomStore:
    return make_store()


def _rows(store: RoomStore, table) -> list:
    with store.engine.connect() as conn:
        return conn.execute(select(table)).all()


# Rules, without a database ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ["K7M4QX", "k7m4qx", " K7M-4QX ", "k7m 4qx", "K7M–4QX", "K 7 M 4 Q X"])
def test_room_code_is_read_whatever_the_case_and_separators(typed: str) -> None:
    assert normalise_code(typed) == "K7M4QX"


@pytest.mark.parametrize("typed", ["K7M4Q", "K7M4QXZ", "K7M4Q0", "K7M4QI", "K7M4Q1", "<b>x</b>", "K7M4Q?"])
def test_malformed_room_code_says_what_a_code_looks_like(typed: str) -> None:
    with pytest.raises(MalformedRoomCode) as refused:
        normalise_code(typed)
    assert "is not a room code" in refused.value.message
    assert "6 letters and digits" in refused.value.message


def test_empty_room_code_asks_for_one() -> None:
    with pytest.raises(MalformedRoomCode, match="Enter the room code"):
        normalise_code("  - ")


def test_code_is_shown_in_two_halves() -> None:
    assert format_code("K7M4QX") == "K7M-4QX"
    assert normalise_code(format_code("K7M4QX")) == "K7M4QX"


def test_the_poll_offers_table_7_1_and_the_cooperation_modes_but_not_national(dataset) -> None:
    from components.schema import MODE_IDS
    from components.vocabulary import Vocabulary

    vocabulary = Vocabulary.from_dataset(dataset)
    poll = PollVocabulary.from_vocabulary(vocabulary)
    assert poll.destinations == vocabulary.table_destinations
    assert poll.destinations == (
        "moon",
        "terrestrial_planets",
        "giant_planets",
        "small_bodies",
        "heliopause_ism",
        "exoplanets",
    )
    assert "national" not in poll.modes and set(poll.modes) == set(MODE_IDS)
    assert poll.pillars == tuple(vocabulary.pillars)
    assert poll.destination_label("moon") == "Moon"
    with pytest.raises(InvalidAnswer) as refused:
        validate_ballot(poll, "moon", ["national"])
    assert refused.value.message == "mode 'national' is not a cooperation mode."


def test_ballot_names_what_the_poll_does_not_offer() -> None:
    with pytest.raises(InvalidAnswer, match="mode 'x' is not a cooperation mode"):
        validate_ballot(VOCABULARY, "moon", ["working_group", "x"])
    with pytest.raises(InvalidAnswer, match="destination 'pluto' is not one of"):
        validate_ballot(VOCABULARY, "pluto", ["working_group"])
    with pytest.raises(InvalidAnswer, match="pillar 'budget' is not one of"):
        validate_ballot(VOCABULARY, "moon", ["working_group"], "budget")
    with pytest.raises(TypeError):
        validate_ballot(VOCABULARY, "moon", "working_group")


def test_ballot_keeps_modes_in_ladder_order_once_each() -> None:
    ballot = validate_ballot(VOCABULARY, "mars", ["integrated_mission", "instrument_delivery", "integrated_mission"])
    assert ballot == Ballot("mars", ("instrument_delivery", "integrated_mission"), None)
    assert validate_ballot(VOCABULARY, "mars", []).modes == ()  # "no mode fits" is an answer


def test_title_is_one_printable_line_of_at_most_200_characters() -> None:
    assert clean_title("Workshop\x00 \x1b[31mred\u202e\n2061\t") == "Workshop [31mred 2061"
    assert len(clean_title("x" * 500)) == MAX_TITLE_CHARS
    assert clean_title(" \x07 ") == DEFAULT_TITLE
    assert clean_title("Café ✓ — Horizon") == "Café ✓ — Horizon"


def test_tokens_are_random_and_checked() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(validate_token(token) == token for token in tokens)
    for bad in ["", "short", "x" * 65, "has space in it 123", "ünïcode-ünïcode-ünï", None, 42]:
        with pytest.raises(InvalidToken):
            validate_token(bad)  # type: ignore[arg-type]


def test_every_refusal_is_a_room_error_with_a_sentence() -> None:
    for error in [RoomFull(500), RateLimited(0.4), RoomClosed(), NotFacilitator(), InvalidToken()]:
        assert isinstance(error, RoomError)
        assert error.message.endswith(".") and str(error) == error.message
    assert "500 participants" in RoomFull(500).message
    assert "wait 1 s" in RateLimited(0.4).message


# Database location -----------------------------------------------------------------------


def test_database_url_from_setting_environment_or_default(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("H2061_ROOM_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert database_url() == f"sqlite:///{tmp_path / 'xdg' / 'horizon2061' / 'room.sqlite'}"
    monkeypatch.setenv("H2061_ROOM_DB", str(tmp_path / "poll.db"))
    assert database_url() == f"sqlite:///{tmp_path / 'poll.db'}"
    monkeypatch.setenv("H2061_ROOM_DB", "postgresql+psycopg://u@db/poll")
    assert database_url() == "postgresql+psycopg://u@db/poll"
    assert connection_kwargs({}) == {"url": "postgresql+psycopg://u@db/poll"}
    assert connection_kwargs({"url": "sqlite:///elsewhere.db"}) == {}  # secrets.toml wins
    assert "data" not in Path(database_url("")).parts[-3:]


# Rooms and rights ------------------------------------------------------------------------


def test_open_room_gives_a_short_code_and_keeps_only_the_key_hash(store: RoomStore) -> None:
    code, key = store.open_room("  Horizon 2061 workshop\x07 ")
    assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
    assert len(key) >= 32
    info = store.require_room(code.lower())
    assert (info.code, info.title, info.closed, info.participants) == (code, "Horizon 2061 workshop", False, 0)
    [row] = _rows(store, rooms)
    assert row.facilitator_key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in repr(tuple(row))


def test_a_clash_of_codes_draws_another(store: RoomStore, monkeypatch) -> None:
    drawn = iter(["AAAAAA", "AAAAAA", "BBBBBB"])
    monkeypatch.setattr(store_module, "new_room_code", lambda: next(drawn))
    assert store.open_room()[0] == "AAAAAA"
    assert store.open_room()[0] == "BBBBBB"


def test_unknown_and_malformed_rooms_are_told_apart(store: RoomStore) -> None:
    assert store.room("ZZZ-ZZZ") is None
    with pytest.raises(UnknownRoom, match="There is no room ZZZZZZ"):
        store.require_room("zzz zzz")
    with pytest.raises(UnknownRoom):
        store.join("ZZZZZZ", new_token())
    with pytest.raises(UnknownRoom):
        store.submit("ZZZZZZ", new_token(), "moon", ["working_group"])
    with pytest.raises(MalformedRoomCode):
        store.room("ZZZ")


def test_only_the_key_closes_clears_reopens_or_exports(store: RoomStore) -> None:
    code, key = store.open_room("A")
    other_code, other_key = store.open_room("B")
    token = new_token()
    store.submit(code, token, "moon", ["working_group"])
    for wrong in [None, "", "not-the-key", other_key, key[:-1], key + "x"]:
        for action in (store.close, store.reopen, store.clear, store.export_csv):
            with pytest.raises(NotFacilitator):
                action(code, wrong)
        assert not store.is_facilitator(code, wrong)
    assert store.is_facilitator(code, key) and not store.is_facilitator(other_code, key)
    assert not store.is_facilitator("ZZZZZZ", key)
    assert not store.room(code).closed
    assert store.results(code).votes.loc["moon", "working_group"] == 1


def test_closing_stops_answers_and_reopening_accepts_them(store: RoomStore, clock: Clock) -> None:
    code, key = store.open_room()
    token = new_token()
    store.submit(code, token, "moon", ["working_group"])
    clock.advance(5)
    store.close(code, key)
    closed_at = store.room(code).closed_at
    assert closed_at is not None
    with pytest.raises(RoomClosed):
        store.submit(code, token, "moon", ["integrated_mission"])
    with pytest.raises(RoomClosed):
        store.submit(code, new_token(), "mars", [])
    store.close(code, key)  # again: nothing changes
    assert store.room(code).closed_at == closed_at
    late = new_token()
    assert store.join(code, late).participants == 2  # a closed room can still be entered
    results = store.results(code)
    assert results.closed and results.votes.loc["moon", "working_group"] == 1
    assert results.votes.loc["moon", "integrated_mission"] == 0
    store.reopen(code, key)
    assert store.submit(code, token, "moon", ["integrated_mission"]).modes == ("integrated_mission",)
    assert store.results(code).votes.loc["moon"].to_dict() == {
        "instrument_delivery": 0,
        "working_group": 0,
        "integrated_mission": 1,
    }


def test_clearing_removes_answers_but_not_participants(store: RoomStore) -> None:
    code, key = store.open_room()
    tokens = [new_token() for _ in range(3)]
    for token in tokens:
        store.submit(code, token, "comets", ["instrument_delivery"], "science")
    store.clear(code, key)
    results = store.results(code)
    assert results.participants == 3 and results.respondents == 0
    assert int(results.votes.to_numpy().sum()) == 0 and int(results.pillars.to_numpy().sum()) == 0
    assert store.room(code).cleared_at is not None
    assert store.answers_of(code, tokens[0]) == {}
    store.submit(code, tokens[0], "comets", ["working_group"])
    assert store.results(code).votes.loc["comets", "working_group"] == 1


# Answers -----------------------------------------------------------------------------------


def test_changing_an_answer_replaces_it(store: RoomStore) -> None:
    code, _ = store.open_room()
    token, other = new_token(), new_token()
    store.submit(code, token, "moon", ["working_group", "integrated_mission"], "science")
    store.submit(code, other, "moon", ["working_group"])
    store.submit(code, token, "moon", ["instrument_delivery"], "missions")
    store.submit(code, token, "mars", [])
    rows = _rows(store, answers)
    assert Counter((row.token, row.destination_id) for row in rows) == {
        (token, "moon"): 1,
        (other, "moon"): 1,
        (token, "mars"): 1,
    }
    assert store.answers_of(code, token) == {
        "moon": Ballot("moon", ("instrument_delivery",), "missions"),
        "mars": Ballot("mars", (), None),
    }
    results = store.results(code)
    assert results.votes.loc["moon"].to_dict() == {
        "instrument_delivery": 1,
        "working_group": 1,
        "integrated_mission": 0,
    }
    assert results.answered.to_dict() == {"moon": 2, "mars": 1, "comets": 0}
    assert results.pillars.loc["moon"].to_dict() == {"science": 0, "missions": 1}
    assert (results.participants, results.respondents) == (2, 2)


def test_an_invalid_answer_writes_nothing(store: RoomStore) -> None:
    code, _ = store.open_room()
    token = new_token()
    store.submit(code, token, "moon", ["working_group"])
    with pytest.raises(InvalidAnswer):
        store.submit(code, token, "moon", ["national"])
    with pytest.raises(InvalidAnswer):
        store.submit(code, token, "pluto", ["working_group"])
    with pytest.raises(InvalidToken):
        store.submit(code, "not a token", "moon", ["working_group"])
    assert store.answers_of(code, token) == {"moon": Ballot("moon", ("working_group",), None)}


def test_a_whole_form_is_recorded_at_once(store: RoomStore) -> None:
    code, _ = store.open_room()
    token = new_token()
    stored = store.submit_many(
        code,
        token,
        [
            Ballot("moon", ("working_group",)),
            Ballot("mars", ("integrated_mission", "instrument_delivery"), "missions"),
            Ballot("comets", ()),
        ],
    )
    assert [ballot.destination_id for ballot in stored] == ["moon", "mars", "comets"]
    assert stored[1].modes == ("instrument_delivery", "integrated_mission")
    with pytest.raises(InvalidAnswer):  # one bad ballot and none of the form is kept
        store.submit_many(code, token, [Ballot("moon", ("instrument_delivery",)), Ballot("mars", ("bogus",))])
    assert store.answers_of(code, token)["moon"].modes == ("working_group",)


def test_results_cover_every_destination_and_mode_in_order(store: RoomStore) -> None:
    code, _ = store.open_room()
    assert store.results(code).votes.shape == (3, 3)
    for index in range(4):
        store.submit(code, new_token(), "mars", ["working_group"] if index else [], "science")
    results = store.results(code)
    assert list(results.votes.index) == ["moon", "mars", "comets"]
    assert list(results.votes.columns) == ["instrument_delivery", "working_group", "integrated_mission"]
    assert list(results.pillars.columns) == ["science", "missions"]
    assert results.shares().loc["mars", "working_group"] == pytest.approx(0.75)
    assert results.shares().loc["moon"].sum() == 0
    tidy = results.tidy()
    assert list(tidy.columns) == ["destination_id", "mode_id", "votes", "answered", "share"]
    assert len(tidy) == 9
    row = tidy[(tidy.destination_id == "mars") & (tidy.mode_id == "working_group")].iloc[0]
    assert (row.votes, row.answered, row.share) == (3, 4, pytest.approx(0.75))
    assert results.last_answer_at is not None


def test_export_numbers_participants_and_never_prints_tokens(store: RoomStore, clock: Clock) -> None:
    code, key = store.open_room()
    first, second = new_token(), new_token()
    store.join(code, first)
    clock.advance(1)
    store.submit(code, second, "moon", ["working_group"], "science")
    store.submit(code, first, "mars", ["instrument_delivery", "integrated_mission"])
    exported = store.export_csv(code.lower(), key)
    assert first not in exported and second not in exported and key not in exported
    frame = pd.read_csv(io.StringIO(exported), keep_default_na=False)
    assert list(frame.columns) == [
        "participant",
        "destination_id",
        "destination",
        "instrument_delivery",
        "working_group",
        "integrated_mission",
        "pillar_id",
        "pillar",
        "updated_at",
    ]
    assert frame[["participant", "destination_id", "destination"]].values.tolist() == [
        ["P001", "mars", "Mars"],
        ["P002", "moon", "Moon"],
    ]
    assert frame.loc[0, ["instrument_delivery", "working_group", "integrated_mission"]].tolist() == [1, 0, 1]
    assert frame.loc[1, "pillar_id"] == "science" and frame.loc[0, "pillar_id"] == ""
    assert frame.loc[0, "updated_at"].endswith("+00:00")


# Limits ------------------------------------------------------------------------------------


def test_room_is_full_at_the_cap_but_members_stay_welcome(make_store: Callable[..., RoomStore]) -> None:
    store = make_store(limits=Limits(max_participants=3))
    code, _ = store.open_room()
    members = [new_token() for _ in range(3)]
    for token in members:
        store.join(code, token)
    with pytest.raises(RoomFull, match="already has 3 participants"):
        store.join(code, new_token())
    with pytest.raises(RoomFull):
        store.submit(code, new_token(), "moon", ["working_group"])
    assert store.join(code, members[0]).participants == 3
    store.submit(code, members[1], "moon", ["working_group"])
    assert store.results(code).participants == 3


def test_default_cap_is_500() -> None:
    assert Limits().max_participants == 500


def test_rate_limit_allows_a_burst_then_one_answer_per_half_second(store: RoomStore, clock: Clock) -> None:
    code, _ = store.open_room()
    token, neighbour = new_token(), new_token()
    for index in range(20):
        store.submit(code, token, "moon", ["working_group"] if index % 2 else ["integrated_mission"])
    with pytest.raises(RateLimited) as refused:
        store.submit(code, token, "mars", ["working_group"])
    assert refused.value.retry_after == pytest.approx(0.5)
    assert "mars" not in store.answers_of(code, token)  # the refused answer was not kept
    store.submit(code, neighbour, "mars", ["working_group"])  # the limit is per participant
    clock.advance(0.5)
    store.submit(code, token, "mars", ["working_group"])
    with pytest.raises(RateLimited):
        store.submit(code, token, "comets", ["working_group"])
    clock.advance(10)
    for _ in range(20):  # the bucket refills to the burst, no further
        store.submit(code, token, "comets", ["working_group"])
    with pytest.raises(RateLimited):
        store.submit(code, token, "comets", ["working_group"])


# Durability and schema ---------------------------------------------------------------------


def test_answers_survive_a_restart(db_url: str, clock: Clock) -> None:
    first = RoomStore(engine_for(db_url), VOCABULARY, clock=clock)
    code, key = first.open_room("Before the restart")
    token = new_token()
    first.submit(code, token, "comets", ["integrated_mission"], "missions")
    first.close(code, key)
    first.engine.dispose()
    again = RoomStore(engine_for(db_url), VOCABULARY, clock=clock)
    try:
        assert again.room(code).title == "Before the restart" and again.room(code).closed
        assert again.answers_of(code, token) == {"comets": Ballot("comets", ("integrated_mission",), "missions")}
        assert again.is_facilitator(code, key)
        assert len(_rows(again, schema_version)) == 1
    finally:
        again.engine.dispose()


def test_schema_version_is_recorded_once(store: RoomStore, clock: Clock) -> None:
    assert SCHEMA_VERSION == 1
    assert schema_version_of(store.engine) == SCHEMA_VERSION
    clock.advance(60)
    assert ensure_schema(store.engine, clock=clock) == SCHEMA_VERSION
    RoomStore(store.engine, VOCABULARY, clock=clock)
    [row] = _rows(store, schema_version)
    assert (row.version, row.applied_at) == (1, 1_800_000_000.0)


def test_an_empty_database_has_no_version_yet(db_url: str) -> None:
    engine = engine_for(db_url)
    try:
        assert schema_version_of(engine) is None
    finally:
        engine.dispose()


def test_a_newer_schema_is_refused(store: RoomStore) -> None:
    with store.engine.begin() as conn:
        conn.execute(schema_version.update().values(version=SCHEMA_VERSION + 1))
    with pytest.raises(RuntimeError, match="newer than this app's"):
        ensure_schema(store.engine)


def _create_schema(url: str, barrier, failures) -> None:
    engine = engine_for(url)
    try:
        barrier.wait(timeout=60)
        ensure_schema(engine)
    except Exception as error:  # reported to the parent, which fails the test
        failures.put(f"{type(error).__name__}: {error}")
    finally:
        engine.dispose()


def test_schema_creation_from_processes_at_once(db_url: str) -> None:
    context = _process_context()
    barrier, failures = context.Barrier(4), context.Queue()
    workers = [context.Process(target=_create_schema, args=(db_url, barrier, failures)) for _ in range(4)]
    _run_all(workers)
    assert _drain(failures) == []
    assert [worker.exitcode for worker in workers] == [0] * 4
    engine = engine_for(db_url)
    try:
        assert schema_version_of(engine) == SCHEMA_VERSION
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(schema_version)).scalar() == 1
    finally:
        engine.dispose()


def test_sqlite_engine_runs_in_wal_with_a_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there" / "room.sqlite"
    engine = engine_for(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert path.parent.is_dir()
    finally:
        engine.dispose()


def test_an_engine_made_elsewhere_gets_the_same_settings(tmp_path: Path) -> None:
    """What ``st.connection`` hands over: a plain engine, already used once."""
    engine = create_engine(f"sqlite:///{tmp_path / 'plain.sqlite'}")
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    store = RoomStore(engine, VOCABULARY)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        code, _ = store.open_room()
        store.submit(code, new_token(), "moon", ["working_group"])
        assert store.results(code).respondents == 1
    finally:
        engine.dispose()


# A room's worth of phones at once ---------------------------------------------------------


def _ballots(index: int) -> list[tuple[str, list[str], str | None]]:
    """Writer ``index``'s answers: a first answer for the Moon that it then changes, and two others."""
    modes = VOCABULARY.modes
    return [
        ("moon", [modes[0]], None),
        ("mars", [modes[index % 3]], VOCABULARY.pillars[index % 2]),
        ("comets", [modes[index % 3], modes[(index + 1) % 3]], None),
        ("moon", [modes[index % 3]], "science"),
    ]


def _expected() -> tuple[Counter, Counter]:
    votes, pillars = Counter(), Counter()
    for index in range(WRITERS):
        final = {destination: (modes, pillar) for destination, modes, pillar in _ballots(index)}
        for destination, (modes, pillar) in final.items():
            votes.update((destination, mode) for mode in modes)
            if pillar:
                pillars[destination, pillar] += 1
    return votes, pillars


def _write_answers(store: RoomStore, code: str, index: int, barrier) -> None:
    token = new_token()
    store.join(code, token)
    barrier.wait(timeout=60)
    for destination, modes, pillar in _ballots(index):
        store.submit(code, token, destination, modes, pillar)


def _assert_every_answer_counted(store: RoomStore, code: str) -> None:
    results = store.results(code)
    votes, pillars = _expected()
    assert (results.participants, results.respondents) == (WRITERS, WRITERS)
    assert results.answered.to_dict() == {"moon": WRITERS, "mars": WRITERS, "comets": WRITERS}
    counted = {(d, m): int(results.votes.loc[d, m]) for d in VOCABULARY.destinations for m in VOCABULARY.modes}
    assert counted == {key: votes.get(key, 0) for key in counted}
    counted_pillars = {
        (d, p): int(results.pillars.loc[d, p]) for d in VOCABULARY.destinations for p in VOCABULARY.pillars
    }
    assert counted_pillars == {key: pillars.get(key, 0) for key in counted_pillars}
    assert len(_rows(store, answers)) == 3 * WRITERS
    assert len(_rows(store, participants)) == WRITERS


def test_forty_threads_answer_at_the_same_moment(store: RoomStore) -> None:
    code, _ = store.open_room()
    barrier = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def writer(index: int) -> None:
        try:
            _write_answers(store, code, index, barrier)
        except BaseException as error:
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=writer, args=(index,)) for index in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    _assert_every_answer_counted(store, code)


def _process_writer(url: str, code: str, index: int, barrier, failures) -> None:
    engine = engine_for(url)
    try:
        store = RoomStore(engine, VOCABULARY, create_schema=False)
        _write_answers(store, code, index, barrier)
    except BaseException as error:  # reported to the parent, which fails the test
        failures.put(f"writer {index}: {type(error).__name__}: {error}")
        with contextlib.suppress(Exception):
            barrier.abort()
    finally:
        engine.dispose()


def test_forty_processes_answer_at_the_same_moment(store: RoomStore, db_url: str) -> None:
    code, _ = store.open_room()
    store.engine.dispose()  # nothing of the parent's pool is shared with the writers
    context = _process_context()
    barrier, failures = context.Barrier(WRITERS), context.Queue()
    workers = [
        context.Process(target=_process_writer, args=(db_url, code, index, barrier, failures))
        for index in range(WRITERS)
    ]
    _run_all(workers)
    assert _drain(failures) == []
    assert [worker.exitcode for worker in workers] == [0] * WRITERS
    _assert_every_answer_counted(store, code)


def _process_context() -> multiprocessing.context.BaseContext:
    """Fresh processes forked from a server that has imported this module once: clean and quick."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "psycopg", "sqlalchemy.dialects.postgresql.psycopg"])
    return context


def _run_all(workers: list) -> None:
    # A child re-runs the parent's ``__main__`` file before its target; after an AppTest in the
    # same process that is the app's script (Streamlit runs it as ``__main__``), so the children
    # start from a bare ``__main__`` instead.
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        for worker in workers:
            worker.start()
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved
    for worker in workers:
        worker.join(timeout=120)
        if worker.is_alive():
            worker.kill()


def _drain(queue) -> list[str]:
    found = []
    while True:
        try:
            found.append(queue.get(timeout=0.2))
        except Exception:
            return found


# Links and QR codes ----------------------------------------------------------------------


def test_server_address_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("H2061_ROOM_HOST", "127.0.0.1")
    assert server_base_url(8501) == "http://127.0.0.1:8501"
    assert server_base_url(8502, host="192.168.1.20") == "http://192.168.1.20:8502"
    assert server_base_url(8501, host="fe80::1") == "http://[fe80::1]:8501"


def test_lan_address_is_an_ipv4_address_phones_could_reach() -> None:
    import ipaddress

    address = ipaddress.ip_address(lan_address())
    assert address.version == 4
    assert address == ipaddress.ip_address("127.0.0.1") or (address.is_private and not address.is_loopback)


def test_join_link_has_the_code_but_never_the_key(monkeypatch) -> None:
    monkeypatch.setenv("H2061_ROOM_HOST", "127.0.0.1")
    base, key = server_base_url(8501), "k" * 32
    joining, running = join_url(base, "K7M4QX"), facilitator_url(base + "/", "K7M4QX", key)
    assert joining == "http://127.0.0.1:8501/room?room=K7M4QX"
    assert key not in joining and "key" not in parse_qs(urlsplit(joining).query)
    assert urlsplit(running).path == "/room"
    assert parse_qs(urlsplit(running).query) == {"room": ["K7M4QX"], "key": [key]}


def _svg_matrix(svg: str) -> tuple[int, int, set[tuple[int, int]]]:
    """The dark modules an SVG from segno draws, read back from its path and size."""
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    [group] = root.iter("{http://www.w3.org/2000/svg}g")
    scale = int(re.fullmatch(r"scale\((\d+)\)", group.get("transform")).group(1))
    background, path = group.iter("{http://www.w3.org/2000/svg}path")
    assert background.get("fill") == "#fff" and path.get("stroke") == "#000"
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for command, numbers in re.findall(r"([MmHh])([-\d. ]+)", path.get("d")):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            dark.update((int(y - 0.5), int(x + step)) for step in range(int(values[0])))
            x += values[0]
    return int(root.get("width")) // scale, scale, dark


def root_title(svg: str) -> str | None:
    return ET.fromstring(svg).findtext("{http://www.w3.org/2000/svg}title")


def test_qr_svg_draws_exactly_the_code_for_the_join_link(monkeypatch) -> None:
    monkeypatch.setenv("H2061_ROOM_HOST", "127.0.0.1")
    url = join_url(server_base_url(8501), "K7M4QX")
    svg = qr_svg(url, scale=5)
    size, scale, dark = _svg_matrix(svg)
    symbol = qr_code(url)
    assert symbol.designator == segno.make(url, error="m", micro=False, boost_error=False).designator
    assert symbol.mode == "byte" and not symbol.is_micro
    modules, _ = symbol.symbol_size(scale=1, border=0)
    assert (size, scale) == (modules + 8, 5)  # the symbol and its four-module quiet zone
    expected = {(r + 4, c + 4) for r, row in enumerate(symbol.matrix) for c, value in enumerate(row) if value}
    assert dark == expected
    assert root_title(svg) == "Scan to join the room"


def test_qr_png_is_a_png_of_the_same_symbol() -> None:
    url = "http://127.0.0.1:8501/room?room=K7M4QX"
    png = qr_png(url, scale=3)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    modules, _ = qr_code(url).symbol_size(scale=1, border=0)
    assert width == height == (modules + 8) * 3
