"""The links and QR codes that bring phones into a room, made offline.

Participants scan the code on the projector, so the link must name an address their phones
can reach on the local network: ``localhost`` would point each phone at itself. The host
comes, in order, from an argument, from ``H2061_ROOM_HOST`` (set it when the machine has
several networks, or behind a proxy), or from this machine's own private IPv4 address,
found from local configuration alone: nothing is sent on the network to learn it.

The participants' link carries only the room code; the facilitator's adds the key, and is
meant for the facilitator's own browser, never for the projector.
"""

from __future__ import annotations

import io
import ipaddress
import os
import socket
from urllib.parse import urlencode

import segno

ROOM_HOST_ENV = "H2061_ROOM_HOST"
ROOM_PATH = "/room"
LOOPBACK = "127.0.0.1"
QR_ERROR = "m"  # recovers ~15% of a smudged or badly lit code, still a small symbol for a URL
QR_BORDER = 4  # the quiet zone the standard asks for; phones read codes without it badly


def join_url(base: str, code: str) -> str:
    """The participants' link, ``http://HOST:PORT/room?room=CODE``: no key in it."""
    return f"{base.rstrip('/')}{ROOM_PATH}?{urlencode({'room': code})}"


def facilitator_url(base: str, code: str, key: str) -> str:
    """The facilitator's link, ``…/room?room=CODE&key=KEY``; whoever has it runs the room."""
    return f"{base.rstrip('/')}{ROOM_PATH}?{urlencode({'room': code, 'key': key})}"


def server_base_url(port: int, host: str | None = None, *, scheme: str = "http") -> str:
    """``scheme://HOST:PORT`` for the address phones should use (see the module docstring for HOST)."""
    chosen = host or os.environ.get(ROOM_HOST_ENV, "").strip() or lan_address()
    if ":" in chosen and not chosen.startswith("["):
        chosen = f"[{chosen}]"  # an IPv6 literal
    return f"{scheme}://{chosen}:{int(port)}"


def lan_address() -> str:
    """This machine's private, non-loopback IPv4 address, or 127.0.0.1 when it has none.

    First what the host name resolves to (often only 127.0.1.1 on Debian), then the
    address of the interface the system would route a private address through: connecting
    a UDP socket picks a route without sending a packet.
    """
    candidates: list[str] = []
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        candidates.extend(str(info[4][0]) for info in infos)
    except OSError:
        pass
    for address in candidates:
        if _reachable_from_lan(address):
            return address
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address = str(probe.getsockname()[0])
        if _reachable_from_lan(address):
            return address
    except OSError:
        pass
    return LOOPBACK


def qr_code(url: str) -> segno.QRCode:
    """The symbol itself, with the settings every rendering shares."""
    return segno.make(url, error=QR_ERROR, micro=False, boost_error=False)


def qr_svg(url: str, *, scale: int = 8, title: str = "Scan to join the room") -> str:
    """An SVG document of the code: black on white (readable on the dark theme too), with a title."""
    buffer = io.BytesIO()
    qr_code(url).save(
        buffer, kind="svg", scale=scale, border=QR_BORDER, dark="#000", light="#fff", xmldecl=False, title=title
    )
    return buffer.getvalue().decode("utf-8")


def qr_png(url: str, scale: int = 8) -> bytes:
    """A PNG of the code, for a slide or a printed handout."""
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=scale, border=QR_BORDER, dark="#000", light="#fff")
    return buffer.getvalue()


def _reachable_from_lan(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.version == 4 and ip.is_private and not ip.is_loopback and not ip.is_link_local
