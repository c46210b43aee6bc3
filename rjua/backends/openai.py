"""The ``openai`` backend: any OpenAI-compatible chat-completions endpoint, over httpx.

``base_url`` (or ``$OPENAI_BASE_URL``; with neither it is refused at once, there is no silent default
host), key from ``$OPENAI_API_KEY`` only. The key is sent
only to the configured host: redirects are never followed (a 3xx is a per-record error
naming the status and the target host), proxy variables from the environment are not
used, and a base URL carrying credentials (``http://user:KEY@host/v1``) is refused before
anything is written. ``timeout`` is a total deadline per attempt (connect, send and every
read together), so a reply that drips or stalls ends on time. 429, 5xx, timeouts and
broken connections are retried with exponential backoff (tenacity; ``Retry-After``
honoured up to ``max_retry_after`` seconds). ``concurrency`` workers (default 8) take the requests in
turn, so at most that many are in flight (retries included); results come back in request order. Each
group of 8 workers shares one httpx client (its pool's bookkeeping grows with the square of its size).
Every malformed reply (non-JSON, wrong
content type, oversize body, a compressed body it did not ask for, wrong ``choices``/``usage`` shapes)
and every request that finally fails becomes that record's error; the run goes on. Requests ask for
``Accept-Encoding: identity``; a reply with another ``Content-Encoding`` (a gzip bomb) is refused before
any byte is decoded, and the body is read raw, its size capped (``max_body_bytes``, 8 MiB) as each
network chunk arrives.

Serving a local model: ``vllm serve Qwen/Qwen2.5-7B-Instruct`` then
``rjua predict --backend openai --base-url http://127.0.0.1:8000/v1 --model Qwen/Qwen2.5-7B-Instruct ...``.

>>> OpenAIBackend("m", base_url="http://127.0.0.1:8000/v1/", timeout=5)
OpenAIBackend(model='m', base_url='http://127.0.0.1:8000/v1')
"""
from __future__ import annotations

import asyncio
import email.utils
import functools
import importlib.util
import json
import math
import os
import re
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit

from ..errors import RJUAError
from ..prompts import approx_tokens
from . import GenRequest, GenResult

__all__ = [
    "MAX_BODY_BYTES",
    "EndpointError",
    "OpenAIBackend",
    "check_base_url",
    "parse_reply",
    "parse_retry_after",
    "public_options",
    "redact_url",
    "resolve_base_url",
    "retryable_status",
]

MAX_BODY_BYTES = 8 * 2**20      # a chat completion is a few kB; more is refused, not buffered
MAX_TOKENS_FIELD = 10**9        # a usage count above this is not a count
_SURROGATE = re.compile(r"[\ud800-\udfff]")
TRANSPORT_ONLY = ("timeout", "max_retries", "backoff", "max_retry_after", "max_body_bytes", "concurrency")
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 256
CLIENT_CONNECTIONS = 8  # workers per httpx client: its pool does O(connections²) work per request


