"""The poll's storage: rooms, participants and their answers, over any SQLAlchemy engine.

A workshop is 20–40 phones answering within the same minute, through one Streamlit server
(many threads) or several (many processes), so every write is one short explicit
transaction that is retried when the database is momentarily busy:

- SQLite (the default, one file, nothing to install) runs in WAL mode so the facilitator's
  live results never wait for writers; writers take the write lock up front with
  ``BEGIN IMMEDIATE`` (a deferred transaction that later wants to write fails at once in WAL
  mode instead of waiting), queue behind one lock per process, wait up to
  ``BUSY_TIMEOUT_S`` for other processes, and are retried with a short random backoff on
  "database is locked". ``synchronous=NORMAL`` is the WAL setting that stays consistent
  after a crash and may lose only the last instant of answers after a power cut.
  Threads of one process, and processes sharing the file, take turns before SQLite is even
  asked (see ``_SqliteWriters``), which is what keeps forty writers fast as well as correct.
- PostgreSQL works from a ``postgresql+psycopg://`` URL with no other change: a write locks
  the participant's row, and the room's row only when a newcomer joins (that is what keeps
  the participant cap exact); a deadlock or serialisation failure is retried like a busy
  SQLite file.

Times are stored as seconds since the epoch (UTC) in float columns, the one time type that
reads back the same on both databases; ``RoomInfo`` and the exports turn them into dates.
A participant is known only by a random token their browser keeps; exports number
participants instead of printing tokens, since a token is enough to change someone's answers.
"""

from __future__ import annotations

import io
import itertools
import os
import random
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    make_url,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, IntegrityError

try:
    import fcntl
except ImportError:  # Windows: writers rely on SQLite's busy timeout alone
    fcntl = None  # type: ignore[assignment]

from components.room.rules import (
    CODE_LENGTH,
    MAX_TITLE_CHARS,
    Ballot,
    Limits,
    NotFacilitator,
    PollVocabulary,
    RoomBusy,
    RoomClosed,
    UnknownRoom,
    check_capacity,
    clean_title,
    hash_key,
    key_matches,
    new_facilitator_key,
    new_room_code,
    normalise_code,
    spend_allowance,
    validate_ballot,
    validate_token,
)

SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 10.0
MAX_ATTEMPTS = 6  # with SQLite's own 10 s wait inside each, a write gives up only after a minute of contention
MODE_SEPARATOR = "|"
_WRITE = "h2061_room_write"  # execution option: this transaction will write
_SCHEMA_LOCK_ID = 2061_0001  # PostgreSQL advisory lock that serialises schema creation
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})  # serialisation failure, deadlock, lock not available
_TRANSIENT_SQLITE = ("database is locked", "database table is locked", "database is busy")

T = TypeVar("T")

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("applied_at", Float, nullable=False),
    CheckConstraint("id = 1", name="schema_version_single_row"),
)

rooms = Table(
    "rooms",
    metadata,
    Column("code", String(CODE_LENGTH), primary_key=True),
    Column("facilitator_key_hash", String(64), nullable=False),
    Column("title", String(MAX_TITLE_CHARS), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("closed_at", Float),
    Column("cleared_at", Float),
)

participants = Table(
    "participants",
    metadata,
    Column("room_code", String(CODE_LENGTH), ForeignKey("rooms.code", ondelete="CASCADE"), primary_key=True),
    Column("token", String(64), primary_key=True),
    Column("joined_at", Float, nullable=False),
    Column("last_write_at", Float),
    Column("allowance", Float),  # writes left in the rate-limit bucket after the last write
)

answers = Table(
    "answers",
    metadata,
    Column("room_code", String(CODE_LENGTH), primary_key=True),
    Column("token", String(64), primary_key=True),
    Column("destination_id", String(64), primary_key=True),
    Column("modes", Text, nullable=False),  # mode ids joined by "|", "" for "none of them"
    Column("pillar", String(64)),
    Column("updated_at", Float, nullable=False),
    ForeignKeyConstraint(["room_code", "token"], ["participants.room_code", "participants.token"], ondelete="CASCADE"),
)


@dataclass(frozen=True)
class RoomInfo:
    """What a page needs to show a room; never the facilitator key."""

    code: str
    title: str
    created_at: datetime
    closed_at: datetime | None
    cleared_at: datetime | None
    participants: int

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True)
class Results:
    """The room's answers counted, in the poll's order, with every destination and mode present.

    ``votes`` and ``pillars`` have one row per destination (index ``destination_id``) and one
    column per mode / pillar id, zeros included, so a chart never has to fill gaps.
    ``answered`` counts, per destination, the participants who answered it, the denominator
    of a share; ``participants`` counts everyone who joined, answered or not.
    """

    code: str
    closed: bool
    participants: int
    respondents: int
    answered: pd.Series = field(repr=False)
    votes: pd.DataFrame = field(repr=False)
    pillars: pd.DataFrame = field(repr=False)
    last_answer_at: datetime | None

    def shares(self) -> pd.DataFrame:
        """Votes as a fraction of those who answered each destination (0 where nobody did)."""
        return self.votes.div(self.answered.where(self.answered > 0), axis=0).fillna(0.0)

    def tidy(self) -> pd.DataFrame:
        """One row per destination × mode: destination_id, mode_id, votes, answered, share."""
        long = self.votes.stack().rename("votes").reset_index()
        long["answered"] = long["destination_id"].map(self.answered).astype(int)
        long["share"] = self.shares().stack().to_numpy()
        return long


