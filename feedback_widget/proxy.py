"""The reader's address, scheme and host as a trusted reverse proxy reports them, and only then.

uvicorn's own proxy support trusts `X-Forwarded-For` from 127.0.0.1 by default: any local process could then
claim any address, and so get past the rate limit and the cap on readers per address. Here nothing is trusted
unless `--trusted-proxy` names the proxy's address (or network). A request whose connection comes from a trusted
proxy gets, from the proxy's headers:

- its client address: the right-most address in `X-Forwarded-For` that is not itself a trusted proxy (the
  left-most entries are whatever the client sent, and prove nothing);
- its scheme: `X-Forwarded-Proto` (`http` or `https`);
- its host: `X-Forwarded-Host`, which replaces the `Host` header. A proxy that rewrites `Host` (nginx's
  default `proxy_set_header Host $proxy_host`) would otherwise make every vote look like it came from another
  site's page.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or networks (`10.0.0.5`, `10.0.0.0/8`, `::1`); ValueError names the one that is neither."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"--trusted-proxy {value!r}: expected an IP address or network, e.g. 127.0.0.1") from None
    return tuple(networks)


class TrustedProxy:
    """ASGI middleware: takes the client's address, scheme and host from a trusted proxy's forwarding headers."""

    def __init__(self, app: ASGIApp, trusted: Iterable[str]):
        self.app = app
        self.trusted = parse_trusted(trusted)

    def is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.trusted:
            client = scope.get("client")
            if client and self.is_trusted(client[0]):
                scope = self._forwarded(scope)
        await self.app(scope, receive, send)

    def _forwarded(self, scope: Scope) -> Scope:
        headers = scope["headers"]
        values: dict[bytes, bytes] = {}
        for name, value in headers:
            if name in (b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host"):
                # Several headers of one name are one comma-separated list (RFC 9110 5.3).
                values[name] = values[name] + b"," + value if name in values else value
        scope = dict(scope)
        chain = [a.strip() for a in values.get(b"x-forwarded-for", b"").decode("latin-1").split(",") if a.strip()]
        if chain:
            client = next((a for a in reversed(chain) if not self.is_trusted(a)), chain[0])
            scope["client"] = (client, 0)
        proto = values.get(b"x-forwarded-proto", b"").decode("latin-1").split(",")[-1].strip().lower()
        if proto in ("http", "https"):
            scope["scheme"] = proto
        host = values.get(b"x-forwarded-host", b"").decode("latin-1").split(",")[-1].strip()
        if host:
            scope["headers"] = [(n, v) for n, v in headers if n != b"host"] + [(b"host", host.encode("latin-1"))]
        return scope
