import pytest
import torch

from rjua.backends import GenRequest
from rjua.backends.chooser import ChooserBackend, map_to_candidates


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from rjua.testing import tiny_causal_lm

    return str(tiny_causal_lm(tmp_path_factory.mktemp("m") / "lm", extra_text="是否候选诊断适用于该患者"))


def test_prefix_cached_scores_equal_full_forward(tiny):
    ch = ChooserBackend(tiny, batch_size=2, dtype="float32")
    msgs = [{"role": "system", "content": "s"}, {"role": "user", "content": "【患者问题】\n右侧腰痛，尿血"}]
    req = GenRequest("右侧腰痛，尿血", msgs)
    items = ["右输尿管结石", "肾结石", "膀胱炎伴尿路感染"]  # unequal lengths: padding inside a batch, 2 batches
    got = ch.lm_scores(req, "disease", items)
    tok, lm = ch.lm._tok, ch.lm._lm
    yes, no = tok.encode("是", add_special_tokens=False)[0], tok.encode("否", add_special_tokens=False)[0]
    pre, post = ch._prefix_and_suffix(req, "disease")
    for it, g in zip(items, got):
        ids = tok(pre, add_special_tokens=False)["input_ids"] + tok(it + post, add_special_tokens=False)["input_ids"]
        with torch.no_grad():
            lp = lm(input_ids=torch.tensor([ids], device=lm.device)).logits[0, -1].float().log_softmax(-1)
        assert g == pytest.approx(float(lp[yes] - lp[no]), abs=1e-4)


def test_chooser_picks_from_case_candidates_and_mix_zero_is_case(tiny):
    from rjua.backends.case import gold_context
    from rjua.data import load_split
    from rjua.pipeline import build_pipeline

    recs = load_split("test")[:3]
    base = build_pipeline("test", backend="case", context="gold").answer_many([(r.question, r) for r in recs])
    for mix in (0.0, 1.0):
        pipe = build_pipeline("test", backend="chooser", model=tiny, context="gold",
                              backend_options={"mix": mix, "dtype": "float32"})
        preds = pipe.answer_many([(r.question, r) for r in recs])
        for r, p, b in zip(recs, preds, base):
            assert p.backend == "chooser" and not p.error
            if mix == 0.0:  # the LM has no weight: exactly the case backend's choice
                assert (p.diseases, p.advices) == (b.diseases, b.advices)
            req = pipe._request(r.question, r)
            for kind, got in (("disease", p.diseases), ("advice", p.advices)):
                chosen, info = pipe.backend._choose(req, kind)
                assert set(chosen) <= set(info["candidates"])
                # the advice keeps what the question and the diagnoses give a reason for (the case's grounding)
                assert not chosen or (chosen == got if kind == "disease" else
                                      got == pipe.backend.case.grounded_advices(chosen, p.diseases, r.question,
                                                                                gold_context(req)))
                assert len(info["lm"]) == len(info["candidates"])


def test_map_to_candidates():
    assert map_to_candidates(["右肾结石伴积水", "多喝水"], ["右肾结石", "多饮水"], 0.5) == ["右肾结石", "多饮水"]
    assert map_to_candidates(["感冒"], ["右肾结石"]) == []


def test_chooser_reply_is_composed_from_its_own_choices(tiny):
    from rjua.compose import strip_sides
    from rjua.data import load_split
    from rjua.pipeline import build_pipeline

    recs = load_split("test")[:3]
    pipe = build_pipeline("test", backend="chooser", model=tiny, context="gold",
                          backend_options={"mix": 1.0, "dtype": "float32"})
    for r, p in zip(recs, pipe.answer_many([(r.question, r) for r in recs])):
        assert p.answer.startswith("您好")
        if p.diseases:
            assert any(strip_sides(d) in p.answer for d in p.diseases)


def test_mix_zero_is_case_where_passages_add_disease_candidates(tiny):
    # the case backend draws disease candidates from the evidence too (open vocabulary); the chooser used to
    # re-derive them without the passages, so mix 0 differed from case on such records
    from rjua.data import load_split
    from rjua.pipeline import build_pipeline

    recs = load_split("valid")
    case = build_pipeline("valid", backend="case", context="gold")
    be = case.backend
    differs = []
    for r in recs:
        req = case._request(r.question, r)
        hits = [h for h in req.cases if h.key not in req.exclude]
        with_p = be._candidates(r.question, hits, "disease", req.exclude, [p.text for p in req.passages]).items
        if with_p != be._candidates(r.question, hits, "disease", req.exclude).items:
            differs.append(r)
    assert differs, "the sample has no record whose passages add a candidate"
    base = case.answer_many([(r.question, r) for r in differs])
    pipe = build_pipeline("valid", backend="chooser", model=tiny, context="gold",
                          backend_options={"mix": 0.0, "dtype": "float32", "rescore_top": 2})
    for p, b in zip(pipe.answer_many([(r.question, r) for r in differs]), base):
        assert (p.diseases, p.advices) == (b.diseases, b.advices)


def test_chooser_default_context_is_the_benchmarks():
    from rjua.plan import resolve_spec
    from rjua.spec import RunSpec

    assert resolve_spec(RunSpec(backend="chooser")).context_tokens == 384
    assert resolve_spec(RunSpec(backend="chooser", context_tokens=1024)).context_tokens == 1024
    assert resolve_spec(RunSpec(backend="hf")).context_tokens is None


def test_size_cap_is_fitted_and_applied():
    from rjua.backends.chooser import fit_size_cap

    assert fit_size_cap([["a", "b", "c"], ["x", "y", "z"]], [["a"], ["x", "y"]]) == 2
    assert fit_size_cap([["a"], ["x"]], [["a"], ["x"]]) is None  # nothing to cut