def engine_for(url: str | URL, **kwargs: Any) -> Engine:
    """An engine set up for the room: SQLite in WAL mode with a busy timeout, PostgreSQL pre-pinged.

    Extra keyword arguments go to ``create_engine``. The SQLite file's folder is created.
    """
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("timeout", BUSY_TIMEOUT_S)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
    else:
        kwargs.setdefault("pool_pre_ping", True)  # a database restarted mid-workshop is reconnected
        engine = create_engine(url, **kwargs)
    prepare_engine(engine)
    return engine


def prepare_engine(engine: Engine) -> Engine:
    """Install the SQLite settings on an engine made elsewhere (e.g. by ``st.connection``).

    Safe to call again. Pooled connections made before the settings are dropped so that
    every connection the store uses has them. Other databases are returned untouched.
    """
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", _sqlite_on_connect):
        return engine
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    engine.dispose()
    return engine


def ensure_schema(engine: Engine, *, clock: Callable[[], float] = time.time) -> int:
    """Create the tables and record the schema version once; returns the version found or written.

    Safe to run again and from several processes at once: the creation is one transaction
    that holds the write lock (SQLite) or an advisory lock (PostgreSQL), so the second
    process finds the tables made and only reads the version.
    """
    prepare_engine(engine)

    def create(conn: Connection) -> int:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _SCHEMA_LOCK_ID})
        metadata.create_all(conn, checkfirst=True)
        found = conn.execute(select(schema_version.c.version).where(schema_version.c.id == 1)).scalar()
        if found is None:
            conn.execute(insert(schema_version).values(id=1, version=SCHEMA_VERSION, applied_at=clock()))
            return SCHEMA_VERSION
        if found > SCHEMA_VERSION:
            raise RuntimeError(
                f"The room database is at schema version {found}, newer than this app's {SCHEMA_VERSION}; "
                "update the app or point H2061_ROOM_DB at another database."
            )
        return int(found)

    return _transaction(engine, create, write=True)


def schema_version_of(engine: Engine) -> int | None:
    """The version recorded in the database, or ``None`` before the schema exists."""
    prepare_engine(engine)

    def read(conn: Connection) -> int | None:
        if not conn.dialect.has_table(conn, schema_version.name):
            return None
        return conn.execute(select(schema_version.c.version).where(schema_version.c.id == 1)).scalar()

    return _transaction(engine, read, write=False)


