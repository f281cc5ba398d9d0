"""SSRF-safe outbound targets: which URLs we may POST to, and exactly which addresses.

A target is refused unless its scheme is ``http`` or ``https``, it names a host without user
info, and **every** address the host resolves to is publicly routable. Refused: loopback,
private (RFC 1918, ``fc00::/7``), link-local (incl. cloud metadata ``169.254.169.254``),
multicast, reserved, unspecified (``0.0.0.0``, ``::``), shared (``100.64.0.0/10``) and the same
hidden inside IPv6 (IPv4-mapped ``::ffff:a.b.c.d``, 6to4 ``2002::/16``, NAT64 ``64:ff9b::/96``).
Odd spellings such as ``http://2130706433/`` are caught because the *resolved* address is checked.

``allow`` entries re-admit what the operator trusts: a network (``127.0.0.0/8``, ``::1/128``),
an address (``10.1.2.3``) or a host name (``receiver.internal``, matched exactly, any case).

DNS rebinding: :func:`resolve_target` returns the vetted addresses in a :class:`Target`, and
``webhooks.delivery`` connects to those addresses only (sending the URL's host name in the Host
header and as TLS SNI/certificate name), so the name cannot be re-resolved to something else
between the check and the connection. Check at registration with :func:`check_target`; the
sender checks again, with a fresh resolution, on every attempt.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from webhooks.errors import TargetRefused, TargetUnresolved

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[str]]
"""Turns (host, port) into IP address strings; raises ``OSError`` when the name does not resolve."""

SCHEMES = {"http": 80, "https": 443}
CLOUD_METADATA = ipaddress.IPv4Address("169.254.169.254")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")
_URL_SAFE = "!$%&'()*+,/:;=?@~"  # kept as is; other non-ASCII or reserved bytes get %-encoded


@dataclass(frozen=True)
class Target:
    """A vetted outbound target: connect to ``addresses`` only, send ``host`` as the Host."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def system_resolve(host: str, port: int) -> list[str]:
    """The IPv4/IPv6 addresses of ``host`` from the system resolver, in its order, no repeats."""
    found: list[str] = []
    for family, _type, _proto, _name, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        if family in (socket.AF_INET, socket.AF_INET6) and str(sockaddr[0]) not in found:
            found.append(str(sockaddr[0]))
    return found


def check_target(url: str, *, allow: Sequence[str] = (), resolver: Resolver = system_resolve) -> None:
    """Raise :class:`TargetRefused` unless ``url`` is a target we may call (see the module doc)."""
    resolve_target(url, allow=allow, resolver=resolver)


def resolve_target(url: str, *, allow: Sequence[str] = (), resolver: Resolver = system_resolve) -> Target:
    """Check ``url`` and return it with the exact addresses a sender may connect to.

    Raises :class:`TargetRefused` for a refused URL or address, :class:`TargetUnresolved` (a
    subclass) when the host does not resolve, ``ValueError`` for a malformed ``allow`` entry.
    """
    networks, hosts = _parse_allow(allow)
    scheme, host, port, path = _split(url)
    literal = _ip_or_none(host)
    if literal is not None:
        addresses: Sequence[str] = [str(literal)]
    else:
        try:
            addresses = resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise TargetUnresolved(f"无法解析主机名 {host}", f"cannot resolve host {host}") from exc
        if not addresses:
            raise TargetUnresolved(f"主机名 {host} 没有地址", f"host {host} has no address")
    if host.rstrip(".") not in hosts:
        for address in addresses:
            _check_address(ipaddress.ip_address(address), networks)
    return Target(scheme, host, port, path, tuple(addresses))


def refusal_reason(ip: IPAddress) -> tuple[str, str] | None:
    """Why ``ip`` may not be called, as (zh, en), or ``None`` when it is publicly routable."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return refusal_reason(ip.ipv4_mapped)
        for embedded in _embedded_ipv4(ip):
            reason = refusal_reason(embedded)
            if reason is not None:
                return reason
    checks: list[tuple[bool, str, str]] = [
        (ip == CLOUD_METADATA, "云元数据地址", "a cloud metadata address"),
        (ip.is_unspecified, "未指定地址", "an unspecified address"),
        (ip.is_loopback, "回环地址", "a loopback address"),
        (ip.is_link_local, "链路本地地址", "a link-local address"),
        (ip.is_multicast, "组播地址", "a multicast address"),
        (ip.is_private, "私有地址", "a private address"),
        (ip.is_reserved, "保留地址", "a reserved address"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED, "共享地址", "a shared address"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "站点本地地址", "a site-local address"),
        (not ip.is_global, "非公网地址", "not a public address"),
    ]
    for refused, zh, en in checks:
        if refused:
            return zh, en
    return None


def _check_address(ip: IPAddress, networks: Sequence[IPNetwork]) -> None:
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        candidates.append(ip.ipv4_mapped)
    if any(
        candidate in network
        for candidate in candidates
        for network in networks
        if candidate.version == network.version
    ):
        return
    reason = refusal_reason(ip)
    if reason is not None:
        raise TargetRefused(
            f"目标地址 {ip} 是{reason[0]}，不允许调用",
            f"target address {ip} is {reason[1]} and may not be called",
        )


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses carried inside an IPv6 address (6to4, Teredo, NAT64)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _split(url: str) -> tuple[str, str, int, str]:
    """(scheme, ASCII host, port, path with query) of an http(s) URL, or :class:`TargetRefused`."""
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url):
        raise _refused("网址含有空白或控制字符", "the URL contains whitespace or control characters")
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise _refused("只允许 http 或 https 网址", "only http and https URLs are allowed")
    if parts.username is not None or parts.password is not None:
        raise _refused("网址不得包含用户名或密码", "the URL must not contain user info")
    try:
        port = SCHEMES[parts.scheme] if parts.port is None else parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as exc:
        raise _refused("网址的主机或端口无效", "the URL has an invalid host or port") from exc
    if not host or port == 0:
        raise _refused("网址缺少主机名或端口无效", "the URL has no host or an invalid port")
    path = quote(parts.path or "/", safe=_URL_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_URL_SAFE)
    return parts.scheme, host, port, path


def _parse_allow(allow: Sequence[str]) -> tuple[list[IPNetwork], set[str]]:
    if isinstance(allow, str):
        raise ValueError("allow must be a sequence of entries, not one string")
    networks: list[IPNetwork] = []
    hosts: set[str] = set()
    for entry in allow:
        text = entry.strip()
        if "/" in text or _ip_or_none(text) is not None:
            networks.append(ipaddress.ip_network(text, strict=False))
        elif text:
            hosts.add(text.lower().rstrip("."))
    return networks, hosts


def _ip_or_none(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _refused(message_zh: str, message_en: str) -> TargetRefused:
    return TargetRefused(message_zh, message_en)
