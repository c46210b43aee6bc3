"""Progress of long steps on stderr: a tqdm bar on a terminal, plain lines otherwise.

On a TTY (or forced: ``enabled=True``, ``--progress``, ``RJUA_PROGRESS=1``) a tqdm bar is drawn; when
stderr is not a terminal (CI, ``nohup``, a pipe) a line ``predict: 40/211 records (3.1/s, ETA 55s)`` is logged
every ``RJUA_PROGRESS_SECONDS`` seconds (default 10) plus one at the end, so a long run is never silent. The rate
and ETA come from a moving window (the last :data:`WINDOW_SECONDS` of updates), so a slow start (loading a model)
or a change of pace does not distort them.
``RJUA_PROGRESS=0``, ``--no-progress`` or ``enabled=False`` turns both off.

Short phases use :func:`phase` (one line, e.g. ``encoding 309 passages with m3e-small…``) and
:func:`bar` (a tqdm bar around an iterable on a terminal, the iterable itself otherwise).

>>> import io
>>> buf = io.StringIO()
>>> p = Progress(3, desc="predict", unit="records", stream=buf, interval=0)
>>> p.update(2); p.close()
>>> print(buf.getvalue().strip())  # doctest: +ELLIPSIS
predict: 0/3 records to do
predict: 2/3 records (...)
predict: done, 2/3 records in ...
"""
from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Iterable
from typing import TextIO, TypeVar

__all__ = ["MIN_ITEMS", "Progress", "WINDOW_SECONDS", "bar", "enabled", "phase", "quiet_library_bars", "show_bar"]

WINDOW_SECONDS = 60.0  # the rate is measured over the updates of the last minute


def _mode(stream: TextIO, enabled: bool | None) -> str:
    env = os.environ.get("RJUA_PROGRESS", "").strip().lower()
    if enabled is False or (enabled is None and env in ("0", "off", "no", "false")):
        return "off"
    if enabled is True or env in ("1", "on", "yes", "true", "bar"):
        return "bar"
    return "bar" if getattr(stream, "isatty", lambda: False)() else "lines"


class Progress:
    """Count work items; ``update(k)`` after each chunk, ``close()`` at the end (or use ``with``)."""

    def __init__(self, total: int, initial: int = 0, desc: str = "", unit: str = "items",
                 enabled: bool | None = None, stream: TextIO | None = None, interval: float | None = None):
        self.stream = stream or sys.stderr
        self.total, self.n, self.start, self.desc, self.unit = total, initial, initial, desc, unit
        self.mode = _mode(self.stream, enabled)
        self.interval = float(os.environ.get("RJUA_PROGRESS_SECONDS", "10")) if interval is None else interval
        self.t0 = self.last = time.monotonic()
        self.window: deque[tuple[float, int]] = deque()  # (time, n) of recent updates
        self.bar = None
        if self.mode == "bar":
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=initial, desc=desc, unit=f" {unit}", file=self.stream,
                            dynamic_ncols=True)
        elif self.mode == "lines":
            self._line(f"{initial}/{total} {unit} to do" if not initial else f"{initial}/{total} {unit} already done")

    def _line(self, text: str) -> None:
        self.stream.write(f"{self.desc}: {text}\n" if self.desc else text + "\n")
        self.stream.flush()

    def rate(self) -> float | None:
        """Items per second over the moving window (None before two updates).

        >>> p = Progress(10, enabled=False)
        >>> p.window.extend([(100.0, 1), (101.0, 3), (102.0, 5)])  # first batch after 100 s of loading, then 2/s
        >>> p.rate()
        2.0
        """
        if len(self.window) < 2:
            return None
        (t_a, n_a), (t_b, n_b) = self.window[0], self.window[-1]
        return (n_b - n_a) / (t_b - t_a) if t_b > t_a else None

    def update(self, k: int = 1) -> None:
        self.n += k
        now = time.monotonic()
        self.window.append((now, self.n))
        while len(self.window) > 2 and now - self.window[0][0] > WINDOW_SECONDS:
            self.window.popleft()
        if self.bar is not None:
            self.bar.update(k)
        elif self.mode == "lines" and now - self.last >= self.interval:
            self.last = now
            rate = self.rate()
            pace = f"{rate:.1f}/s, ETA {(self.total - self.n) / rate:.0f}s" if rate else "measuring the rate"
            self._line(f"{self.n}/{self.total} {self.unit} ({pace})")

    def note(self, text: str) -> None:
        """One line about a slow preparatory step (loading a model, an index), unless progress is off."""
        if self.mode != "off":
            (self.bar.write if self.bar is not None else self._line)(f"{self.desc}: {text}" if self.bar else text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        elif self.mode == "lines":
            self.mode = "closed"
            self._line(f"done, {self.n}/{self.total} {self.unit} in {time.monotonic() - self.t0:.1f}s")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


T = TypeVar("T")
MIN_ITEMS = 64  # fewer items than this are quick: no phase line, no bar


def enabled() -> bool:
    """False when ``RJUA_PROGRESS`` turns progress off."""
    return os.environ.get("RJUA_PROGRESS", "1").strip().lower() not in ("0", "false", "no", "off")


def show_bar() -> bool:
    """True when a bar would be drawn (progress on and stderr a terminal)."""
    try:
        return enabled() and sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def quiet_library_bars() -> None:
    """When no bar would be drawn (stderr not a terminal, or progress off), silence the progress bars of
    transformers, huggingface_hub and datasets ("Loading weights", "Writing model shards", ``map``), which
    would otherwise fill logs with carriage-return lines. Called by the CLI before any model library loads."""
    if show_bar():
        return
    for var in ("HF_HUB_DISABLE_PROGRESS_BARS", "HF_DATASETS_DISABLE_PROGRESS_BARS"):
        os.environ.setdefault(var, "1")
    if "transformers" in sys.modules:  # already imported: its flag was read at import time
        sys.modules["transformers"].utils.logging.disable_progress_bar()


def phase(message: str) -> None:
    """Print one progress line to stderr (unless ``RJUA_PROGRESS=0``)."""
    if enabled():
        print(message, file=sys.stderr, flush=True)


def bar(items: Iterable[T], total: int | None = None, desc: str = "") -> Iterable[T]:
    """``items`` wrapped in a tqdm bar on a terminal; ``items`` itself otherwise.

    >>> list(bar([1, 2], desc="x"))  # no terminal under doctest: the items, unchanged
    [1, 2]
    """
    if not show_bar():
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc=desc, file=sys.stderr, leave=False, dynamic_ncols=True)