class RoomStore:
    """Every operation of the poll, each in its own transaction; safe to share between threads.

    Codes may be passed as typed (any case, with spaces or dashes); a malformed one raises
    ``MalformedRoomCode``. Every refusal is a ``RoomError`` whose ``message`` a page can show.
    """

    def __init__(
        self,
        engine: Engine,
        vocabulary: PollVocabulary,
        *,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.time,
        create_schema: bool = True,
    ) -> None:
        self.engine = prepare_engine(engine)
        self.vocabulary = vocabulary
        self.limits = limits or Limits()
        self.clock = clock
        if create_schema:
            ensure_schema(engine, clock=clock)

    @classmethod
    def from_url(cls, url: str | URL, vocabulary: PollVocabulary, **options: Any) -> RoomStore:
        return cls(engine_for(url), vocabulary, **options)

    # Rooms ------------------------------------------------------------------------------

    def open_room(self, title: str = "") -> tuple[str, str]:
        """Open a room; returns ``(code, facilitator_key)``. The key is shown once and stored only as a hash."""
        key = new_facilitator_key()
        row = {"facilitator_key_hash": hash_key(key), "title": clean_title(title)}
        for _ in range(20):  # 31⁶ ≈ 887 million codes: a clash is rare, twenty in a row is a broken generator
            code = new_room_code()

            def create(conn: Connection, code: str = code) -> bool:
                if conn.execute(select(rooms.c.code).where(rooms.c.code == code)).first() is not None:
                    return False
                conn.execute(insert(rooms).values(code=code, created_at=self.clock(), **row))
                return True

            try:
                if self._write(create):
                    return code, key
            except IntegrityError:  # the same code opened by another process a moment ago
                continue
        raise RoomBusy("No free room code could be found; please try again.")

    def room(self, code: str) -> RoomInfo | None:
        """The room, or ``None`` if no room has this (well-formed) code."""
        code = normalise_code(code)
        return self._read(lambda conn: self._info(conn, code))

    def require_room(self, code: str) -> RoomInfo:
        """The room, or ``UnknownRoom`` with a message for the person who typed the code."""
        info = self.room(code)
        if info is None:
            raise UnknownRoom(f"There is no room {normalise_code(code)}; check the code with the facilitator.")
        return info

    def is_facilitator(self, code: str, key: str | None) -> bool:
        """Whether ``key`` opens this room's facilitator controls (``False`` for an unknown room)."""
        code = normalise_code(code)
        stored = self._read(
            lambda conn: conn.execute(select(rooms.c.facilitator_key_hash).where(rooms.c.code == code)).scalar()
        )
        return stored is not None and key_matches(key, stored)

    def close(self, code: str, key: str | None) -> None:
        """Stop accepting answers; results stay visible. Closing a closed room changes nothing."""
        self._facilitator_update(code, key, lambda now: {"closed_at": func.coalesce(rooms.c.closed_at, now)})

    def reopen(self, code: str, key: str | None) -> None:
        """Accept answers again, keeping those already given."""
        self._facilitator_update(code, key, lambda now: {"closed_at": None})

    def clear(self, code: str, key: str | None) -> None:
        """Delete every answer (participants stay joined), e.g. after a rehearsal."""

        def wipe(conn: Connection, code: str) -> None:
            conn.execute(delete(answers).where(answers.c.room_code == code))

        self._facilitator_update(code, key, lambda now: {"cleared_at": now}, then=wipe)

    # Participants -----------------------------------------------------------------------

    def join(self, code: str, token: str) -> RoomInfo:
        """Enter the room (again, harmlessly); ``RoomFull`` once it holds ``limits.max_participants``.

        A closed room can still be joined, to see that it is closed and to be counted when it reopens.
        """
        code = normalise_code(code)
        token = validate_token(token)

        def enter(conn: Connection) -> RoomInfo:
            self._member(conn, code, token, self.clock())
            info = self._info(conn, code)
            assert info is not None  # _member raised UnknownRoom otherwise
            return info

        return self._write(enter)

    def submit(
        self,
        code: str,
        token: str,
        destination_id: str,
        modes: Iterable[str],
        pillar: str | None = None,
    ) -> Ballot:
        """Record (or replace) this participant's answer for one destination; returns it as stored.

        Joins the room first if needed. Raises ``InvalidAnswer``, ``RoomClosed``,
        ``RateLimited``, ``RoomFull``, ``UnknownRoom`` or ``InvalidToken``.
        """
        return self.submit_many(code, token, [Ballot(destination_id, tuple(_modes(modes)), pillar)])[0]

    def submit_many(self, code: str, token: str, ballots: Iterable[Ballot]) -> list[Ballot]:
        """Record several destinations' answers at once: all or none, one write for the rate limit.

        For a form that shows every destination; the last ballot for a destination wins.
        """
        code = normalise_code(code)
        token = validate_token(token)
        checked = {
            ballot.destination_id: validate_ballot(self.vocabulary, ballot.destination_id, ballot.modes, ballot.pillar)
            for ballot in ballots
        }

        def record(conn: Connection) -> list[Ballot]:
            now = self.clock()
            member, room = self._member(conn, code, token, now)
            if room.closed_at is not None:
                raise RoomClosed()
            allowance = spend_allowance(member.allowance, member.last_write_at, now, self.limits)
            conn.execute(
                update(participants)
                .where(participants.c.room_code == code, participants.c.token == token)
                .values(allowance=allowance, last_write_at=now)
            )
            for ballot in checked.values():
                self._upsert_answer(conn, code, token, ballot, now)
            return list(checked.values())

        return self._write(record)

    def answers_of(self, code: str, token: str) -> dict[str, Ballot]:
        """This participant's current answers by destination id, to fill their form again."""
        code = normalise_code(code)
        token = validate_token(token)
        rows = self._read(
            lambda conn: conn.execute(
                select(answers.c.destination_id, answers.c.modes, answers.c.pillar).where(
                    answers.c.room_code == code, answers.c.token == token
                )
            ).all()
        )
        return {row.destination_id: Ballot(row.destination_id, _split(row.modes), row.pillar) for row in rows}

    # Results ----------------------------------------------------------------------------

    def results(self, code: str) -> Results:
        """The counts the facilitator projects; anyone in the room may see them."""
        code = normalise_code(code)

        def read(conn: Connection) -> tuple[RoomInfo | None, list[Any]]:
            info = self._info(conn, code)
            rows = conn.execute(
                select(
                    answers.c.token, answers.c.destination_id, answers.c.modes, answers.c.pillar, answers.c.updated_at
                ).where(answers.c.room_code == code)
            ).all()
            return info, rows

        info, rows = self._read(read)
        if info is None:
            raise UnknownRoom(f"There is no room {code}.")
        return self._count(info, rows)

    def export_csv(self, code: str, key: str | None) -> str:
        """Every answer, one row per participant × destination, a 0/1 column per mode; facilitator only.

        Participants appear as P001, P002… in the order they joined, never by token.
        """
        code = normalise_code(code)

        def read(conn: Connection) -> tuple[list[Any], list[Any]]:
            self._check_key(conn, code, key)
            order = conn.execute(
                select(participants.c.token)
                .where(participants.c.room_code == code)
                .order_by(participants.c.joined_at, participants.c.token)
            ).all()
            rows = conn.execute(select(answers).where(answers.c.room_code == code)).all()
            return order, rows

        order, rows = self._read(read)
        number = {row.token: f"P{index:03d}" for index, row in enumerate(order, start=1)}
        vocabulary = self.vocabulary
        position = {destination: index for index, destination in enumerate(vocabulary.destinations)}
        records = []
        for row in sorted(rows, key=lambda r: (number.get(r.token, ""), position.get(r.destination_id, 99))):
            chosen = set(_split(row.modes))
            records.append(
                {
                    "participant": number.get(row.token, "P???"),
                    "destination_id": row.destination_id,
                    "destination": vocabulary.destination_label(row.destination_id),
                    **{mode: int(mode in chosen) for mode in vocabulary.modes},
                    "pillar_id": row.pillar or "",
                    "pillar": vocabulary.pillar_label(row.pillar) if row.pillar else "",
                    "updated_at": _when(row.updated_at).isoformat(timespec="seconds"),
                }
            )
        columns = [
            "participant",
            "destination_id",
            "destination",
            *vocabulary.modes,
            "pillar_id",
            "pillar",
            "updated_at",
        ]
        buffer = io.StringIO()
        pd.DataFrame.from_records(records, columns=columns).to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue()

    # Inside a transaction ---------------------------------------------------------------

    def _info(self, conn: Connection, code: str) -> RoomInfo | None:
        row = conn.execute(select(rooms).where(rooms.c.code == code)).first()
        if row is None:
            return None
        count = conn.execute(select(func.count()).where(participants.c.room_code == code)).scalar_one()
        return RoomInfo(
            code=row.code,
            title=row.title,
            created_at=_when(row.created_at),
            closed_at=None if row.closed_at is None else _when(row.closed_at),
            cleared_at=None if row.cleared_at is None else _when(row.cleared_at),
            participants=int(count),
        )

    def _member(self, conn: Connection, code: str, token: str, now: float) -> tuple[Any, Any]:
        """The participant's row (locked), joining them if new, and the room's row."""
        by_token = (participants.c.room_code == code) & (participants.c.token == token)
        member = conn.execute(select(participants).where(by_token).with_for_update()).first()
        if member is not None:
            # Not locked: forty share locks on one row cost PostgreSQL more than they protect.
            # An answer racing the facilitator's "close" is then taken if it started first.
            room = conn.execute(select(rooms).where(rooms.c.code == code)).first()
            return member, room
        # A newcomer: lock the room so that two people joining at once cannot both take the last place.
        room = conn.execute(select(rooms).where(rooms.c.code == code).with_for_update()).first()
        if room is None:
            raise UnknownRoom(f"There is no room {code}; check the code with the facilitator.")
        count = conn.execute(select(func.count()).where(participants.c.room_code == code)).scalar_one()
        check_capacity(count, self.limits)
        values = {"room_code": code, "token": token, "joined_at": now}
        if conn.dialect.name in ("sqlite", "postgresql"):
            dialect_insert = sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert
            conn.execute(dialect_insert(participants).values(values).on_conflict_do_nothing())
        else:
            try:
                with conn.begin_nested():
                    conn.execute(insert(participants).values(values))
            except IntegrityError:
                pass
        member = conn.execute(select(participants).where(by_token).with_for_update()).first()
        return member, room

    def _upsert_answer(self, conn: Connection, code: str, token: str, ballot: Ballot, now: float) -> None:
        key = {"room_code": code, "token": token, "destination_id": ballot.destination_id}
        values = {"modes": MODE_SEPARATOR.join(ballot.modes), "pillar": ballot.pillar, "updated_at": now}
        if conn.dialect.name in ("sqlite", "postgresql"):
            dialect_insert = sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert
            statement = dialect_insert(answers).values(**key, **values)
            conn.execute(statement.on_conflict_do_update(index_elements=list(key), set_=values))
            return
        try:
            with conn.begin_nested():
                conn.execute(insert(answers).values(**key, **values))
        except IntegrityError:
            conn.execute(
                update(answers).where(*(answers.c[column] == value for column, value in key.items())).values(**values)
            )

    def _check_key(self, conn: Connection, code: str, key: str | None, *, lock: bool = False) -> None:
        query = select(rooms.c.facilitator_key_hash).where(rooms.c.code == code)
        stored = conn.execute(query.with_for_update() if lock else query).scalar()
        if stored is None:
            raise UnknownRoom(f"There is no room {code}.")
        if not key_matches(key, stored):
            raise NotFacilitator()

    def _facilitator_update(
        self,
        code: str,
        key: str | None,
        values: Callable[[float], Mapping[str, Any]],
        then: Callable[[Connection, str], None] | None = None,
    ) -> None:
        code = normalise_code(code)

        def change(conn: Connection) -> None:
            self._check_key(conn, code, key, lock=True)
            conn.execute(update(rooms).where(rooms.c.code == code).values(**values(self.clock())))
            if then is not None:
                then(conn, code)

        self._write(change)

    def _count(self, info: RoomInfo, rows: list[Any]) -> Results:
        vocabulary = self.vocabulary
        votes: Counter[tuple[str, str]] = Counter()
        pillar_votes: Counter[tuple[str, str]] = Counter()
        answered: Counter[str] = Counter()
        for row in rows:
            answered[row.destination_id] += 1
            for mode in _split(row.modes):
                votes[row.destination_id, mode] += 1
            if row.pillar:
                pillar_votes[row.destination_id, row.pillar] += 1
        destinations = pd.Index(vocabulary.destinations, name="destination_id")

        def grid(counts: Counter[tuple[str, str]], columns: tuple[str, ...], name: str) -> pd.DataFrame:
            frame = pd.DataFrame(
                [[counts[destination, column] for column in columns] for destination in destinations],
                index=destinations,
                columns=pd.Index(columns, name=name),
                dtype="int64",
            )
            return frame

        return Results(
            code=info.code,
            closed=info.closed,
            participants=info.participants,
            respondents=len({row.token for row in rows}),
            answered=pd.Series([answered[d] for d in destinations], index=destinations, name="answered", dtype="int64"),
            votes=grid(votes, vocabulary.modes, "mode_id"),
            pillars=grid(pillar_votes, vocabulary.pillars, "pillar_id"),
            last_answer_at=_when(max(row.updated_at for row in rows)) if rows else None,
        )

    def _write(self, work: Callable[[Connection], T]) -> T:
        return _transaction(self.engine, work, write=True)

    def _read(self, work: Callable[[Connection], T]) -> T:
        return _transaction(self.engine, work, write=False)


