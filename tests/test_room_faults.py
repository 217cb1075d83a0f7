"""The room poll when its database fails: locked, read-only, deleted, or the server killed.

Every fault here is real, on a real SQLite file in a temporary folder; nothing of the store is
mocked. Two promises are checked under each one:

- the person sees one clear sentence (a ``DatabaseFault``, which is a ``RoomError``), never a
  raw ``OperationalError`` or a traceback;
- no acknowledged answer is lost: a call that returned is in the file afterwards, and a call
  that raised recorded nothing.

How each fault is made, given that the tests run as root (who ignores file permissions):

- *Locked*: another connection holds ``BEGIN EXCLUSIVE`` on the file, as a backup tool or a
  ``sqlite3`` shell left open would.
- *Read-only*: ``chattr +i`` (immutable) on the database and its ``-wal`` file. The kernel
  then refuses writes to root too, through connections already open as well as new ones,
  as a disk remounted read-only would. Not on the ``-shm`` file: SQLite maps it into memory,
  and a write to an immutable mapping kills the process with SIGBUS (a fault that a server
  whose permissions were changed never meets: it can still write the shared memory it has
  mapped). ``chmod`` proper is exercised by a child process that drops to ``nobody``.
- *Deleted*: the files are removed (or moved away and back) while the store's engine holds
  pooled connections to them.
- *Killed*: SIGKILL, to a process writing answers and to a real ``streamlit run`` server
  between the participants' "Sent" and the facilitator's next refresh.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.room import (
    DatabaseFault,
    DatabaseGone,
    DatabaseReadOnly,
    PollVocabulary,
    RoomBusy,
    RoomError,
    RoomStore,
    UnknownRoom,
    engine_for,
    new_token,
)
from components.room import store as store_module
from tests import test_room_page

from .browser_support import ROOT, free_port

VOCABULARY = PollVocabulary(
    destinations=("moon", "mars", "comets"),
    modes=("instrument_delivery", "working_group", "integrated_mission"),
    pillars=("science", "missions"),
    destination_labels={"moon": "Moon", "mars": "Mars", "comets": "Comets"},
)
APP = ROOT / "app.py"
# The room page in AppTest, and its fixture, as the room page's own tests drive them.
room_db = test_room_page.room_db
room_page = test_room_page.room_page
SIDE_FILES = ("-wal", "-shm")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "poll" / "room.sqlite"


@pytest.fixture
def make_store(db_path: Path) -> Iterator:
    made: list[RoomStore] = []

    def make(**options) -> RoomStore:
        store = RoomStore(engine_for(f"sqlite:///{db_path}"), VOCABULARY, **options)
        made.append(store)
        return store

    yield make
    for store in made:
        store.engine.dispose()


def tokens_in(path: Path, code: str) -> set[str]:
    """The participants with an answer in the file itself, read by a connection of the test's own."""
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT token FROM answers WHERE room_code = ?", (code,))}


def answered(store: RoomStore, code: str, count: int) -> list[str]:
    tokens = [new_token() for _ in range(count)]
    for number, token in enumerate(tokens):
        store.submit(code, token, VOCABULARY.destinations[number % 3], [VOCABULARY.modes[number % 3]])
    return tokens


def assert_one_sentence(error: RoomError, *words: str) -> None:
    assert isinstance(error, DatabaseFault)
    assert error.message.endswith(".") and "OperationalError" not in error.message and "\n" not in error.message
    for word in words:
        assert word in error.message, error.message


# Locked ------------------------------------------------------------------------------------


class LockHolder:
    """Another program's connection to the same file, taking the write lock when told."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)

    def hold(self) -> None:
        self.conn.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def short_retries(monkeypatch) -> tuple[float, int]:
    """The same retry logic with a shorter window (0.25 s per try, two tries), so that a lock
    held past it is a second, not the product's minute (10 s busy timeout × 6 tries)."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.25)
    monkeypatch.setattr(store_module, "MAX_ATTEMPTS", 2)
    return 0.25, 2


def test_a_lock_held_past_the_retries_says_busy_and_records_nothing(make_store, db_path, short_retries) -> None:
    store = make_store()
    code, _ = store.open_room()
    before = answered(store, code, 2)
    holder = LockHolder(db_path)
    try:
        holder.hold()
        token = new_token()
        began = time.monotonic()
        with pytest.raises(RoomBusy) as refused:
            store.submit(code, token, "moon", ["working_group"])
        waited = time.monotonic() - began
        assert_one_sentence(refused.value, "busy", "nothing was saved")
        assert 0.5 <= waited < 3.0, waited  # two tries of 0.25 s, plus the pauses between them
        began = time.monotonic()
        assert store.results(code).respondents == 2  # WAL: the facilitator still reads while it is held
        assert time.monotonic() - began < 1.0
        assert store.write_fault is refused.value  # what the facilitator's screen warns about
    finally:
        holder.release()
        holder.close()
    assert tokens_in(db_path, code) == set(before)  # the refused answer is not there
    store.submit(code, token, "moon", ["working_group"])
    assert store.write_fault is None
    assert tokens_in(db_path, code) == {*before, token}


