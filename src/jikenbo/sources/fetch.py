"""Fetch one http(s) URL so that the page cannot turn the fetcher against its host.

- Size: bytes are counted as they come off the socket, before any decompression, and every
  decompression stage is capped too (1.8 KB of double gzip would otherwise become 1 GB).
- Time: one deadline for the whole URL, redirects included; every socket wait is cut to what is
  left of it, so a server trickling a byte at a time cannot hold a fetch open.
- Addresses: each host is resolved here and the connection goes to an address that passed the
  policy, on the first request and on every redirect. Only the host the operator named
  (`AddressPolicy.trusted_host`: typed on the command line, or in a watch list) may be loopback,
  private, link-local, multicast or reserved; anything else — a URL that arrived over the web
  API, a redirect or link from a public page — must resolve to public addresses only.

httpcore does the HTTP (httpx's transport layer) with a network backend of ours that resolves,
checks and connects; redirects and content decoding are done here, where they can be checked.
"""
from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpcore

from jikenbo import __version__
from jikenbo.errors import InputError

_REDIRECTS = (301, 302, 303, 307, 308)
# zlib window bits: gzip header, zlib header; raw deflate is tried when the zlib header is absent
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 60.0      # the whole URL, redirects included
    max_redirects: int = 5


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (the system resolver)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise OSError(f"cannot resolve {host}: {error}") from None
    return list(dict.fromkeys(info[4][0] for info in found))


def is_public(address: str) -> bool:
    """A globally routable unicast address: `8.8.8.8` is, `127.0.0.1`, `10.0.0.1`,
    `169.254.169.254`, `224.0.0.1` and `::ffff:192.168.0.1` are not."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback
                                 or ip.is_link_local or ip.is_unspecified)


@dataclass(frozen=True)
class AddressPolicy:
    """Where a fetch may connect. `trusted_host` (the host the operator named) may resolve to
    any address; every other host must resolve to addresses `public` accepts. `resolver` and
    `public` are parameters so a test can play a public host on loopback."""

    trusted_host: str | None = None
    resolver: Callable[[str, int], list[str]] = resolve
    public: Callable[[str], bool] = is_public

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses a connection to `host` may use; OSError (refused) when there are none."""
        found = self.resolver(host, port)
        if self.trusted_host is not None and host.lower() == self.trusted_host.lower():
            return found
        blocked = [address for address in found if not self.public(address)]
        if blocked or not found:
            raise _Refused(f"{host} resolves to {', '.join(blocked) or 'nothing'}, a loopback, "
                           "private, link-local, multicast or reserved address; refused "
                           "(only a host named by the operator may be one)")
        return found


@dataclass(frozen=True)
class Fetched:
    url: str            # after redirects
    data: bytes         # decoded (Content-Encoding undone)
    content_type: str | None
    status: int = 200
    headers: tuple[tuple[str, str], ...] = field(default=())  # names in lower case

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name.lower()), None)


class _Refused(OSError):
    """A connection the address policy does not allow."""


def fetch(url: str, limits: FetchLimits, max_bytes: int, policy: AddressPolicy,
          headers: Mapping[str, str] | None = None) -> Fetched:
    """GET `url` under `limits` and `policy`, with extra request `headers` (If-None-Match …).
    Raise InputError naming it on a bad scheme, address, status, time-out or size; a 304 is
    returned (with no data) for conditional requests."""
    deadline = time.monotonic() + limits.deadline
    backend = _CheckedBackend(policy, deadline)
    current = url
    try:
        with httpcore.ConnectionPool(network_backend=backend, retries=0) as pool:
            for _ in range(limits.max_redirects + 1):
                _check_scheme(url, current)
                outcome = _get(pool, url, current, limits, max_bytes, headers or {}, deadline)
                if isinstance(outcome, Fetched):
                    return outcome
                current = outcome
    except _Refused as error:
        raise InputError(url, str(error)) from None
    except httpcore.TimeoutException:
        if time.monotonic() >= deadline:
            raise InputError(url, f"took longer than the {limits.deadline:g} s allowed for one "
                                  "URL; try again later") from None
        raise InputError(url, f"timed out (connect {limits.connect_timeout:g} s, "
                              f"read {limits.read_timeout:g} s); try again later") from None
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol,
            OSError) as error:
        raise InputError(url, f"cannot fetch: {error or type(error).__name__}") from None
    raise InputError(url, f"more than {limits.max_redirects} redirects")


