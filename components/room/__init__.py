"""The workshop's live poll: rooms that phones join, answers per destination, results live.

``rules`` decides what is accepted (pure), ``store`` keeps it in any SQLAlchemy database,
``qr`` makes the links and codes that bring phones in. Nothing here imports Streamlit, so
the pages, the tests and a load script share the same code.

Where the answers are kept, from the most specific setting to the default:

1. ``.streamlit/secrets.toml`` (never committed), read by Streamlit's own SQL connection::

       [connections.room]
       url = "postgresql+psycopg://poll:secret@db.local/horizon2061"

   ``st.connection`` lets keyword arguments win over secrets, so the page passes ``url=``
   only when that section sets none; ``connection_kwargs`` makes that choice::

       section = st.secrets.get("connections", {}).get("room", {})
       conn = st.connection("room", type="sql", **room.connection_kwargs(section))
       store = RoomStore(conn.engine, PollVocabulary.from_vocabulary(vocabulary))

   (``RoomStore`` adds the SQLite settings — WAL, busy timeout — to that engine itself.)
2. ``H2061_ROOM_DB``: a SQLAlchemy URL, or a plain file path for SQLite.
3. ``~/.local/share/horizon2061/room.sqlite`` (under ``$XDG_DATA_HOME`` if set): outside
   the repository and outside ``data/``, which holds only the published facts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from components.room.qr import (
    ROOM_HOST_ENV,
    ROOM_PATH,
    facilitator_url,
    join_url,
    lan_address,
    qr_code,
    qr_png,
    qr_svg,
    server_base_url,
)
from components.room.rules import (
    CODE_ALPHABET,
    CODE_LENGTH,
    DEFAULT_TITLE,
    MAX_PARTICIPANTS,
    MAX_TITLE_CHARS,
    RATE_BURST,
    RATE_WINDOW_S,
    Ballot,
    DatabaseFault,
    DatabaseGone,
    DatabaseReadOnly,
    DatabaseUnavailable,
    InvalidAnswer,
    InvalidToken,
    Limits,
    MalformedRoomCode,
    NotFacilitator,
    PollVocabulary,
    RateLimited,
    RoomBusy,
    RoomClosed,
    RoomError,
    RoomFull,
    UnknownRoom,
    clean_title,
    format_code,
    new_token,
    normalise_code,
    validate_ballot,
    validate_token,
)
from components.room.store import (
    SCHEMA_VERSION,
    Results,
    RoomInfo,
    RoomStore,
    engine_for,
    ensure_schema,
    prepare_engine,
    schema_version_of,
)

ROOM_DB_ENV = "H2061_ROOM_DB"
_STREAMLIT_URL_PARTS = ("url", "dialect")  # either one means secrets.toml describes the database itself


def default_database_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    root = Path(base) if base else Path.home() / ".local" / "share"
    return root / "horizon2061" / "room.sqlite"


def database_url(setting: str | None = None) -> str:
    """The SQLAlchemy URL of the room database: ``setting``, else ``H2061_ROOM_DB``, else the default file.

    A value with ``://`` is taken as a URL; anything else is a path to a SQLite file.
    """
    raw = (os.environ.get(ROOM_DB_ENV, "") if setting is None else setting).strip()
    if "://" in raw:
        return raw
    path = Path(raw).expanduser() if raw else default_database_path()
    return f"sqlite:///{path.resolve()}"


def connection_kwargs(secrets_section: Mapping[str, Any] | None) -> dict[str, str]:
    """What to pass to ``st.connection("room", type="sql", ...)`` so that secrets.toml, if set, wins."""
    if secrets_section and any(part in secrets_section for part in _STREAMLIT_URL_PARTS):
        return {}
    return {"url": database_url()}


__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "DEFAULT_TITLE",
    "MAX_PARTICIPANTS",
    "MAX_TITLE_CHARS",
    "RATE_BURST",
    "RATE_WINDOW_S",
    "ROOM_DB_ENV",
    "ROOM_HOST_ENV",
    "ROOM_PATH",
    "SCHEMA_VERSION",
    "Ballot",
    "DatabaseFault",
    "DatabaseGone",
    "DatabaseReadOnly",
    "DatabaseUnavailable",
    "InvalidAnswer",
    "InvalidToken",
    "Limits",
    "MalformedRoomCode",
    "NotFacilitator",
    "PollVocabulary",
    "RateLimited",
    "Results",
    "RoomBusy",
    "RoomClosed",
    "RoomError",
    "RoomFull",
    "RoomInfo",
    "RoomStore",
    "UnknownRoom",
    "clean_title",
    "connection_kwargs",
    "database_url",
    "default_database_path",
    "engine_for",
    "ensure_schema",
    "facilitator_url",
    "format_code",
    "join_url",
    "lan_address",
    "new_token",
    "normalise_code",
    "prepare_engine",
    "qr_code",
    "qr_png",
    "qr_svg",
    "schema_version_of",
    "server_base_url",
    "validate_ballot",
    "validate_token",
]
