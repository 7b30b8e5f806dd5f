"""Webhook receivers must be on the public internet: no request forgery against our own network.

A webhook address is chosen by an agency administrator, and the worker then posts to it from
inside the hosting network; without a check, `https://10.0.0.5/` or a name resolving to
127.0.0.1 would make the worker call internal services (SSRF). So:

- at subscription, the address is refused when its host is a private, loopback, link-local,
  shared, reserved or multicast address, or a name that resolves to one (a name that does not
  resolve yet is accepted: the delivery checks again);
- at every delivery, the host is resolved again, refused if ANY of its addresses is not public
  (a name can be re-pointed after subscription: DNS rebinding), and the connection is made to the
  address that was checked, not to a second lookup. Redirects are never followed.

`WEBHOOK_ALLOW_PRIVATE_NETWORKS` (default False) lifts the rule, for tests and development with
a receiver on this machine.
"""

import http.client
import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class PrivateAddress(OSError):
    """The host is, or resolves to, an address that is not on the public internet."""


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None and not is_public(embedded):
            return False
        if address.is_site_local:
            return False
    return address.is_global and not address.is_multicast


def addresses_of(host: str, port: int) -> list[IPAddress]:
    """Every address `host` stands for (a literal address needs no lookup); OSError if none."""
    if not host:
        raise socket.gaierror("no host")
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # An IPv6 address may carry a zone ("fe80::1%eth0"): the zone is not part of the address.
    return list(
        dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found)
    )


def _is_local_name(host: str) -> bool:
    host = host.rstrip(".").lower()
    return host == "localhost" or host.endswith(".localhost")


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def subscription_refused(url: str) -> bool:
    """True when the address must be refused now (see the module's docstring)."""
    if settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        return False
    parts = urlsplit(url)
    host = parts.hostname or ""
    if _is_local_name(host):
        return True
    try:
        addresses = addresses_of(host, parts.port or _default_port(parts.scheme))
    except (OSError, UnicodeError, ValueError):
        return False  # unknown today; every delivery checks again
    return any(not is_public(address) for address in addresses)


def checked_address(host: str, port: int) -> str:
    """The address to connect to: one of the host's, all of which must be public."""
    addresses = addresses_of(host, port)
    if not settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        private = [str(a) for a in addresses if not is_public(a)]
        if private or _is_local_name(host):
            raise PrivateAddress(f"{host} resolves to a non-public address ({', '.join(private)})")
    return str(addresses[0])


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST `body` to `url` through a connection pinned to a checked address; returns the
    status. Raises OSError (PrivateAddress included) when no answer comes."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or _default_port(parts.scheme)
    address = checked_address(host, port)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    # The Host header and TLS (server name, certificate) still use the name; only the TCP
    # connection goes to the address that was checked, so a second lookup cannot swap it.
    connection = connection_class(host, port, timeout=timeout)

    def pinned(
        target: tuple[str, int],
        timeout: float | None = None,
        source: tuple[str, int] | None = None,
    ) -> socket.socket:
        return socket.create_connection((address, target[1]), timeout, source)

    connection._create_connection = pinned  # type: ignore[attr-defined]
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()
