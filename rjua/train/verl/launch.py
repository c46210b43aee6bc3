"""Start verl's own PPO entry point (``verl.trainer.main_ppo``) on rjua's configs, C3PO registered.

``python -m rjua.train.verl.launch [--config-name c3po_multi_gpu] [hydra overrides]``

Without ``--config-path`` the configs next to this file are used (``c3po_multi_gpu``, ``c3po_stage2``);
they compose with verl's defaults through ``hydra.searchpath: [pkg://verl.trainer.config]``.
``VERL_USE_EXTERNAL_MODULES=rjua.train.verl.plugin`` is set here for this process and, through the
config's ``ray_kwargs.ray_init.runtime_env``, for every Ray worker; **verl** starts Ray itself.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["CONFIG_DIR", "PLUGIN", "hydra_argv", "main"]

CONFIG_DIR = Path(__file__).resolve().parent
PLUGIN = "rjua.train.verl.plugin"


def hydra_argv(argv: list[str]) -> list[str]:
    """Add ``--config-path`` (this folder) and ``--config-name`` (c3po_multi_gpu) unless given.

    >>> hydra_argv(["x=1"])[:2] == ["--config-path", str(CONFIG_DIR)]
    True
    >>> hydra_argv(["--config-name", "c3po_stage2"]).count("--config-name")
    1
    """
    out = list(argv)
    if not any(a.startswith(("--config-path", "-cp")) for a in out):
        out = ["--config-path", str(CONFIG_DIR)] + out
    if not any(a.startswith(("--config-name", "-cn")) for a in out):
        out = out + ["--config-name", "c3po_multi_gpu"]
    return out


def main(argv: list[str] | None = None) -> None:
    mods = [m for m in os.environ.get("VERL_USE_EXTERNAL_MODULES", "").split(",") if m]
    if PLUGIN not in mods:
        os.environ["VERL_USE_EXTERNAL_MODULES"] = ",".join(mods + [PLUGIN])
    try:
        from verl.trainer import main_ppo
    except ImportError:
        sys.exit("verl is needed: pip install 'verl==0.9.*' in its own environment (see docs/install.md)")
    sys.argv = [sys.argv[0]] + hydra_argv(sys.argv[1:] if argv is None else argv)
    main_ppo.main()


if __name__ == "__main__":
    main()
