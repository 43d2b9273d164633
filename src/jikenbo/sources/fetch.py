"""Fetch one http(s) URL with httpx under time-outs and caps on size and redirects."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from jikenbo import __version__
from jikenbo.errors import InputError


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_redirects: int = 5


@dataclass(frozen=True)
class Fetched:
    url: str            # after redirects
    data: bytes
    content_type: str | None


def fetch(url: str, limits: FetchLimits, max_bytes: int) -> Fetched:
    """GET `url`; raise InputError naming it on a bad scheme, status, time-out or size."""
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise InputError(url, "only http:// and https:// URLs can be fetched")
    timeout = httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout)
    headers = {"User-Agent": f"jikenbo/{__version__} (+casebook ingest)"}
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers,
                          max_redirects=limits.max_redirects) as client:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise InputError(url, f"HTTP {response.status_code} "
                                          f"{response.reason_phrase}; check the address")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise _too_large(url, max_bytes)
                data = bytearray()
                for chunk in response.iter_bytes():
                    data.extend(chunk)
                    if len(data) > max_bytes:
                        raise _too_large(url, max_bytes)
                return Fetched(str(response.url), bytes(data),
                               response.headers.get("content-type"))
    except httpx.TimeoutException:
        raise InputError(url, f"timed out (connect {limits.connect_timeout:g} s, "
                              f"read {limits.read_timeout:g} s); try again later") from None
    except httpx.TooManyRedirects:
        raise InputError(url, f"more than {limits.max_redirects} redirects") from None
    except httpx.HTTPError as error:
        raise InputError(url, f"cannot fetch: {error}") from None


def _too_large(url: str, max_bytes: int) -> InputError:
    return InputError(url, f"larger than the {max_bytes:,}-byte limit; "
                           "raise it with --max-bytes if the page is genuine")
