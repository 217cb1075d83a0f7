"""What a room accepts, decided without a database, so every rule is tested in microseconds.

The store asks these functions before it writes anything, and the pages show the
``RoomError`` messages as they are: each one is written for the person holding the phone
or running the workshop, never for a developer. The allowed ids arrive as plain tuples in
a ``PollVocabulary``, so a test can hand-make a three-mode poll and the live app builds
its own from the dataset with ``PollVocabulary.from_vocabulary``.

Limits, chosen for a workshop of 20–40 people on one local network:

- a room holds at most ``MAX_PARTICIPANTS`` (500) distinct participants, so a script that
  invents tokens cannot grow the tables without bound;
- each participant may write in bursts of ``RATE_BURST`` (20) answers, refilled at
  ``RATE_BURST`` per ``RATE_WINDOW_S`` (10 s), i.e. one answer every half second once the
  burst is spent. Answering all six destinations twice in a row fits in the burst; a
  stuck "submit" loop does not. (A token bucket rather than a sliding log: it needs one
  number per participant, not a history of timestamps.)
- the only free text is the room's title, cut to ``MAX_TITLE_CHARS`` (200) characters
  with control and bidirectional-override characters removed, because it is shown to
  every participant.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components.schema import MODE_IDS

if TYPE_CHECKING:
    from components.vocabulary import Vocabulary

# No I, L, O, 0 or 1: a code read aloud or copied from a projector is typed right first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_PARTICIPANTS = 500
RATE_BURST = 20
RATE_WINDOW_S = 10.0
MAX_TITLE_CHARS = 200
DEFAULT_TITLE = "Workshop poll"
TOKEN_BYTES = 16  # secrets.token_urlsafe(16) → 22 characters
_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_CODE_SEPARATORS = re.compile(r"[\s\-–—_.]+")  # what people type between the halves of "K7M-4QX"
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


class RoomError(Exception):
    """A refusal the page shows to the user as it is; ``message`` is the sentence to show."""

    message = "Something went wrong with the room."

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class MalformedRoomCode(RoomError):
    """Typed text that cannot be a room code at all, so no database lookup is needed."""


class UnknownRoom(RoomError):
    """A well-formed code that no room has (mistyped, or the room's database was reset)."""


class RoomClosed(RoomError):
    message = "The facilitator has closed this poll; answers can no longer be changed."


class NotFacilitator(RoomError):
    message = "This needs the facilitator's link; the key in it is missing or wrong."


class InvalidAnswer(RoomError):
    """An answer that names something the poll does not offer; the message names it."""


class InvalidToken(RoomError):
    message = "This browser's participant id is not valid; reload the room's link to get a new one."


class RoomFull(RoomError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"This room is full: it already has {limit} participants.")
        self.limit = limit


class RateLimited(RoomError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"Too many answers in a short time; please wait {max(1, round(retry_after))} s and try again.")
        self.retry_after = retry_after


class DatabaseFault(RoomError):
    """The poll's database failed under the call (locked, read-only, removed, unreachable).

    Nothing the call meant to change was changed, so the person can simply try again once
    the cause is fixed; an answer is acknowledged only when the store's call returns.
    """

    message = "The poll's database did not answer, so nothing was saved; please try again in a moment."


class RoomBusy(DatabaseFault):
    message = "The room is very busy right now; please try again in a moment."


class DatabaseReadOnly(DatabaseFault):
    """The database refuses writes (file permissions, a read-only disk or a read-only replica)."""


class DatabaseGone(DatabaseFault):
    """The database file was deleted, moved or replaced while the app had it open: the room's
    answers are not where the app looks, and must not be shown as an empty room."""


class DatabaseUnavailable(DatabaseFault):
    """The database cannot be opened, read or written for another reason (disk error, full disk,
    damaged file, server down)."""


@dataclass(frozen=True)
class Limits:
    """The room's limits as one value, so a test can shrink them instead of writing 500 rows."""

    max_participants: int = MAX_PARTICIPANTS
    rate_burst: int = RATE_BURST
    rate_window_s: float = RATE_WINDOW_S

    @property
    def refill_per_s(self) -> float:
        return self.rate_burst / self.rate_window_s


@dataclass(frozen=True)
class PollVocabulary:
    """The ids a ballot may name, in display order, with labels for messages and results.

    Only the ids take part in equality; the labels are for people.
    """

    destinations: tuple[str, ...]
    modes: tuple[str, ...]
    pillars: tuple[str, ...] = ()
    destination_labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    mode_labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    pillar_labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_vocabulary(cls, vocabulary: Vocabulary) -> PollVocabulary:
        """The poll of the workshop: Table 7.1's destinations, the five cooperation modes, the pillars.

        "National" is a mode in the data (a mission with no foreign partner) but not a way
        to cooperate, so it is not on the ballot.
        """
        modes = tuple(mode for mode in vocabulary.modes if mode in MODE_IDS)
        return cls(
            destinations=tuple(vocabulary.table_destinations),
            modes=modes,
            pillars=tuple(vocabulary.pillars),
            destination_labels={d: vocabulary.destinations.get(d, d) for d in vocabulary.table_destinations},
            mode_labels={m: vocabulary.modes.get(m, m) for m in modes},
            pillar_labels=dict(vocabulary.pillars),
        )

    def destination_label(self, destination_id: str) -> str:
        return self.destination_labels.get(destination_id, destination_id)

    def mode_label(self, mode_id: str) -> str:
        return self.mode_labels.get(mode_id, mode_id)

    def pillar_label(self, pillar_id: str) -> str:
        return self.pillar_labels.get(pillar_id, pillar_id)


@dataclass(frozen=True)
class Ballot:
    """One participant's answer for one destination, checked and in the vocabulary's order.

    An empty ``modes`` is a valid answer: "no cooperation mode fits this destination".
    """

    destination_id: str
    modes: tuple[str, ...]
    pillar: str | None = None


def validate_ballot(
    vocabulary: PollVocabulary,
    destination_id: str,
    modes: Iterable[str],
    pillar: str | None = None,
) -> Ballot:
    """Check an answer against the poll and put its modes in ladder order, without duplicates.

    Raises ``InvalidAnswer`` naming the first thing that is not on the ballot.
    """
    if destination_id not in vocabulary.destinations:
        raise InvalidAnswer(f"destination '{destination_id}' is not one of this poll's destinations.")
    if isinstance(modes, str):
        # A bare string would be read letter by letter; that is a caller's slip, not a user's.
        raise TypeError("modes must be a collection of mode ids, not a single string")
    chosen = set()
    for mode in modes:
        if mode not in vocabulary.modes:
            raise InvalidAnswer(f"mode '{mode}' is not a cooperation mode.")
        chosen.add(mode)
    if pillar is not None and pillar not in vocabulary.pillars:
        raise InvalidAnswer(f"pillar '{pillar}' is not one of the roadmap's pillars.")
    return Ballot(destination_id, tuple(mode for mode in vocabulary.modes if mode in chosen), pillar)


def normalise_code(text: str | None) -> str:
    """The canonical code for what someone typed: any case, spaces and dashes ignored.

    Raises ``MalformedRoomCode`` with a message that says what a code looks like.
    """
    compact = _CODE_SEPARATORS.sub("", text or "").upper()
    if not compact:
        raise MalformedRoomCode("Enter the room code shown by the facilitator.")
    if len(compact) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in compact):
        raise MalformedRoomCode(
            f"'{_shown(text or '')}' is not a room code: codes have {CODE_LENGTH} letters and digits "
            "(no I, L, O, 0 or 1), like K7M-4QX."
        )
    return compact


