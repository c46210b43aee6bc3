import pytest

from rjua.data import load_all, load_split
from rjua.errors import RJUAError
from rjua.kb import CaseBase, KnowledgeBase, choose_pool, passage_id


def test_kb_dedups_and_tracks_citations():
    splits = load_all()
    kb = KnowledgeBase.from_splits(splits)
    texts = {p for recs in splits.values() for r in recs for p in r.passages}
    assert len(kb) == len(texts)
    shared = max(kb.passages, key=lambda p: len(p.cited_by))
    assert len(shared.cited_by) > 1 and all(":" in c for c in shared.cited_by)
    assert kb.get(shared.id) is shared and kb.ids[kb.index_of(shared.id)] == shared.id


def test_passage_ids_are_stable():
    assert passage_id("尿频，尿急") == passage_id(" 尿频,尿急 ")  # NFKC + whitespace
    assert passage_id("a") != passage_id("b") and passage_id("a").startswith("p")


def test_guideline_files(tmp_path):
    kb = KnowledgeBase.from_splits({"valid": load_split("valid")})
    f = tmp_path / "guide.txt"
    f.write_text("第一段：肾移植术后管理。\n\n第二段：尿路感染预防。\r\n\r\n\n", encoding="utf-8")
    n0 = len(kb)
    assert kb.add_text_files([f]) == 2 and len(kb) == n0 + 2
    assert kb.add_text_files([f]) == 0
    assert kb.passages[-1].source == "guide.txt"
    with pytest.raises(RJUAError, match="no such file"):
        kb.add_text_files([tmp_path / "none.txt"])


def test_case_base_and_pools():
    cb = CaseBase.from_splits({"valid": load_split("valid")})
    assert len(cb) == 16 and cb.index_of("valid:101") == 0 and cb.splits == {"valid"}
    assert choose_pool(["valid", "test"], "test") == (["valid"], False)
    assert choose_pool(["valid"], "valid") == (["valid"], True)
    assert choose_pool(["valid", "test"], "test", ["test"]) == (["test"], True)
    with pytest.raises(RJUAError, match="pool split"):
        choose_pool(["valid"], "valid", ["train"])


@pytest.mark.real_data
def test_real_kb_size(real_dir):
    kb = KnowledgeBase.from_splits({"valid": load_split("valid", real_dir)})
    assert len(kb) == 309
