"""The ``openai`` backend: any OpenAI-compatible chat-completions endpoint.

``base_url`` (or ``$OPENAI_BASE_URL``), key from ``$OPENAI_API_KEY`` (never logged or
written), bounded concurrency, per-request timeout, retries with exponential backoff
on 429 / 5xx / timeouts / connection errors (``Retry-After`` honoured). A record whose
request finally fails gets its error recorded; the run goes on.

Serving a local model: ``vllm serve Qwen/Qwen2.5-7B-Instruct`` then
``rjua predict --backend openai --base-url http://127.0.0.1:8000/v1 --model Qwen/Qwen2.5-7B-Instruct ...``.
"""
from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

from ..prompts import approx_tokens
from . import GenRequest, GenResult

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class OpenAIBackend:
    name = "openai"

    def __init__(self, model: str, base_url: str | None = None, max_tokens: int = 512, temperature: float = 0.0,
                 concurrency: int = 4, timeout: float = 60.0, max_retries: int = 4, backoff: float = 0.5):
        self.model = model
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1").rstrip("/")
        self.max_tokens, self.temperature, self.concurrency = max_tokens, temperature, max(1, concurrency)
        self.timeout, self.max_retries, self.backoff = timeout, max_retries, backoff

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIBackend(model={self.model!r}, base_url={self.base_url!r})"

    def count_tokens(self, text: str) -> int:
        return approx_tokens(text)

    def _post(self, payload: dict) -> dict:
        headers = {"Content-Type": "application/json"}
        key = os.environ.get("OPENAI_API_KEY")
        if key:
            headers["Authorization"] = f"Bearer {key}"
        req = urllib.request.Request(f"{self.base_url}/chat/completions", json.dumps(payload).encode(), headers)
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            return json.loads(resp.read().decode("utf-8"))

    def _one(self, r: GenRequest) -> GenResult:
        payload = {"model": self.model, "messages": r.messages, "max_tokens": self.max_tokens,
                   "temperature": self.temperature}
        last = ""
        for attempt in range(self.max_retries + 1):
            delay = self.backoff * 2 ** attempt
            try:
                body = self._post(payload)
                choice = body["choices"][0]["message"]["content"]
                if not isinstance(choice, str):
                    raise TypeError("content is not a string")
                usage = body.get("usage") or {}
                return GenResult(text=choice.strip(), completion_tokens=int(usage.get("completion_tokens", 0)),
                                 prompt_tokens=int(usage.get("prompt_tokens", 0)))
            except urllib.error.HTTPError as e:
                last = f"HTTP {e.code}"
                if e.code not in RETRY_STATUS:
                    break
                ra = e.headers.get("Retry-After") if e.headers else None
                if ra and ra.replace(".", "", 1).isdigit():
                    delay = min(float(ra), 30.0)
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
                last = f"{type(e).__name__}: {getattr(e, 'reason', e)}"
            except (KeyError, IndexError, TypeError, ValueError) as e:
                last = f"malformed response: {type(e).__name__}: {e}"
                break
            if attempt < self.max_retries:
                time.sleep(delay)
        return GenResult(error=f"openai request failed: {last}")

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]:
        with ThreadPoolExecutor(self.concurrency) as pool:
            return list(pool.map(self._one, requests))