class EndpointError(Exception):
    """One failed attempt; ``retry`` says whether another attempt may help.

    >>> e = EndpointError("HTTP 503", retry=True, retry_after=2.0)
    >>> str(e), e.retry, e.retry_after
    ('HTTP 503', True, 2.0)
    """

    def __init__(self, message: str, retry: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.retry, self.retry_after = retry, retry_after


def redact_url(url: str) -> str:
    """``url`` with any userinfo replaced by ``***`` (safe to print or write).

    >>> redact_url("http://user:sk-secret@host:8000/v1")
    'http://***@host:8000/v1'
    >>> redact_url("http://127.0.0.1:8000/v1")
    'http://127.0.0.1:8000/v1'
    """
    scheme, sep, rest = str(url).partition("://")
    if not sep:
        return "***" if "@" in str(url) else str(url)
    netloc, slash, path = rest.partition("/")
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    return f"{scheme}{sep}{netloc}{slash}{path}"


def check_base_url(url: str) -> str:
    """The endpoint URL without a trailing slash; refuses non-http(s) URLs and URLs with credentials.

    >>> check_base_url("http://127.0.0.1:8000/v1/")
    'http://127.0.0.1:8000/v1'
    >>> check_base_url("http://host/v1?api_key=sk-secret")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rjua.errors.RJUAError: the openai base URL 'http://host/v1?***' has a query or fragment ...
    >>> check_base_url("http://user:sk-secret@host/v1")
    Traceback (most recent call last):
    ...
    rjua.errors.RJUAError: the openai base URL 'http://***@host/v1' contains credentials (user:key@host); \
remove them and put the key in $OPENAI_API_KEY
    """
    url = str(url).strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise RJUAError(f"the openai base URL {redact_url(url)!r} is not an http(s) URL like http://127.0.0.1:8000/v1")
    if "@" in parts.netloc:
        raise RJUAError(f"the openai base URL {redact_url(url)!r} contains credentials (user:key@host); "
                        "remove them and put the key in $OPENAI_API_KEY")
    if parts.query or parts.fragment or "?" in url or "#" in url:  # "/chat/completions" would land in them
        raise RJUAError(f"the openai base URL {_strip_query(redact_url(url))!r} has a query or fragment (?… or #…), "
                        "which may hold a key and would be written to the run manifest; give the bare endpoint "
                        "(like http://127.0.0.1:8000/v1) and put the key in $OPENAI_API_KEY")
    return url.rstrip("/")


def resolve_base_url(base_url: str | None) -> str:
    """The endpoint to call: ``base_url``, else ``$OPENAI_BASE_URL``, checked (:func:`check_base_url`); with
    neither, a one-line :class:`~rjua.errors.RJUAError` before any request (no retries against a guessed host).

    >>> resolve_base_url("http://127.0.0.1:8000/v1/")
    'http://127.0.0.1:8000/v1'
    """
    url = base_url or os.environ.get("OPENAI_BASE_URL")
    if not url or not str(url).strip():
        raise RJUAError("the openai backend needs an endpoint: give --base-url (like http://127.0.0.1:8000/v1 "
                        "for 'vllm serve', or https://api.openai.com/v1) or set $OPENAI_BASE_URL")
    return check_base_url(url)


def _strip_query(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0] + "?***"


def public_options(options: dict | None) -> dict:
    """Backend options that identify a run and are safe to record in a manifest.

    Key-like entries and transport settings (timeouts, retries) are left out; a base URL
    with credentials is refused (:class:`~rjua.errors.RJUAError`) before anything is written.

    >>> public_options({"base_url": "http://127.0.0.1:8000/v1", "api_key": "x", "max_tokens": 5, "timeout": 3})
    {'base_url': 'http://127.0.0.1:8000/v1', 'max_tokens': 5}
    """
    out = {}
    for k, v in (options or {}).items():
        if "key" in k.lower() or k in TRANSPORT_ONLY:
            continue
        if k == "base_url" and v:
            check_base_url(v)
        out[k] = v
    return out


def retryable_status(code: int) -> bool:
    """Statuses worth another attempt: 408, 409, 425, 429 and 5xx (but 501, 505).

    >>> [c for c in (400, 401, 408, 429, 500, 501, 503) if retryable_status(c)]
    [408, 429, 500, 503]
    """
    return code in (408, 409, 425, 429) or (code >= 500 and code not in (501, 505))


def parse_retry_after(value: str | None, cap: float = 30.0) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), at most ``cap``.

    >>> parse_retry_after("2"), parse_retry_after("3600", cap=5), parse_retry_after("soon")
    (2.0, 5.0, None)
    """
    if not value:
        return None
    try:
        s = float(value)
    except ValueError:
        try:
            s = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if math.isnan(s):
        return None
    return float(min(max(0.0, s), cap))


def _count(usage: dict, name: str) -> int:
    v = usage.get(name, 0)
    if v is None:
        return 0
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v != int(v) \
            or not 0 <= v <= MAX_TOKENS_FIELD:
        raise EndpointError(f"malformed reply: usage.{name} is {_short(v)}, not a token count")
    return int(v)


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[:n] + "…"


def _short(v, n: int = 60) -> str:
    return _clip(repr(v), n)


def parse_reply(body: bytes, content_type: str | None = "application/json") -> GenResult:
    """A 2xx reply's body as a :class:`GenResult`; any malformed reply raises :class:`EndpointError`.

    >>> r = parse_reply(b'{"choices": [{"message": {"content": " hi "}}], "usage": {"completion_tokens": 2}}')
    >>> r.text, r.completion_tokens
    ('hi', 2)
    >>> parse_reply(b'{"choices": [], "usage": []}')
    Traceback (most recent call last):
    ...
    rjua.backends.openai.EndpointError: malformed reply: "choices" is empty
    """
    media = (content_type or "").split(";")[0].strip().lower()
    if media and media != "application/json" and not media.endswith("+json"):
        raise EndpointError(f"malformed reply: content type {_short(media, 40)} is not JSON")
    try:
        obj = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise EndpointError(f"malformed reply: not JSON ({type(e).__name__}, {len(body)} bytes)") from None
    if not isinstance(obj, dict):
        raise EndpointError(f"malformed reply: a JSON {type(obj).__name__}, not an object")
    choices = obj.get("choices")
    if choices is None and isinstance(obj.get("error"), dict):
        raise EndpointError(f"endpoint error: {_short(obj['error'].get('message'), 200)}")
    if not isinstance(choices, list):
        raise EndpointError(f'malformed reply: "choices" is {_short(choices)}, not a list')
    if not choices:
        raise EndpointError('malformed reply: "choices" is empty')
    msg = choices[0].get("message") if isinstance(choices[0], dict) else None
    content = msg.get("content") if isinstance(msg, dict) else None
    if not isinstance(content, str):
        raise EndpointError(f"malformed reply: choices[0].message.content is {_short(content)}, not a string")
    bad = _SURROGATE.search(content)
    if bad:  # json accepts "\ud800", but such text cannot be written as UTF-8 (it would end the run)
        raise EndpointError(f"malformed reply: choices[0].message.content holds a lone surrogate "
                            f"\\u{ord(bad.group()):04x} (not valid Unicode)")
    usage = obj.get("usage")
    if usage is None:
        usage = {}
    if not isinstance(usage, dict):
        raise EndpointError(f'malformed reply: "usage" is {_short(usage)}, not an object')
    return GenResult(text=content.strip(), completion_tokens=_count(usage, "completion_tokens"),
                     prompt_tokens=_count(usage, "prompt_tokens"))


@functools.lru_cache(maxsize=1)
def _tls_context():
    """httpx's default certificate checks, built once (loading the CA bundle costs ~70 ms per client)."""
    import httpx

    return httpx.create_ssl_context(trust_env=False)