def test_a_lock_released_within_the_retry_window_lets_the_answer_through(make_store, db_path) -> None:
    store = make_store()  # the product's own window: 10 s per try
    code, _ = store.open_room()
    holder = LockHolder(db_path)
    holder.hold()
    releaser = threading.Timer(1.5, holder.release)
    releaser.start()
    token = new_token()
    began = time.monotonic()
    try:
        store.submit(code, token, "mars", ["integrated_mission"])
    finally:
        releaser.join()
        holder.close()
    assert 1.4 <= time.monotonic() - began < 5.0
    assert tokens_in(db_path, code) == {token}


def test_under_a_lock_taken_and_released_only_returned_answers_are_recorded(make_store, db_path, short_retries) -> None:
    """A lock held for short and long spells while three phones send eight answers each: every
    call either returns (and its answer is in the file) or raises the busy sentence (and its
    answer is not)."""
    store = make_store()
    code, _ = store.open_room()
    holder, stop = LockHolder(db_path), threading.Event()

    def spells() -> None:  # starts holding the lock; ends having released it
        for spell in itertools.count():
            # A spell past the window (two tries of 0.25 s per phone, the three phones' tries queued
            # one after another inside the process: 1.5 s), then a short one.
            time.sleep(2.0 if spell % 2 == 0 else 0.05)
            holder.release()
            if stop.is_set():
                return
            time.sleep(0.05)
            holder.hold()

    acknowledged, refused, other = [], [], []

    def phone() -> None:
        for _ in range(8):
            token = new_token()
            try:
                store.submit(code, token, "comets", ["instrument_delivery"])
            except RoomBusy as error:
                refused.append((token, error))
            except BaseException as error:
                other.append(repr(error))
            else:
                acknowledged.append(token)
            time.sleep(0.05)

    holder.hold()
    locker = threading.Thread(target=spells)
    phones = [threading.Thread(target=phone) for _ in range(3)]
    locker.start()
    for thread in phones:
        thread.start()
    for thread in phones:
        thread.join(timeout=60)
    stop.set()
    locker.join(timeout=5)
    holder.close()
    assert other == []
    assert acknowledged and refused, (len(acknowledged), len(refused))  # both outcomes were met
    for _, error in refused:
        assert_one_sentence(error, "busy")
    recorded = tokens_in(db_path, code)
    assert set(acknowledged) <= recorded
    assert not recorded & {token for token, _ in refused}


# Read-only -----------------------------------------------------------------------------------


class Immutable:
    """``chattr +i`` on files, undone at the end of the test whatever happens."""

    def __init__(self) -> None:
        self.frozen: list[Path] = []

    def on(self, *paths: Path) -> None:
        if shutil.which("chattr") is None:
            pytest.skip("chattr is not installed, so no file can be made read-only for root")
        for path in paths:
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"this filesystem or user cannot set the immutable flag: {done.stderr.strip()}")
            self.frozen.append(path)

    def off(self) -> None:
        while self.frozen:
            subprocess.run(["chattr", "-i", str(self.frozen.pop())], check=True)


@pytest.fixture
def immutable() -> Iterator[Immutable]:
    flags = Immutable()
    yield flags
    flags.off()


def database_files(path: Path) -> tuple[Path, Path]:
    """The database and its write-ahead log: what a read-only disk refuses to change."""
    return path, path.with_name(path.name + "-wal")


def test_a_read_only_database_refuses_answers_clearly_and_keeps_the_earlier_ones(
    make_store, db_path, immutable
) -> None:
    store = make_store()
    code, key = store.open_room()
    before = answered(store, code, 2)
    immutable.on(*database_files(db_path))
    for _ in range(2):  # the same sentence on the stale connection and on the fresh one
        began = time.monotonic()
        with pytest.raises(DatabaseReadOnly) as refused:
            store.submit(code, new_token(), "moon", ["working_group"])
        assert time.monotonic() - began < 1.0  # no retrying a database that refuses
        assert_one_sentence(refused.value, "read-only", "nothing was saved", "recorded before are kept")
    with pytest.raises(DatabaseReadOnly):
        store.close(code, key)
    assert store.results(code).respondents == 2
    restarted = make_store()  # an app started on the read-only file still shows the room
    assert restarted.results(code).respondents == 2
    assert tokens_in(db_path, code) == set(before)

    immutable.off()
    after = answered(store, code, 1) + answered(restarted, code, 1)  # both work again, no restart needed
    assert tokens_in(db_path, code) == {*before, *after}


