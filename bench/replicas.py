"""Two replicas behind nginx, the poll on PostgreSQL: twice the room, and does it spread?

The deployment ``docs/deploy.md`` describes, on one machine: a private PostgreSQL 15 cluster
started for the run (trust auth on 127.0.0.1, removed afterwards), ``streamlit run app.py``
replicas on their own ports with ``H2061_ROOM_DB`` pointing at it, and nginx in front with the
shipped ``deploy/nginx.conf`` (its ports rewritten, wrapped in a minimal main configuration
under a temporary prefix). Every client loads the page over HTTP first, as a tab loads
``index.html``, keeps the ``h2061_replica`` cookie it is given and sends it on its websocket,
so the cookie hash in the upstream spreads clients from one loopback address across replicas.

Two runs of the steady workshop workload (``bench/room_load.py``, without the browser):
``sessions`` explorers and ``participants`` phones on one replica behind nginx, then twice as
many on two replicas. Reported per run: reruns completed a second (every run the clients
finished: first runs, filter changes, submits), filter-change times, drops and errors, each
replica's share of the websocket sessions and of the cookies (from nginx's access log, with
``$upstream_addr``; a cookie seen on two replicas is a broken sticky session), each replica's
peak RSS, and the answers: acknowledged by the page against rows counted in PostgreSQL.

    python -m bench.replicas [--sessions 25] [--participants 40] [--duration 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pwd
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.room_load import _poll, count_answers, report, warm, workload  # noqa: E402
from bench.server import RssSampler, megabytes, serve  # noqa: E402
from components.room import RoomStore  # noqa: E402
from tests.browser_support import free_port  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
LOG_LINE = re.compile(r'^(?P<uri>\S+) (?P<status>\d{3}) (?P<upstream>\S+) "(?P<cookie>[^"]*)"$')


def available() -> str | None:
    """Why the benchmark cannot run here, or None."""
    if not Path(NGINX).exists():
        return "nginx is not installed (apt-get install -y nginx)"
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL 15 is not installed ({PG_BIN}/initdb not found)"
    return None


# PostgreSQL ----------------------------------------------------------------------------------------


def _as_postgres(*command: str) -> list[str]:
    """The server refuses to run as root, so root runs it as the ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """A private PostgreSQL 15 cluster on a free port; its SQLAlchemy URL. Stopped and removed at the end."""
    root = Path(tempfile.mkdtemp(prefix="h2061-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
    os.chmod(root, 0o700)
    data, log, port = root / "data", root / "server.log", free_port()
    try:
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
            raise RuntimeError(f"PostgreSQL did not start: {log.read_text() if log.exists() else started.stderr}")
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"), capture_output=True
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


# nginx -------------------------------------------------------------------------------------------


def site_config(listen: int, upstreams: list[int], shipped: str | None = None) -> str:
    """The shipped configuration with its listen port and upstream servers replaced."""
    text = shipped if shipped is not None else NGINX_CONF.read_text(encoding="utf-8")
    servers = re.findall(r"^( *)server 127\.0\.0\.1:\d+;\n", text, flags=re.M)
    if not servers:
        raise ValueError("deploy/nginx.conf has no 'server 127.0.0.1:PORT;' lines in its upstream")
    indent = servers[0]
    lines = "".join(f"{indent}server 127.0.0.1:{port};\n" for port in upstreams)
    text = re.sub(r"(^ *server 127\.0\.0\.1:\d+;\n)+", lines, text, count=1, flags=re.M)
    text, listens = re.subn(r"^( *)listen \d+;", rf"\1listen 127.0.0.1:{listen};", text, flags=re.M)
    if listens != 1:
        raise ValueError("deploy/nginx.conf should have one 'listen PORT;' line")
    return text


def main_config(prefix: Path, site: Path) -> str:
    """A minimal nginx.conf around the site configuration, everything under ``prefix``."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers read the temporary prefix
    return (
        f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        f"    client_body_temp_path {prefix}/client_body;\n    proxy_temp_path {prefix}/proxy;\n"
        f"    fastcgi_temp_path {prefix}/fastcgi;\n    uwsgi_temp_path {prefix}/uwsgi;\n"
        f"    scgi_temp_path {prefix}/scgi;\n"
        "    log_format h2061 '$uri $status $upstream_addr \"$cookie_h2061_replica\"';\n"
        f"    access_log {prefix}/access.log h2061;\n"
        f"    include {site};\n"
        "}\n"
    )


@contextmanager
def nginx(upstreams: list[int], prefix: Path) -> Iterator[tuple[str, Path]]:
    """nginx in the foreground with the shipped configuration; its base URL and access log."""
    listen = free_port()
    prefix.mkdir(parents=True, exist_ok=True)
    site = prefix / "horizon2061.conf"
    site.write_text(site_config(listen, upstreams), encoding="utf-8")
    conf = prefix / "nginx.conf"
    conf.write_text(main_config(prefix, site), encoding="utf-8")
    command = [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{checked.stderr}")
    process = subprocess.Popen([*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited: {process.stderr.read().decode()}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", listen)) == 0:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("nginx did not listen within 10 s")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{listen}", prefix / "access.log"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def spread(log: Path, offset: int, ports: list[int]) -> dict:
    """Websocket sessions and cookies per replica, from the access log past ``offset``."""
    sessions: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    cookies: dict[str, set[str]] = defaultdict(set)
    with log.open(encoding="utf-8", errors="replace") as handle:
        handle.seek(offset)
        for line in handle:
            match = LOG_LINE.match(line.strip())
            if match is None or match["upstream"] == "-":
                continue
            upstream = match["upstream"].rsplit(":", 1)[-1]
            if match["uri"] == "/_stcore/stream":
                statuses[match["status"]] += 1
                if match["status"] == "101":
                    sessions[upstream] += 1
            if match["cookie"] not in ("", "-"):
                cookies[match["cookie"]].add(upstream)
    names = {str(port): f"replica {n}" for n, port in enumerate(ports, start=1)}
    per_cookie = Counter(next(iter(seen)) for seen in cookies.values() if len(seen) == 1)
    return {
        "websocket_sessions": {names.get(port, port): sessions.get(port, 0) for port in names},
        "cookies": {names.get(port, port): per_cookie.get(port, 0) for port in names},
        "cookies_on_two_replicas": sum(len(seen) > 1 for seen in cookies.values()),
        "websocket_statuses": dict(statuses),
    }


# The runs ----------------------------------------------------------------------------------------


def _run(database: str, replicas: int, sessions: int, participants: int, duration: float, seed: int) -> dict:
    poll = _poll()
    store = RoomStore.from_url(database, poll)
    code, _ = store.open_room(f"{replicas} replicas")
    env = {"H2061_ROOM_DB": database, "H2061_ROOM_HOST": "127.0.0.1"}
    with ExitStack() as stack:
        servers = [stack.enter_context(serve(env)) for _ in range(replicas)]
        samplers = [stack.enter_context(RssSampler([server.pid])) for server in servers]
        prefix = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="h2061-nginx-")))
        ports = [server.port for server in servers]
        base, log = stack.enter_context(nginx(ports, prefix))
        for server in servers:  # every replica warm, as after a while in service
            asyncio.run(warm(server.base, code))
        offset = log.stat().st_size if log.exists() else 0
        mark = time.perf_counter()
        load = asyncio.run(
            workload(
                base,
                code,
                sessions=sessions,
                participants=participants,
                duration=duration,
                rng=random.Random(seed),
                sticky=True,
            )
        )
        peaks = [megabytes(sampler.peak(since=mark)) for sampler in samplers]
        time.sleep(0.5)  # nginx writes a websocket's log line when it closes
        split = spread(log, offset, ports)
        if os.environ.get("H2061_BENCH_KEEP_LOG"):
            shutil.copy(log, os.environ["H2061_BENCH_KEEP_LOG"] + f".{replicas}")
    counted = count_answers(store, code)
    store.engine.dispose()
    figures = report(load)
    answers = figures["answers"]
    answers.update(written=counted["rows"], respondents_written=counted["respondents"])
    answers["lost"] = max(0, answers["acknowledged"] - counted["rows"])
    return {"replicas": replicas, **figures, "split": split, "peak_rss_mb": peaks}


def measure(sessions: int = 25, participants: int = 40, duration: float = 60.0, seed: int = 2061) -> dict:
    """One replica with the room, then two with twice the room, behind nginx, on PostgreSQL."""
    reason = available()
    if reason:
        return {"skipped": reason}
    load_before = os.getloadavg()[0]
    with postgres_cluster() as database:
        one = _run(database, 1, sessions, participants, duration, seed)
        two = _run(database, 2, 2 * sessions, 2 * participants, duration, seed + 1)
    return {
        "one": one,
        "two": two,
        "throughput_ratio": round(two["reruns_per_s"] / one["reruns_per_s"], 2) if one["reruns_per_s"] else None,
        "p95_ratio": (
            round(two["filter_change_s"]["p95"] / one["filter_change_s"]["p95"], 2)
            if one["filter_change_s"]["p95"] and two["filter_change_s"]["p95"]
            else None
        ),
        "database": "PostgreSQL 15 (private cluster, fsync off)",
        "proxy": "nginx, deploy/nginx.conf (cookie hash, consistent)",
        "load_avg_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=25, help="explorers on one replica (twice on two)")
    parser.add_argument("--participants", type=int, default=40, help="phones on one replica (twice on two)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of steady load per run")
    args = parser.parse_args()
    print(json.dumps(measure(args.sessions, args.participants, args.duration), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