# Transactions -------------------------------------------------------------------------------


class _SqliteWriters:
    """Writers of one SQLite file take turns: threads on a lock, processes on ``flock`` of a side file.

    SQLite's own busy handler polls, sleeping up to 100 ms between tries, so forty processes
    waiting on it leave the file idle most of the time (about 30 writes/s). A thread waiting
    on a lock is woken as soon as the writer before it is done, a process trying ``flock``
    within 2 ms.
    The side file ``<database>-writer.lock`` holds no data. Where ``flock`` is unavailable
    (Windows, an in-memory database) or a turn takes longer than ``BUSY_TIMEOUT_S``, the
    write goes ahead and SQLite's busy handler decides, so this is only ever an optimisation.
    """

    def __init__(self, database: str | None) -> None:
        self.thread_lock = threading.Lock()
        self.path = None
        if fcntl is not None and database and database != ":memory:" and not database.startswith("file:"):
            self.path = Path(database).expanduser().with_name(Path(database).name + "-writer.lock")
        self._fd: int | None = None
        self._pid = 0

    def __del__(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            with suppress(OSError):
                os.close(self._fd)

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self.thread_lock:
            fd = self._descriptor()
            locked = fd is not None and self._lock(fd)
            try:
                yield
            finally:
                if locked:
                    fcntl.flock(fd, fcntl.LOCK_UN)

    def _descriptor(self) -> int | None:
        if self.path is None:
            return None
        if self._fd is None or self._pid != os.getpid():  # a forked child must not share its parent's lock
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                self.path = None
                return None
            self._pid = os.getpid()
        return self._fd

    @staticmethod
    def _lock(fd: int) -> bool:
        # Polled rather than blocking, so that a writer frozen mid-turn costs the others
        # BUSY_TIMEOUT_S, not forever; a few milliseconds apart at most, unlike SQLite's 100 ms.
        deadline, pause = time.monotonic() + BUSY_TIMEOUT_S, 0.0002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.002)
            except OSError:  # a filesystem without flock
                return False


