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
import logging
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
from sqlalchemy.exc import DBAPIError, DisconnectionError, IntegrityError, InterfaceError, OperationalError

try:
    import fcntl
except ImportError:  # Windows: writers rely on SQLite's busy timeout alone
    fcntl = None  # type: ignore[assignment]

from components.room.rules import (
    CODE_LENGTH,
    MAX_TITLE_CHARS,
    Ballot,
    DatabaseFault,
    DatabaseGone,
    DatabaseReadOnly,
    DatabaseUnavailable,
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
_FILE = "h2061_room_file"  # connection info: (path, (device, inode)) of the SQLite file it opened

LOGGER = logging.getLogger("horizon2061")

# What each database failure tells the person who pressed the button, when writing and when reading.
# Every one says whether anything was saved; none blames the person.
BUSY = {
    True: "The poll's database is busy (another program is holding it), so nothing was saved; "
    "please try again in a moment.",
    False: "The poll's database is busy, so the room could not be read just now; please try again in a moment.",
}
READ_ONLY = (
    "The poll's database has become read-only, so nothing was saved; the answers recorded before are kept, "
    "and sending again works once the database file is writable again."
)
GONE = (
    "The poll's database file was deleted or moved while the room was open, so this room's answers can no "
    "longer be read or saved; put the file back where it was (its answers come back with it), or open a new room."
)
EMPTIED = (
    "The poll's database no longer holds the poll (its file was replaced or emptied while the room was open), "
    "so this room's answers are not in it; put the original file back, or open a new room."
)
CANNOT_OPEN = {
    True: "The poll's database file cannot be opened (its folder or its permissions changed), so nothing was saved.",
    False: "The poll's database file cannot be opened (its folder or its permissions changed), "
    "so the room cannot be read.",
}
DISK_FULL = (
    "The disk that holds the poll's database is full, so nothing was saved; the answers recorded before are kept."
)
DAMAGED = "The poll's database file is damaged and cannot be read; restore it from a copy, or open a new room."
DISK_ERROR = {
    True: "The poll's database could not be written to disk (a failing disk, or a file made read-only), "
    "so nothing was saved; the answers recorded before are kept.",
    False: "The poll's database could not be read from disk; please try again in a moment.",
}
UNREACHABLE = {
    True: DatabaseFault.message,
    False: "The poll's database did not answer; please try again in a moment.",
}

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
    event.listen(engine, "checkout", _sqlite_on_checkout)
    event.listen(engine, "begin", _sqlite_on_begin)
    event.listen(engine, "handle_error", _sqlite_on_error)
    engine.dispose()
    return engine


def ensure_schema(engine: Engine, *, clock: Callable[[], float] = time.time) -> int:
    """Create the tables and record the schema version once; returns the version found or written.

    Safe to run again and from several processes at once: the creation is one transaction
    that holds the write lock (SQLite) or an advisory lock (PostgreSQL), so the second
    process finds the tables made and only reads the version.
    """
    prepare_engine(engine)
    found = schema_version_of(engine)
    if found is not None:  # made by an earlier run: reading is enough, so a read-only file still opens
        return _supported(found)

    def create(conn: Connection) -> int:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _SCHEMA_LOCK_ID})
        metadata.create_all(conn, checkfirst=True)
        found = conn.execute(select(schema_version.c.version).where(schema_version.c.id == 1)).scalar()
        if found is None:
            conn.execute(insert(schema_version).values(id=1, version=SCHEMA_VERSION, applied_at=clock()))
            return SCHEMA_VERSION
        return _supported(found)

    return _transaction(engine, create, write=True, create=True)


def _supported(found: int) -> int:
    if found > SCHEMA_VERSION:
        raise RuntimeError(
            f"The room database is at schema version {found}, newer than this app's {SCHEMA_VERSION}; "
            "update the app or point H2061_ROOM_DB at another database."
        )
    return int(found)


def schema_version_of(engine: Engine) -> int | None:
    """The version recorded in the database, or ``None`` before the schema exists."""
    prepare_engine(engine)

    def read(conn: Connection) -> int | None:
        if not conn.dialect.has_table(conn, schema_version.name):
            return None
        return conn.execute(select(schema_version.c.version).where(schema_version.c.id == 1)).scalar()

    return _transaction(engine, read, write=False, create=True)


