"""Model runtime shared by inference and training: device, dtype resolution and the CPU bf16 probe.

Backends (:mod:`rjua.backends.hf`) and recipes (:mod:`rjua.train`) both resolve dtypes here, so inference
never imports training. Checkpoint lookup (full weights or LoRA adapters) is :mod:`rjua.handover`.

>>> DTYPES
('auto', 'float32', 'bfloat16', 'float16')
"""
from __future__ import annotations

from .errors import RJUAError

__all__ = ["DTYPES", "bf16_default", "cpu_bf16_fast", "cpu_supports_bf16", "on_gpu", "resolve_dtype"]


def cpu_supports_bf16() -> bool:
    """True when the CPU has native bf16 instructions (AVX512-BF16 or AMX)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def on_gpu() -> bool:
    import torch
    return torch.cuda.is_available()


def bf16_default(flag: bool | None) -> bool:
    import torch
    if flag is not None:
        return flag
    return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())


DTYPES = ("auto", "float32", "bfloat16", "float16")
_BF16_FAST: bool | None = None


def cpu_bf16_fast() -> bool:
    """True when this CPU has native bf16 (avx512_bf16 / AMX flags) **and** a bf16 matmul is measurably
    faster than float32 here (a 30 ms probe, cached): flags alone mislead on some virtual machines."""
    global _BF16_FAST
    if _BF16_FAST is None:
        import time

        import torch

        _BF16_FAST = False
        if cpu_supports_bf16():
            times = {}
            for dt in (torch.float32, torch.bfloat16):
                a, b = torch.randn(128, 512, dtype=dt), torch.randn(512, 1024, dtype=dt)
                a @ b
                t = time.perf_counter()
                for _ in range(3):
                    a @ b
                times[dt] = time.perf_counter() - t
            _BF16_FAST = times[torch.bfloat16] < 0.8 * times[torch.float32]
    return _BF16_FAST


def resolve_dtype(name: str = "auto", device: str | None = None):
    """The torch dtype for ``name``; ``auto``: bf16 on a GPU that supports it, float16 on another GPU,
    and on CPU bf16 only when :func:`cpu_bf16_fast`, else float32.

    >>> import torch
    >>> resolve_dtype("float32") is torch.float32, resolve_dtype("auto", "cpu") in (torch.float32, torch.bfloat16)
    (True, True)
    """
    import torch

    if name not in DTYPES:
        raise RJUAError(f"dtype must be one of {', '.join(DTYPES)}, got {name!r}")
    if name != "auto":
        return getattr(torch, name)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.bfloat16 if cpu_bf16_fast() else torch.float32
