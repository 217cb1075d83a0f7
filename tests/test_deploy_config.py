"""The deployment files say what docs/deploy.md promises: Chromium on Community Cloud and in the
container, a non-root container with a health check, and an nginx configuration that keeps a
browser on one replica and lets its websocket through."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "deploy" / "nginx.conf"


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _active(path: Path) -> str:
    """The file without its comments."""
    return "\n".join(line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())


def test_community_cloud_installs_chromium() -> None:
    assert "chromium" in [line for line in _lines(ROOT / "packages.txt") if not line.startswith("#")]


def test_dockerfile_runs_the_app_as_a_user_with_chromium_and_a_health_check() -> None:
    dockerfile = _active(ROOT / "Dockerfile")
    assert re.search(r"^FROM python:3\.11-slim-bookworm\b", dockerfile, flags=re.M)
    assert re.search(r"apt-get install[^\n]*\bchromium\b", dockerfile)
    assert "pip install -r requirements.txt" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.M)
    assert users and users[-1] not in ("root", "0"), "the app must not run as root"
    assert re.search(r"^HEALTHCHECK\b.*\n?.*?/_stcore/health", dockerfile, flags=re.M | re.S)
    assert re.search(r'^CMD \["streamlit", "run", "app.py"', dockerfile, flags=re.M)


def test_dockerignore_keeps_secrets_and_the_virtualenv_out() -> None:
    ignored = _lines(ROOT / ".dockerignore")
    for entry in (".streamlit/secrets.toml", ".venv", ".git"):
        assert entry in ignored


def test_nginx_config_is_sticky_and_passes_the_websocket() -> None:
    conf = _active(NGINX_CONF)
    upstream = re.search(r"upstream\s+(\w+)\s*\{(.*?)\}", conf, flags=re.S)
    assert upstream, "an upstream block"
    assert re.search(r"hash\s+\$\w+\s+consistent;", upstream[2]), "sticky: a consistent hash on the cookie"
    assert len(re.findall(r"^\s*server\s+\S+;", upstream[2], flags=re.M)) >= 2
    assert re.search(r"map\s+\$cookie_h2061_replica\s+\$h2061_sticky", conf)
    assert re.search(r"add_header\s+Set-Cookie\s+\$h2061_set_cookie;", conf)
    stream = re.search(r"location\s+/_stcore/stream\s*\{(.*?)\}", conf, flags=re.S)
    assert stream, "a location for Streamlit's websocket"
    body = stream[1]
    assert f"proxy_pass http://{upstream[1]};" in body
    assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade;", body)
    assert re.search(r"proxy_set_header\s+Connection\s+\$\w+;", body)
    assert re.search(r"proxy_set_header\s+Host\s+\$http_host;", body)
    assert re.search(r"proxy_read_timeout\s+\d+[hm];", body), "a long read timeout for an idle websocket"
    assert "proxy_http_version 1.1;" in conf


def test_nginx_accepts_the_config(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed; the file's contents are checked above")
    from bench.replicas import main_config, site_config

    site = tmp_path / "horizon2061.conf"
    site.write_text(site_config(18080, [18501, 18502]), encoding="utf-8")
    conf = tmp_path / "nginx.conf"
    conf.write_text(main_config(tmp_path, site), encoding="utf-8")
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