class RoomStore:
    """Every operation of the poll, each in its own transaction; safe to share between threads.

    Codes may be passed as typed (any case, with spaces or dashes); a malformed one raises
    ``MalformedRoomCode``. Every refusal is a ``RoomError`` whose ``message`` a page can show,
    database failures included (``DatabaseFault``: busy past the retries, read-only, the file
    removed or replaced, unreachable). A call that returns has been committed to the database
    the app reads from; one that raises changed nothing.
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
        self._write_fault: DatabaseFault | None = None
        if create_schema:
            ensure_schema(engine, clock=clock)

    @property
    def write_fault(self) -> DatabaseFault | None:
        """What stopped this store's last write, or ``None`` once a write has gone through again.

        The facilitator's screen shows it, so a read-only or removed database is noticed while
        participants are answering, not after the workshop.
        """
        return self._write_fault

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
            except DatabaseGone:
                # The file was removed or emptied: asking for a new room is asking for a new,
                # empty poll, so the schema is made again (an open room's link says it is gone).
                ensure_schema(self.engine, clock=self.clock)
                if self._write(create):
                    return code, key
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
        try:
            result = _transaction(self.engine, work, write=True)
        except DatabaseFault as fault:
            self._write_fault = fault
            raise
        self._write_fault = None
        return result

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


def _transaction(engine: Engine, work: Callable[[Connection], T], *, write: bool, create: bool = False) -> T:
    """Run ``work`` in one transaction, again after a short random pause while the database is busy.

    A ``RoomError`` raised by ``work`` rolls the transaction back and reaches the caller. A
    database failure becomes a ``DatabaseFault`` with one sentence for the person (the original
    goes to the log): busy after ``MAX_ATTEMPTS``, read-only, the file removed or emptied, a disk
    error, unreachable. A connection that failed that way is dropped and the transaction tried
    once more on a new one, which tells a stale connection from a database that really refuses.
    An SQLite file that is no longer at its path is never recreated here (``create`` aside, for
    the schema), so a removed room is reported instead of being shown empty.
    """
    delay, fresh = 0.005, False
    for attempt in itertools.count(1):
        if not create:
            _require_file(engine, write=write)
        try:
            with _write_lock(engine) if write else nullcontext(), engine.connect() as conn:
                if write:
                    conn = conn.execution_options(**{_WRITE: True})
                with conn.begin():
                    result = work(conn)
                if write:
                    _confirm_written(conn)
                return result
        except DBAPIError as error:
            if _transient(error):
                if attempt >= MAX_ATTEMPTS:
                    raise _reported(RoomBusy(BUSY[write]), error) from error
                time.sleep(delay * (1.0 + random.random()))
                delay = min(delay * 3, 0.5)
                continue
            fault = _fault(error, write=write)
            if fault is None:
                raise
            if error.connection_invalidated and not fresh:
                fresh = True
                continue
            raise _reported(fault, error) from error
    raise AssertionError("unreachable")


def _fault(error: DBAPIError, *, write: bool) -> DatabaseFault | None:
    """The store's own error for a failing database, or ``None`` for a defect that must surface as is."""
    if isinstance(error, IntegrityError):
        return None
    message = str(error.orig).lower()
    sqlstate = getattr(error.orig, "sqlstate", None)
    if "readonly database" in message or sqlstate == "25006":  # PostgreSQL: read-only transaction
        return DatabaseReadOnly(READ_ONLY)
    if "no such table" in message or sqlstate == "42P01":  # PostgreSQL: undefined table
        return DatabaseGone(EMPTIED)
    if "unable to open database file" in message:
        return DatabaseUnavailable(CANNOT_OPEN[write])
    if "disk is full" in message or sqlstate == "53100":
        return DatabaseUnavailable(DISK_FULL)
    if "malformed" in message or "not a database" in message:
        return DatabaseUnavailable(DAMAGED)
    if "disk i/o error" in message:
        return DatabaseUnavailable(DISK_ERROR[write])
    if isinstance(error, OperationalError | InterfaceError) or error.connection_invalidated:
        return DatabaseUnavailable(UNREACHABLE[write])
    return None


def _reported(fault: DatabaseFault, error: BaseException) -> DatabaseFault:
    # The original error, with its SQL, stays in the log; the traceback only when debugging.
    LOGGER.warning(
        "room database: %s: %s",
        type(fault).__name__,
        error,
        exc_info=error if LOGGER.isEnabledFor(logging.DEBUG) else None,
    )
    return fault


def _sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _identity(path: Path) -> tuple[int, int] | None:
    """The file's (device, inode): the same file even if renamed and moved back; ``None`` if absent."""
    try:
        found = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return found.st_dev, found.st_ino


def _require_file(engine: Engine, *, write: bool) -> None:
    # Opening a missing file would make SQLite create an empty one, and the room would look
    # empty instead of gone; connections still holding the deleted file would write into it
    # and lose the answer when they close.
    path = _sqlite_file(engine)
    if path is not None and _identity(path) is None:
        raise _reported(DatabaseGone(GONE), FileNotFoundError(f"{path} is missing ({'write' if write else 'read'})"))


def _confirm_written(conn: Connection) -> None:
    """After a commit: the file the connection wrote is still the one at the database's path.

    Otherwise the answer went into a file that was deleted or replaced meanwhile and is not
    acknowledged; the connection is dropped so that no other write follows it there.
    """
    opened = conn.info.get(_FILE)
    if opened is None:
        return
    path, identity = opened
    if _identity(Path(path)) != identity:
        conn.invalidate()
        raise _reported(DatabaseGone(GONE), FileNotFoundError(f"{path} was removed or replaced during a write"))


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


def _sqlite_on_connect(dbapi_connection: Any, record: Any) -> None:
    # SQLAlchemy, not the sqlite3 module, decides when a transaction begins (see _sqlite_on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        main = next((row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main"), "")
    finally:
        cursor.close()
    if main and (identity := _identity(Path(main))) is not None:
        record.info[_FILE] = (main, identity)


def _sqlite_on_checkout(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    # A pooled connection keeps the file it opened even after that file is deleted or replaced;
    # writing there would acknowledge answers nobody can read. The pool then opens a new one.
    opened = record.info.get(_FILE)
    if opened is not None and _identity(Path(opened[0])) != opened[1]:
        raise DisconnectionError("the room database file was removed or replaced since this connection opened it")


def _sqlite_on_error(context: Any) -> None:
    # A connection opened while the file was read-only stays read-only after the file is
    # writable again, and one that hit a disk error may be unusable: drop them all, so the
    # next try (see _transaction) opens the file afresh.
    error = context.original_exception
    message = str(error).lower()
    if isinstance(error, Exception) and any(
        fragment in message for fragment in ("readonly database", "disk i/o error", "no such table", "unable to open")
    ):
        context.is_disconnect = True


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