NOBODY_SCRIPT = r"""
import json, os, sys, tempfile
sys.path.insert(0, sys.argv[1])
folder = sys.argv[2]
from components.room import DatabaseFault, PollVocabulary, RoomStore, engine_for, new_token

vocabulary = PollVocabulary(destinations=("moon",), modes=("working_group",), pillars=("science",))
# Every module the store loads lazily is loaded now, while the interpreter's files can be read.
with tempfile.TemporaryDirectory() as warm:
    store = RoomStore(engine_for(f"sqlite:///{warm}/warm.sqlite"), vocabulary)
    code, _ = store.open_room()
    store.submit(code, new_token(), "moon", ["working_group"])
    store.results(code)
    store.engine.dispose()
os.setgroups([])
os.setgid(65534)
os.setuid(65534)
report = {}
path = f"{folder}/room.sqlite"
server = RoomStore(engine_for(f"sqlite:///{path}"), vocabulary)
code, _ = server.open_room()
acknowledged = [new_token()]
server.submit(code, acknowledged[0], "moon", ["working_group"])
for name in os.listdir(folder):
    os.chmod(f"{folder}/{name}", 0o444)
os.chmod(folder, 0o555)
try:
    token = new_token()
    server.submit(code, token, "moon", ["working_group"])
    acknowledged.append(token)
    report["open_connection"] = "saved"
except DatabaseFault as fault:
    report["open_connection"] = fault.message
restarted = RoomStore(engine_for(f"sqlite:///{path}"), vocabulary)
report["restarted_reads"] = restarted.results(code).respondents
try:
    restarted.submit(code, new_token(), "moon", ["working_group"])
    report["restarted_write"] = "saved"
except DatabaseFault as fault:
    report["restarted_write"] = [type(fault).__name__, fault.message]
report["code"], report["acknowledged"] = code, acknowledged
print(json.dumps(report))
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping to the user nobody needs root")
def test_a_server_running_as_an_ordinary_user_whose_file_is_made_read_only(tmp_path: Path) -> None:
    """``chmod a-w`` on the files and their folder, as it hits a server that is not root: the
    connections it already has keep writing (the answers are really saved), and once it
    reconnects, as after a restart, it says read-only and still shows the results."""
    folder = Path(tempfile.mkdtemp(prefix="h2061-readonly-", dir="/tmp"))  # tmp_path is root's alone
    try:
        os.chown(folder, 65534, 65534)
        done = subprocess.run(
            [sys.executable, "-c", NOBODY_SCRIPT, str(ROOT), str(folder)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        report = json.loads(done.stdout.strip().splitlines()[-1])
        assert report["open_connection"] == "saved"
        assert report["restarted_reads"] == 2
        kind, message = report["restarted_write"]
        assert kind == "DatabaseReadOnly" and "read-only" in message
        assert tokens_in(folder / "room.sqlite", report["code"]) == set(report["acknowledged"])
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder, ignore_errors=True)


# Deleted ------------------------------------------------------------------------------------------


def remove_database(path: Path) -> None:
    for name in (path.name, *(path.name + side for side in SIDE_FILES)):
        path.with_name(name).unlink(missing_ok=True)


def move_database(path: Path, target: Path) -> None:
    for side in ("", *SIDE_FILES):
        source = path.with_name(path.name + side)
        if source.exists():
            source.rename(target.with_name(target.name + side))


def test_a_deleted_database_is_reported_as_gone_never_shown_as_an_empty_room(make_store, db_path) -> None:
    store = make_store()
    code, _ = store.open_room()
    answered(store, code, 2)
    remove_database(db_path)
    for operation in (
        lambda: store.submit(code, new_token(), "moon", ["working_group"]),
        lambda: store.results(code),
        lambda: store.require_room(code),
    ):
        with pytest.raises(DatabaseGone) as gone:
            operation()
        assert_one_sentence(gone.value, "deleted or moved", "answers")
    assert not db_path.exists()  # nothing quietly made a fresh, empty file in its place
    # Opening a new room is asking for a new poll: the database is made again, empty.
    new_code, _ = store.open_room("After the loss")
    assert store.results(new_code).respondents == 0
    with pytest.raises(UnknownRoom):
        store.require_room(code)


def test_a_database_moved_away_and_back_keeps_every_answer(make_store, db_path, tmp_path) -> None:
    store = make_store()
    code, _ = store.open_room()
    before = answered(store, code, 2)
    away = tmp_path / "elsewhere.sqlite"
    move_database(db_path, away)
    with pytest.raises(DatabaseGone):
        store.submit(code, new_token(), "moon", ["working_group"])
    with pytest.raises(DatabaseGone):
        store.results(code)
    move_database(away, db_path)
    assert store.results(code).respondents == 2
    after = answered(store, code, 1)
    assert tokens_in(db_path, code) == {*before, *after}


def test_a_database_replaced_by_a_copy_is_read_and_written_where_it_now_is(make_store, db_path, tmp_path) -> None:
    """A file put back from a copy is another file: connections still holding the old one must
    not answer from it, nor write answers into it that nobody will read."""
    store = make_store()
    code, _ = store.open_room()
    kept = answered(store, code, 1)
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(db_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    answered(store, code, 1)  # in the old file only
    remove_database(db_path)
    copy.rename(db_path)
    assert store.results(code).respondents == 1
    after = answered(store, code, 1)
    assert tokens_in(db_path, code) == {*kept, *after}


def test_an_emptied_database_says_so(make_store, db_path) -> None:
    store = make_store()
    code, _ = store.open_room()
    answered(store, code, 1)
    remove_database(db_path)
    sqlite3.connect(db_path).close()  # an empty file where the poll was
    with pytest.raises(DatabaseGone) as gone:
        store.results(code)
    assert_one_sentence(gone.value, "no longer holds the poll")


# Killed ------------------------------------------------------------------------------------------

WRITER_SCRIPT = r"""
import os, signal, sys
sys.path.insert(0, sys.argv[1])
from components.room import PollVocabulary, RoomStore, engine_for, new_token

