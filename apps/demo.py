"""rjua web demo (thin file): the app lives in :mod:`rjua.cli.demo_app` so an installed wheel has it.

``python apps/demo.py [rjua demo options]`` is ``rjua demo``; importing this file gives the module-level
``demo`` (bundled sample, case backend) and :func:`build_demo` for tests.
"""
from __future__ import annotations

import sys

from rjua.cli.demo_app import build_demo, create_app

__all__ = ["build_demo", "create_app", "demo"]

if __name__ == "__main__":  # before building the module-level app, so only the served one is built
    from rjua.cli import main

    sys.exit(main(["demo", *sys.argv[1:]]))

demo = create_app()