def format_code(code: str) -> str:
    """The code as a projector shows it, in two halves ("K7M4QX" → "K7M-4QX")."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def new_room_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_facilitator_key() -> str:
    return secrets.token_urlsafe(24)


def hash_key(key: str) -> str:
    """What the database keeps instead of the key, so a copied database file cannot run the room."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_matches(key: str | None, stored_hash: str) -> bool:
    """Compare in constant time, so response times do not reveal how much of a guess was right."""
    if not key:
        return False
    return hmac.compare_digest(hash_key(key), stored_hash)


def new_token() -> str:
    """A participant's id: random, kept by their browser, never shown to anyone else."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def validate_token(token: str | None) -> str:
    if not isinstance(token, str) or not _TOKEN_PATTERN.fullmatch(token):
        raise InvalidToken()
    return token


def clean_title(text: str | None) -> str:
    """A title safe to show to everyone: no control or direction-override characters, one line, capped."""
    kept = "".join(
        " " if char in "\t\n\r" else char
        for char in (text or "")
        if char in "\t\n\r" or (unicodedata.category(char) != "Cc" and char not in _BIDI_CONTROLS)
    )
    title = " ".join(kept.split())[:MAX_TITLE_CHARS].strip()
    return title or DEFAULT_TITLE


def spend_allowance(allowance: float | None, last_write_at: float | None, now: float, limits: Limits) -> float:
    """The participant's allowance after one more write, or ``RateLimited`` if it is spent.

    ``allowance`` is what was left after the previous write (``None`` for a first write);
    it refills continuously since ``last_write_at``. A clock that went backwards refills nothing.
    """
    if allowance is None or last_write_at is None:
        available = float(limits.rate_burst)
    else:
        elapsed = max(0.0, now - last_write_at)
        available = min(float(limits.rate_burst), allowance + elapsed * limits.refill_per_s)
    if available < 1.0:
        raise RateLimited((1.0 - available) / limits.refill_per_s)
    return available - 1.0


def check_capacity(participants: int, limits: Limits) -> None:
    """Refuse a newcomer once the room holds ``limits.max_participants``; members are never refused."""
    if participants >= limits.max_participants:
        raise RoomFull(limits.max_participants)


def _shown(text: str) -> str:
    """User text echoed in a message, short and printable."""
    printable = "".join(char for char in text if char.isprintable())
    return printable if len(printable) <= 20 else printable[:19] + "…"
