"""One pool check (rjua.kb.check_pool) behind choose_pool, build_retriever and rjua.plan.resolve_pool."""
import pytest

from rjua.errors import RJUAError
from rjua.kb import check_pool, choose_pool
from rjua.plan import resolve_pool
from rjua.retrieval.build import build_retriever


def test_every_entry_point_names_the_missing_split():
    msg = r"pool split\(s\) not found: train \(found: test, valid\)"
    for call in (lambda: check_pool(["valid", "train"], ["test", "valid"]),
                 lambda: choose_pool(["test", "valid"], "test", ["valid", "train"]),
                 lambda: build_retriever(pool=["valid", "train"]),
                 lambda: resolve_pool("test", pool=["valid", "train"])):
        with pytest.raises(RJUAError, match=msg):
            call()


def test_index_wording_and_pass_through():
    with pytest.raises(RJUAError, match=r"--pool test is not held by index ix \(its pool: valid\); rebuild"):
        check_pool(["test"], ["valid"], "ix")
    assert check_pool(("valid",), ["valid"], "ix") == ["valid"]
