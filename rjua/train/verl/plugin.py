"""Imported by verl in every process through ``VERL_USE_EXTERNAL_MODULES=rjua.train.verl.plugin``
(``verl/__init__.py`` imports the listed modules), so the ``c3po`` policy loss and the ``c3po_grpo``
advantage estimator exist in the driver, the task runner and every Ray worker — with Ray started by verl."""
from __future__ import annotations

from .loss import register

__all__ = ["REGISTERED"]

REGISTERED = register()