def _get(pool: httpcore.ConnectionPool, url: str, current: str, limits: FetchLimits,
         max_bytes: int, extra: Mapping[str, str], deadline: float) -> Fetched | str:
    """One request: the response, or the URL a redirect points to."""
    sent = {"User-Agent": f"jikenbo/{__version__} (+casebook ingest)",
            "Accept-Encoding": "gzip, deflate", **extra}
    left = max(0.01, deadline - time.monotonic())
    timeout = {"connect": min(limits.connect_timeout, left), "read": min(limits.read_timeout, left),
               "write": min(limits.read_timeout, left), "pool": left}
    with pool.stream("GET", current, headers=list(sent.items()),
                     extensions={"timeout": timeout}) as response:
        headers = tuple((key.decode("latin-1").lower(), value.decode("latin-1"))
                        for key, value in response.headers)
        found = dict(headers)
        if response.status in _REDIRECTS and found.get("location"):
            return urljoin(current, found["location"])
        if response.status >= 400:
            raise InputError(url, f"HTTP {response.status}; check the address")
        declared = found.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(url, max_bytes)
        inflate = _Inflater(url, found.get("content-encoding", ""), max_bytes)
        received = 0
        for chunk in response.iter_stream():
            received += len(chunk)
            if received > max_bytes:
                raise _too_large(url, max_bytes)
            inflate.feed(chunk)
        return Fetched(current, inflate.finish(), found.get("content-type"), response.status,
                       headers)


def _check_scheme(url: str, current: str) -> None:
    if urlsplit(current).scheme.lower() not in ("http", "https"):
        raise InputError(url, "only http:// and https:// URLs can be fetched"
                              + ("" if current == url else f" (redirected to {current[:100]})"))


class _Inflater:
    """Undoes Content-Encoding (`gzip, gzip` too), stage by stage, refusing as soon as any stage
    has produced more than `max_bytes` — never holding more than that in memory."""

    def __init__(self, url: str, encodings: str, max_bytes: int) -> None:
        self.url, self.max_bytes = url, max_bytes
        names = [name.strip().lower() for name in encodings.split(",") if name.strip()]
        names = [name for name in names if name != "identity"]
        unknown = [name for name in names if name not in _WBITS]
        if unknown:
            raise InputError(url, f"content encoded as {', '.join(unknown)}, which is not "
                                  "supported; the server should send gzip or none")
        self.stages = [zlib.decompressobj(_WBITS[name]) for name in reversed(names)]
        self.names = list(reversed(names))
        self.sizes = [0] * len(self.stages)
        self.out = bytearray()

    def feed(self, data: bytes) -> None:
        for index, stage in enumerate(self.stages):
            data = self._inflate(index, stage, data)
        self.out += data
        if len(self.out) > self.max_bytes:
            raise _too_large(self.url, self.max_bytes)

    def _inflate(self, index: int, stage, data: bytes) -> bytes:
        if self.sizes[index] == 0 and self.names[index] == "deflate" and data[:1] and \
                data[0] & 0x0F != 8:  # a raw deflate stream (no zlib header), as some servers send
            stage = self.stages[index] = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            out = stage.decompress(data, self.max_bytes - self.sizes[index] + 1)
        except zlib.error as error:
            raise InputError(self.url, f"damaged {self.names[index]} content ({error})") from None
        self.sizes[index] += len(out)
        if self.sizes[index] > self.max_bytes or stage.unconsumed_tail:
            raise _too_large(self.url, self.max_bytes)
        return out

    def finish(self) -> bytes:
        return bytes(self.out)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every wait ends at the URL's deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self.stream, self.deadline = stream, deadline

    def _left(self, timeout: float | None) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("deadline reached")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, self._left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, self._left(timeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self.stream.start_tls(ssl_context, server_hostname,
                                                     self._left(timeout)), self.deadline)

    def get_extra_info(self, info: str):
        return self.stream.get_extra_info(info)


class _CheckedBackend(httpcore.SyncBackend):
    """Resolves each host itself, applies the address policy, and connects to an address that
    passed it (so a second DNS answer cannot swap in another address)."""

    def __init__(self, policy: AddressPolicy, deadline: float) -> None:
        self.policy, self.deadline = policy, deadline

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable | None = None) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in self.policy.addresses(host, port):
            try:
                stream = super().connect_tcp(address, port, timeout, local_address, socket_options)
                return _DeadlineStream(stream, self.deadline)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure or httpcore.ConnectError(f"cannot connect to {host}")


def _too_large(url: str, max_bytes: int) -> InputError:
    return InputError(url, f"larger than the {max_bytes:,}-byte limit; "
                           "raise it with --max-bytes if the page is genuine")
