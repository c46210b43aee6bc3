"""The optional LLM extractor: prompt, parsing, cache, resume, per-record errors, agreement, CLI (stub models only)."""
import json

import pytest
from conftest import json_server, run_cli

from rjua.backends import GenResult
from rjua.backends.scripted import ScriptedBackend
from rjua.data import load_split
from rjua.judge.llm_extract import (
    EXTRACT_PROMPT_VERSION,
    ExtractCache,
    MalformedExtraction,
    agreement,
    extract_records,
    extract_split,
    extraction_of,
    parse_extraction,
)
from rjua.scoring import PredRow, score_predictions

GOLD = load_split("test")


def _reply(req):
    """A fake model: it 'reads' the answer by returning the items the test put after 'items:'."""
    answer = req.messages[-1]["content"].split("【回答】\n", 1)[1]
    d, a = answer.split("items:", 1)[1].split("/")
    return json.dumps({"diseases": d.split("+"), "advice": a.split("+")}, ensure_ascii=False)


class Flaky:
    """A backend failing the records whose answer contains 'FAIL' (until ``heal``)."""

    name, model = "fake", "flaky"

    def __init__(self):
        self.calls, self.healed = 0, False

    def generate(self, requests):
        self.calls += len(requests)
        out = []
        for r in requests:
            if "FAIL" in r.messages[-1]["content"] and not self.healed:
                out.append(GenResult(error="HTTP 503"))
            else:
                out.append(GenResult(text=_reply(r)))
        return out


def test_parse_extraction_shapes_and_malformed():
    assert parse_extraction('```json\n{"diseases": ["肾结石"], "advice": []}\n```') == (["肾结石"], [])
    assert parse_extraction('{"诊断": "膀胱炎、尿道炎", "治疗建议": ["多饮水"]}') == (["膀胱炎", "尿道炎"], ["多饮水"])
    assert parse_extraction('{"diseases": [], "advice": []}') == ([], [])
    for bad in ("诊断：肾结石", '{"answer": "x"}', "{not json"):
        with pytest.raises(MalformedExtraction):
            parse_extraction(bad)


def test_records_errors_cache_and_fields_skipped():
    preds = [PredRow("1", "像是石头 items:肾结石/多饮水"), PredRow("2", "乱说一通", disease=["膀胱炎"]),
             PredRow("3", "FAIL items:a病/b药")]
    be, cache = Flaky(), ExtractCache(":memory:")
    rows = {r["id"]: r for r in extract_records(preds, be, cache)}
    assert set(rows) == {"1", "3"} and be.calls == 2  # a prediction with fields is not sent
    assert (rows["1"]["diseases"], rows["1"]["advices"], rows["1"]["prompt_version"]) == (["肾结石"], ["多饮水"],
                                                                                         EXTRACT_PROMPT_VERSION)
    assert rows["3"]["error"] == "HTTP 503" and rows["3"]["error_kind"] == "backend"
    again = {r["id"]: r for r in extract_records(preds, be, cache)}
    assert again["1"]["cached"] and be.calls == 3  # only the failed record is asked again
    bad = extract_records([PredRow("9", "x")], ScriptedBackend(lambda r: "我觉得是肾结石"), cache)
    assert bad[0]["error_kind"] == "malformed" and extraction_of(bad[0], "m") is None


def test_split_resumes_retries_backend_errors_and_refuses_other_config(tmp_path):
    from rjua.errors import RJUAError

    preds = [PredRow(str(i), f"答 items:病{i}/药{i}" + (" FAIL" if i == 2 else "")) for i in range(5)]
    out, cfg = tmp_path / "p.extract.jsonl", {"prompt_version": EXTRACT_PROMPT_VERSION, "model": "flaky"}
    be = Flaky()
    rows = extract_split(preds, be, out, ExtractCache(tmp_path / "c.sqlite"), cfg, batch_size=2)
    assert len(rows) == 5 and rows["2"]["error_kind"] == "backend" and be.calls == 5
    be.healed = True
    rows = extract_split(preds, be, out, ExtractCache(tmp_path / "c.sqlite"), cfg, batch_size=2)
    assert be.calls == 6 and rows["2"]["error"] is None and rows["2"]["diseases"] == ["病2"]
    with pytest.raises(RJUAError):
        extract_split(preds, be, out, ExtractCache(tmp_path / "c.sqlite"), {**cfg, "model": "other"})


def test_scoring_with_llm_rows_and_agreement():
    preds = [PredRow(r.id, f"回答 items:{'+'.join(r.diseases)}/{'+'.join(r.advices)}") for r in GOLD]
    rows = {r["id"]: r for r in extract_records(preds, ScriptedBackend(_reply), ExtractCache(":memory:"))}
    res = score_predictions(GOLD, preds, n_resamples=10, extractor=lambda p: extraction_of(rows.get(p.id), "m"))
    assert res.summary["f1"] == 1.0 and res.summary["extraction_rules"]["disease"] == {"llm": len(GOLD)}
    plain = score_predictions(GOLD, preds, n_resamples=10).summary
    assert plain["f1"] < 0.5  # the rule extractor cannot read this private format
    rep = agreement(preds, rows)
    assert rep["n"] == len(GOLD) and rep["disease"]["llm_only"] == len(GOLD) and rep["disease"]["identical"] == 0.0


@pytest.fixture
def stub_endpoint():
    def respond(path, body):
        class R:
            messages = body["messages"]

        text = "服务繁忙" if "BROKEN" in body["messages"][-1]["content"] else _reply(R)
        return 200, {"choices": [{"message": {"content": text}}], "usage": {"completion_tokens": 5}}

    with json_server(respond) as url:
        yield url


def test_cli_extract_with_openai_stub(tmp_path, stub_endpoint):
    preds = tmp_path / "p.jsonl"
    lines = [{"id": r.id, "answer": f"回答 items:{'+'.join(r.diseases)}/{'+'.join(r.advices)}"} for r in GOLD]
    lines[0]["answer"] = "BROKEN 诊断：" + GOLD[0].diseases[0]
    preds.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    env = {"RJUA_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": "sk-test"}
    args = ("score", preds, "--split", "test", "--resamples", "10", "--extract-with", "openai",
            "--extract-model", "stub", "--extract-base-url", stub_endpoint)
    res = run_cli(*args, "--json", env=env)
    assert res.returncode == 0, res.stderr
    s = json.loads(res.stdout)
    x = s["llm_extraction"]
    assert x["n_errors"] == 1 and x["error_ids"] == [GOLD[0].id] and x["errors"]["malformed"] == 1
    assert s["extraction_rules"]["disease"] == {"llm": len(GOLD) - 1, "section": 1}  # the failed one: rules
    assert "failed on 1 record(s)" in res.stderr
    assert (tmp_path / "p.extract.jsonl").is_file() and (tmp_path / "p.extract.agreement.md").is_file()
    again = run_cli(*args, env=env)  # resumed: every row already done, the text report names the extractor
    assert again.returncode == 0 and "llm extraction (openai:stub, extract-zh-1)" in again.stdout
    assert json.loads((tmp_path / "p.extract.agreement.json").read_text(encoding="utf-8"))["n_errors"] == 1