url, code, stop_after = sys.argv[2], sys.argv[3], int(sys.argv[4])
vocabulary = PollVocabulary(destinations=("moon",), modes=("working_group",), pillars=("science",))
store = RoomStore(engine_for(url), vocabulary, create_schema=False)
print("ready", flush=True)
for number in range(1, 100_000):
    token = new_token()
    store.submit(code, token, "moon", ["working_group"])
    print("ack", token, flush=True)
    if number == stop_after:
        os.kill(os.getpid(), signal.SIGKILL)  # the instant after the answer was acknowledged
"""


@pytest.mark.parametrize("killed", ["right after an answer returns", "while it is writing"])
def test_answers_acknowledged_before_a_process_is_killed_are_all_in_the_file(make_store, db_path, killed: str) -> None:
    """WAL with ``synchronous=NORMAL``: a commit is in the log file before the call returns, so
    a killed process loses nothing it acknowledged (a power cut could lose the last instant)."""
    store = make_store()
    code, _ = store.open_room()
    stop_after = 15 if killed.startswith("right") else 0
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT, str(ROOT), f"sqlite:///{db_path}", code, str(stop_after)],
        stdout=subprocess.PIPE,
        text=True,
    )
    acknowledged = []
    try:
        assert writer.stdout.readline().strip() == "ready"
        for line in writer.stdout:
            acknowledged.append(line.split()[1])
            if not stop_after and len(acknowledged) == 25:
                writer.send_signal(signal.SIGKILL)  # wherever it is: mid-transaction, mid-commit
                break
    finally:
        writer.kill()
        writer.wait(timeout=10)
    assert writer.returncode == -signal.SIGKILL
    assert len(acknowledged) == (15 if stop_after else 25)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert set(acknowledged) <= tokens_in(db_path, code)
    assert store.results(code).respondents >= len(acknowledged)


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on a free port; killed by the caller."""
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "streamlit", "run", str(APP)),
            *("--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"),
            *("--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"),
        ],
        cwd=ROOT,
        env={**os.environ, "H2061_ROOM_DB": str(db), "H2061_ROOM_HOST": "127.0.0.1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "streamlit exited early"
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("streamlit did not become healthy within 60 s")


def run_apart(coroutine):
    """Run the protocol clients on an event loop of their own, in a thread: the test process may
    already run one (Playwright's, left by a browser test on the same worker)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_answers_sent_before_the_server_is_killed_show_on_the_facilitator_screen_after_a_restart(
    make_store, db_path
) -> None:
    from bench.protocol import SUCCESS, Session, string_array, trigger

    @dataclass
    class Screen(Session):
        """A tab that also notes the metrics it was shown (the facilitator's counts)."""

        metrics: dict[str, str] = field(default_factory=dict)

        def handle(self, message) -> None:
            super().handle(message)
            if message.WhichOneof("type") == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                if element.WhichOneof("type") == "metric":
                    self.metrics[element.metric.label] = element.metric.body

    store = make_store()
    code, key = store.open_room("Kill test")

    async def facilitator_counts(base: str) -> dict[str, str]:
        screen = Screen(base, "room", query_string=f"room={code}&key={key}")
        await screen.open()
        try:
            assert await asyncio.wait_for(screen.run(first=True), 60) == "finished"
            assert not screen.page_errors
            return dict(screen.metrics)
        finally:
            await screen.close()

    async def phone_answers(base: str, choice: int) -> None:
        phone = Session(base, "room", query_string=f"room={code}")
        await phone.open()
        try:
            await asyncio.wait_for(phone.run(first=True), 60)
            (_, modes) = phone.widget("room_modes_moon")
            label = modes.options[choice].content
            submit = phone.form_submitter()
            await asyncio.wait_for(phone.run([string_array(modes.id, [label]), trigger(submit.id)]), 60)
            assert any(form == SUCCESS and body.startswith("Sent for 1") for form, body in phone.alerts), phone.alerts
        finally:
            await phone.close()

    async def first_server(base: str) -> dict[str, str]:
        shown = await facilitator_counts(base)  # the projector, before anyone answers
        await asyncio.gather(*(phone_answers(base, choice) for choice in range(3)))
        return shown

    server, base = start_server(db_path)
    try:
        shown = run_apart(first_server(base))
        server.send_signal(signal.SIGKILL)  # three "Sent" acknowledged; no refresh of the projector yet
        server.wait(timeout=10)
    finally:
        server.kill()
    assert shown["Answered"] == "0"

    server, base = start_server(db_path)
    try:
        shown = run_apart(facilitator_counts(base))
    finally:
        server.kill()
        server.wait(timeout=10)
    assert shown["Participants"] == "3" and shown["Answered"] == "3"
    assert store.results(code).respondents == 3


# The page ----------------------------------------------------------------------------------------


def alerts(elements) -> str:
    return " ".join(element.value for element in elements).replace("\\", "")


def press_send(at: AppTest) -> None:
    next(button for button in at.button if button.label == "Send my answers").click().run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("fault", ["read-only", "deleted"])
def test_the_page_under_a_failing_database_says_so_and_keeps_the_participants_choices(
    room_db: Path, tmp_path: Path, immutable: Immutable, fault: str
) -> None:
    facilitator = room_page()
    facilitator.button(key="room_open").click().run()
    code = facilitator.session_state["room"]
    first = room_page({"room": code})
    first.pills(key="room_modes_moon").set_value(["integrated_mission"])
    press_send(first)
    assert first.success

    participant = room_page({"room": code})
    chosen = {"moon": ["working_group"], "small_bodies": ["multi_platform", "integrated_mission"]}
    for destination_id, modes in chosen.items():
        participant.pills(key=f"room_modes_{destination_id}").set_value(modes)
    participant.pills(key="room_pillar_moon").set_value("technologies")
    away = tmp_path / "moved-away.sqlite"
    if fault == "read-only":
        immutable.on(*database_files(room_db))
        words = "read-only"
    else:
        move_database(room_db, away)  # to the app, deleted and moved away are the same
        words = "deleted or moved"

    for _ in range(2):
        press_send(participant)
        assert not participant.success
        said = alerts(participant.error)
        assert "Your answers were not recorded" in said and words in said, said
        for destination_id, modes in chosen.items():
            assert participant.pills(key=f"room_modes_{destination_id}").value == modes
        assert participant.pills(key="room_pillar_moon").value == "technologies"

    facilitator.run()
    assert not facilitator.exception, [e.value for e in facilitator.exception]
    assert f"Room code: `{code}`" in alerts(facilitator.markdown)  # the room stays on the projector
    counts = {metric.label: metric.value for metric in facilitator.metric}
    if fault == "read-only":
        assert counts["Answered"] == "1"  # what was recorded is still shown
        assert "Answers are not being saved" in alerts(facilitator.warning)
        assert words in alerts(facilitator.warning)
    else:
        assert "Answered" not in counts  # not an empty room as if nothing had happened
        assert words in alerts(facilitator.error)

    if fault == "read-only":
        immutable.off()
    else:
        move_database(away, room_db)
    press_send(participant)
    assert "Sent for 2 destinations" in participant.success[0].value
    facilitator.run()
    assert {metric.label: metric.value for metric in facilitator.metric}["Answered"] == "2"
    assert not facilitator.warning
