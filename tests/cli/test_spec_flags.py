"""The spec flags are defined once and every answering command takes all of them."""
from dataclasses import fields

import pytest
import typer.main

from rjua.backends import REGISTRY
from rjua.cli import app
from rjua.cli._spec_flags import SPEC_FLAGS, spec_from_flags
from rjua.spec import RunSpec

COMMANDS = {"answer": {"context", "pool"}, "predict": set(), "eval": set(), "demo": {"context", "pool"}}


def _options(name: str) -> set[str]:
    cmd = typer.main.get_command(app).commands[name]
    return {p.name for p in cmd.params}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_spec_field_is_a_flag_of_every_answering_command(name):
    spec_fields = {f.name for f in fields(RunSpec)} - {"backend_options"} - COMMANDS[name]
    assert spec_fields <= _options(name), spec_fields - _options(name)
    assert set(SPEC_FLAGS) - COMMANDS[name] <= _options(name)


def test_the_backend_help_lists_the_registry():
    cmd = typer.main.get_command(app).commands["demo"]
    help_text = next(p.help for p in cmd.params if p.name == "backend")
    assert all(b in help_text for b in REGISTRY)


def test_flags_make_the_spec():
    spec = spec_from_flags(backend="case", k=2, seed=3, n_cases=4, context_tokens=100, kb_splits=["pool"],
                           retrieval=["case_weight=2", "rrf_k=30"], guard=False)
    assert (spec.k, spec.seed, spec.n_cases, spec.context_tokens, spec.kb_splits, spec.guard) == (2, 3, 4, 100,
                                                                                                  "pool", False)
    assert spec.retrieval == {"case_weight": 2, "rrf_k": 30}