def _skip_absent_module(name: str) -> None:
    """Mark an optional module that is not installed as absent, so that code importing it on every call
    (httpcore asks for ``sniffio`` per request) fails at once instead of searching ``sys.path`` each time."""
    if name not in sys.modules and importlib.util.find_spec(name) is None:
        sys.modules[name] = None  # "import name" now raises ImportError without a search


def _host(url: str) -> str:
    p = urlsplit(url)
    try:
        port = f":{p.port}" if p.port else ""
    except ValueError:
        port = ""
    return f"{p.scheme}://{p.hostname or '?'}{port}"


class OpenAIBackend:
    """Chat completions from an OpenAI-compatible endpoint (see the module docstring).

    Nothing is sent when it is made; the key is read from ``$OPENAI_API_KEY`` per request and never shown.

    >>> be = OpenAIBackend("qwen-plus", base_url="http://127.0.0.1:8000/v1")
    >>> be
    OpenAIBackend(model='qwen-plus', base_url='http://127.0.0.1:8000/v1')
    >>> be.generate([]), be.count_tokens("尿频 PSA 4.5")
    ([], 6)
    """

    name = "openai"

    def __init__(self, model: str, base_url: str | None = None, max_tokens: int = 512, temperature: float = 0.0,
                 concurrency: int = DEFAULT_CONCURRENCY, timeout: float = 60.0, max_retries: int = 4,
                 backoff: float = 0.5, max_retry_after: float = 30.0, max_body_bytes: int = MAX_BODY_BYTES):
        self.model = model
        self.base_url = resolve_base_url(base_url)
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) \
                or not 1 <= concurrency <= MAX_CONCURRENCY:
            raise RJUAError(f"openai backend: --concurrency must be a whole number from 1 to {MAX_CONCURRENCY}, "
                            f"got {concurrency!r}")
        self.max_tokens, self.temperature, self.concurrency = max_tokens, temperature, concurrency
        if not (timeout > 0 and max_retries >= 0 and backoff >= 0 and max_body_bytes > 0):
            raise RJUAError("openai backend: timeout and max_body_bytes must be > 0, max_retries and backoff >= 0")
        self.timeout, self.max_retries, self.backoff = float(timeout), int(max_retries), float(backoff)
        self.max_retry_after, self.max_body_bytes = float(max_retry_after), int(max_body_bytes)

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIBackend(model={self.model!r}, base_url={self.base_url!r})"

    def count_tokens(self, text: str) -> int:
        return approx_tokens(text)

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]:
        """One result per request, in order; failures are results with ``error`` set."""
        requests = list(requests)
        if not requests:
            return []
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self._generate(requests))
        with ThreadPoolExecutor(1) as ex:  # called from inside an event loop: run ours on a thread
            return ex.submit(asyncio.run, self._generate(requests)).result()

    async def _generate(self, requests: list[GenRequest]) -> list[GenResult]:
        import httpx

        key = os.environ.get("OPENAI_API_KEY") or ""
        headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        _skip_absent_module("sniffio")
        n = min(self.concurrency, len(requests))
        opts = {"follow_redirects": False, "trust_env": False, "headers": headers, "verify": _tls_context(),
                "timeout": httpx.Timeout(self.timeout),
                "limits": httpx.Limits(max_connections=CLIENT_CONNECTIONS,
                                       max_keepalive_connections=CLIENT_CONNECTIONS)}
        clients = [httpx.AsyncClient(**opts) for _ in range(math.ceil(n / CLIENT_CONNECTIONS))]
        res: list[GenResult | None] = [None] * len(requests)
        todo = iter(range(len(requests)))  # shared by the workers: each request is taken exactly once

        async def worker(client) -> None:
            for i in todo:
                res[i] = await self._one(client, requests[i])

        try:
            await asyncio.gather(*(worker(clients[w // CLIENT_CONNECTIONS]) for w in range(n)))
        finally:
            for c in clients:
                await c.aclose()
        if len(key) >= 8:  # an endpoint echoing the key must not get it written
            for r in res:
                r.text = r.text.replace(key, "***")
                r.error = r.error.replace(key, "***") if r.error else r.error
        return list(res)

    def _wait(self, state) -> float:
        exc = state.outcome.exception() if state.outcome else None
        ra = getattr(exc, "retry_after", None)
        if ra is not None:
            return min(ra, self.max_retry_after)
        return min(self.backoff * 2 ** (state.attempt_number - 1), 60.0)

    async def _one(self, client, r: GenRequest) -> GenResult:
        from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

        payload = {"model": self.model, "messages": r.messages, "max_tokens": self.max_tokens,
                   "temperature": self.temperature}
        retrying = AsyncRetrying(stop=stop_after_attempt(self.max_retries + 1), wait=self._wait, reraise=True,
                                 retry=retry_if_exception(lambda e: isinstance(e, EndpointError) and e.retry))
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._attempt(client, payload)
        except EndpointError as e:
            n = retrying.statistics.get("attempt_number", 1)
            return GenResult(error=f"openai request failed: {e}" + (f" (after {n} attempts)" if n > 1 else ""))
        except Exception as e:  # noqa: BLE001 - one record's failure must never end the run
            return GenResult(error=f"openai request failed: unexpected {type(e).__name__}: {_clip(str(e), 200)}")
        return GenResult(error="openai request failed: no attempt made")  # unreachable: tenacity tries once

    async def _attempt(self, client, payload: dict) -> GenResult:
        """One request under a total deadline of ``timeout`` seconds."""
        import httpx

        try:
            return await asyncio.wait_for(self._request(client, payload), self.timeout)
        except asyncio.TimeoutError:
            raise EndpointError(f"timed out: no complete reply within {self.timeout:g} s", retry=True) from None
        except httpx.TimeoutException as e:
            raise EndpointError(f"timed out ({type(e).__name__}) within {self.timeout:g} s", retry=True) from None
        except (httpx.TransportError, OSError) as e:  # connect errors, connection reset, body cut short
            retry = not isinstance(e, (httpx.UnsupportedProtocol, httpx.ProxyError))
            raise EndpointError(f"{type(e).__name__}: {_clip(str(e) or 'connection failed', 200)}",
                                retry=retry) from None

    async def _request(self, client, payload: dict) -> GenResult:
        url = f"{self.base_url}/chat/completions"
        async with client.stream("POST", url, json=payload) as resp:
            code = resp.status_code
            if 300 <= code < 400:
                loc = resp.headers.get("location")
                target = _host(urljoin(url, loc)) if loc else "nowhere"
                raise EndpointError(f"redirect (HTTP {code}) to {target} refused: redirects are not followed "
                                    f"and the key is only sent to {_host(url)}; fix --base-url")
            if not 200 <= code < 300:
                wait = parse_retry_after(resp.headers.get("retry-after"), self.max_retry_after)
                raise EndpointError(f"HTTP {code}", retry=retryable_status(code), retry_after=wait)
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                raise EndpointError(f"malformed reply: body of {int(declared):,} bytes exceeds the "
                                    f"{self.max_body_bytes:,}-byte limit")
            coding = resp.headers.get("content-encoding", "").strip().lower()
            if coding not in ("", "identity"):  # we asked for identity: a gzip bomb is never decoded
                raise EndpointError(f"malformed reply: compressed body (Content-Encoding: {_clip(coding, 40)}) "
                                    "refused; the request asked for identity")
            body = bytearray()
            async for chunk in resp.aiter_raw():  # raw bytes as they arrive: the cap holds per network chunk
                body += chunk
                if len(body) > self.max_body_bytes:
                    raise EndpointError(f"malformed reply: body exceeds the {self.max_body_bytes:,}-byte limit")
            return parse_reply(bytes(body), resp.headers.get("content-type"))