_sqlite_writers: weakref.WeakKeyDictionary[Engine, _SqliteWriters] = weakref.WeakKeyDictionary()
_writers_guard = threading.Lock()


def _transaction(engine: Engine, work: Callable[[Connection], T], *, write: bool) -> T:
    """Run ``work`` in one transaction, again after a short random pause while the database is busy.

    A ``RoomError`` raised by ``work`` rolls the transaction back and reaches the caller.
    """
    delay = 0.005
    for attempt in itertools.count(1):
        try:
            with _write_lock(engine) if write else nullcontext(), engine.connect() as conn:
                if write:
                    conn = conn.execution_options(**{_WRITE: True})
                with conn.begin():
                    return work(conn)
        except DBAPIError as error:
            if not _transient(error):
                raise
            if attempt >= MAX_ATTEMPTS:
                raise RoomBusy() from error
            time.sleep(delay * (1.0 + random.random()))
            delay = min(delay * 3, 0.5)
    raise AssertionError("unreachable")


def _write_lock(engine: Engine) -> AbstractContextManager[Any]:
    if engine.dialect.name != "sqlite":
        return nullcontext()
    with _writers_guard:
        writers = _sqlite_writers.get(engine)
        if writers is None:
            writers = _sqlite_writers[engine] = _SqliteWriters(engine.url.database)
    return writers.turn()


def _transient(error: DBAPIError) -> bool:
    if getattr(error.orig, "sqlstate", None) in _TRANSIENT_SQLSTATES:
        return True
    message = str(error.orig).lower()
    return any(fragment in message for fragment in _TRANSIENT_SQLITE)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy, not the sqlite3 module, decides when a transaction begins (see _sqlite_on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


# Small conversions ----------------------------------------------------------------------------


def _modes(modes: Iterable[str]) -> Iterable[str]:
    if isinstance(modes, str):
        raise TypeError("modes must be a collection of mode ids, not a single string")
    return modes


def _split(joined: str) -> tuple[str, ...]:
    return tuple(mode for mode in joined.split(MODE_SEPARATOR) if mode)


def _when(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
