import pytest

from rjua.data import load_split
from rjua.errors import RJUAError
from rjua.pipeline import build_pipeline, sections_reply
from rjua.prompts import NOT_MEDICAL_ADVICE, approx_tokens, build_messages, pack_context
from rjua.scoring import PredRow, score_predictions


def test_default_pool_is_other_splits_and_evidence():
    p = build_pipeline("test")
    assert p.retriever.cases.splits == {"valid"}
    recs = load_split("test")
    preds = p.answer_many([(r.question, r) for r in recs])
    for pr in preds:
        assert pr.disclaimer == NOT_MEDICAL_ADVICE and pr.backend == "case"
        assert pr.evidence["passage_ids"] and pr.evidence["similar_cases"]
        assert pr.diseases and pr.answer
    s = score_predictions(recs, [PredRow(x.id, x.answer, x.diseases, x.advices) for x in preds], n_resamples=50)
    assert 0 < s.summary["f1"] < 1


def test_leave_one_out_never_uses_own_record_or_labels(tmp_path):
    import shutil

    from rjua.data import bundled_data_dir

    shutil.copy(bundled_data_dir() / "RJUA_valid.json", tmp_path / "RJUA_valid.json")
    p = build_pipeline("valid", tmp_path)
    assert p.retriever.cases.splits == {"valid"}  # no other split: same split, leave-one-out
    for r in load_split("valid", tmp_path):
        pred = p.answer(r.question, r)
        assert f"valid:{r.id}" not in [c["key"] for c in pred.evidence["similar_cases"]]
        others = {d for o in load_split("valid", tmp_path) if o.id != r.id for d in o.diseases}
        others |= {d.translate(str.maketrans("左右", "右左")) for d in others}  # laterality fix is legitimate
        # the question itself may name it, and so may a guideline passage another record also cites (the open
        # vocabulary reads names in the passages it is allowed to retrieve)
        shared = "".join(t for o in load_split("valid", tmp_path) if o.id != r.id for t in o.passages)
        own_only = {d for d in set(r.diseases) - others if d not in r.question and d not in shared}
        assert not own_only & set(pred.diseases)  # a label only this record has cannot be predicted
        vocab = p._labels.vocabulary(frozenset({f"valid:{r.id}"}))
        others = {d for o in load_split("valid", tmp_path) if o.id != r.id for d in o.diseases}
        assert not (set(r.diseases) - others) & vocab.diseases


def test_context_modes():
    rec = load_split("test")[0]
    gold = build_pipeline("test", context="gold").answer(rec.question, rec)
    assert [x["text"] for x in gold.evidence["passages"]] == list(rec.passages)
    none = build_pipeline("test", context="none").answer(rec.question, rec)
    assert none.evidence["passages"] == [] and none.evidence["similar_cases"]
    with pytest.raises(RJUAError, match="context"):
        build_pipeline("test", context="oracle")
    with pytest.raises(RJUAError, match="needs a dataset record"):
        build_pipeline("test", context="gold").answer("尿频")


def test_bad_questions():
    p = build_pipeline("test")
    with pytest.raises(RJUAError, match="empty query"):
        p.answer("  ")
    with pytest.raises(RJUAError, match="too long"):
        p.answer("尿" * 5001)


def test_prompt_budget_is_in_tokens():
    msgs = build_messages("问题", ["甲" * 50, "乙" * 50, "丙" * 50], budget=120)
    user = msgs[1]["content"]
    assert user.count("甲") == 50 and user.count("乙") == 50 and user.count("丙") == 20
    assert pack_context(["abc def"], budget=1, count=approx_tokens) == ["abc"]
    words = pack_context(["PSA " * 100], budget=10)
    assert approx_tokens(words[0]) <= 10 and len(words[0]) > 10  # ASCII words count as one token each


def test_sections_reply():
    assert sections_reply("诊断：肾结石\n建议：多饮水\n回答：您好，考虑肾结石。") == "您好，考虑肾结石。"
    assert sections_reply("您好，考虑肾结石。") == "您好，考虑肾结石。"


def test_answer_api():
    import rjua

    pred = rjua.answer("我右侧腰部绞痛，尿里有血")
    assert pred.diseases and pred.evidence["passage_ids"] and pred.to_json()["disease"] == pred.diseases


def test_gold_context_feeds_the_case_neighbours_through_shared_passages():
    from rjua.kb import passage_id

    gold = build_pipeline("test", context="gold")
    retrieved = build_pipeline("test", context="retrieved")
    shared_first, differs = 0, 0
    for r in load_split("test")[:10]:
        ids = {passage_id(t) for t in r.passages}
        g, q = gold._request(r.question, r), retrieved._request(r.question, r)
        sharing = [c.key for c in gold.retriever.cases.cases if ids & set(c.passage_ids) and c.key not in g.exclude]
        if sharing:
            shared_first += bool(ids & set(g.cases[0].passage_ids))
        differs += [c.key for c in g.cases] != [c.key for c in q.cases]
        assert {p.id for p in g.passages} == ids and f"test:{r.id}" not in {c.key for c in g.cases}
    assert shared_first and differs


def test_the_gold_overlap_weight_is_a_retrieval_setting_the_manifest_records():
    from rjua.plan import manifest, resolve
    from rjua.spec import RunSpec

    base, other = RunSpec(context="gold"), RunSpec(context="gold", retrieval={"case_gold_weight": 0.0})
    assert manifest(resolve(base, "test"))["retrieval"]["case_gold_weight"] == 3.0
    assert manifest(resolve(other, "test"))["retrieval"]["case_gold_weight"] == 0.0
    with pytest.raises(RJUAError, match="retrieval.case_gold_weight"):
        RunSpec(retrieval={"case_gold_weight": -1})
    # weight 0: the neighbours are the question's own; the default ranks cases sharing the context first
    heavy, none = build_pipeline("test", spec=base), build_pipeline("test", spec=other)
    assert none.retriever.config.case_gold_weight == 0.0
    recs = load_split("test")[:10]

    def keys(pipe, r):
        return [c.key for c in pipe._request(r.question, r).cases]

    assert any(keys(heavy, r) != keys(none, r) for r in recs)


def test_an_advice_list_a_backend_leaves_empty_is_not_read_from_its_prose(monkeypatch):
    from rjua.backends import GenResult

    pipe = build_pipeline("test", backend="case")
    reply = "您好，考虑为肾结石。建议您多饮水，定期复查B超。"
    monkeypatch.setattr(pipe.backend, "generate", lambda reqs: [GenResult(reply, ["肾结石"], []) for _ in reqs])
    pred = pipe.answer_many([("右侧腰痛", None)])[0]
    assert pred.diseases == ["肾结石"] and pred.advices == [] and pred.advice_rule == "field"
    # a backend that gives no list at all (None) still has its items read from its prose
    monkeypatch.setattr(pipe.backend, "generate", lambda reqs: [GenResult(reply, ["肾结石"], None) for _ in reqs])
    assert pipe.answer_many([("右侧腰痛", None)])[0].advices
