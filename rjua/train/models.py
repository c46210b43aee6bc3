"""Model resolution for recipes: hub ids and paths pass through; ``tiny-dense`` / ``tiny-moe``
build a tiny random Qwen2 / Qwen2-MoE (routed + shared experts) once, for CI and smoke runs."""
from __future__ import annotations

from pathlib import Path

__all__ = ["DTYPES", "TINY", "bf16_default", "cpu_bf16_fast", "on_gpu", "resolve_dtype", "resolve_model"]

TINY = {"tiny-dense": False, "tiny-moe": True}


def resolve_model(name: str, output_dir: str) -> str:
    """A loadable model path or id for ``name``."""
    if name in TINY:
        path = Path(output_dir) / f"_{name}"
        if not (path / "config.json").is_file():
            from ..testing import tiny_causal_lm
            tiny_causal_lm(path, moe=TINY[name])
        return str(path)
    from .handover import loadable_model

    return loadable_model(name)  # LoRA checkpoints are merged onto their recorded base (rjua.train.handover)


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

        from ..backends.hf import cpu_supports_bf16

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

    from ..errors import RJUAError

    if name not in DTYPES:
        raise RJUAError(f"dtype must be one of {', '.join(DTYPES)}, got {name!r}")
    if name != "auto":
        return getattr(torch, name)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.bfloat16 if cpu_bf16_fast() else torch.float32
