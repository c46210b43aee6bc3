"""The demo's endpoints against hostile clients: what the page hands back is checked, sealed and capped,
gold items are never served, non-text and word-less questions are refused plainly, model text cannot
reorder the page, and nothing logs a traceback."""
import json
import math
import socket
import time

import httpx
import pytest

from rjua.errors import RJUAError
from rjua.pipeline import Prediction
from rjua.service import DemoService, check_payload, friendly_error

Q = "我右侧腰部绞痛，尿里有血，B超提示右输尿管结石"


@pytest.fixture(scope="module")
def svc():
    return DemoService.from_data()


@pytest.mark.parametrize("q", [123, True, ["尿频"], {"q": "尿频"}, math.nan, 1.5])
def test_non_text_questions_are_refused(svc, q):
    with pytest.raises(RJUAError, match="must be text"):
        svc.answer(q)


@pytest.mark.parametrize("q", ["😀😀😀", "？？！！", "...", "___", "🙂 ， 。"])
def test_wordless_questions_get_an_honest_message(svc, q):
    with pytest.raises(RJUAError) as e:
        svc.answer(q)
    assert "no words" in str(e.value) and "backend failed" not in str(e.value)


def test_no_similar_case_is_said_so():
    msg = friendly_error("no similar labelled case available")
    assert "no similar case" in msg and "backend failed" not in msg


class _Bidi:
    def answer(self, q, exclude=()):
        return Prediction(id="q0", answer="您好\u202e石结肾\u202c，建议\u2066复查", diseases=["肾\u202e结石"],
                          advices=["复查\x1b[2J"], evidence={"passages": [], "similar_cases": []}, backend="fake",
                          model="m", latency_s=0.0)


def test_bidi_and_control_characters_in_model_text_are_escaped(svc):
    svc2 = DemoService(_Bidi(), svc.records)
    out = svc2.answer("尿频尿急")
    shown = json.dumps(out, ensure_ascii=False)
    for ch in ("\u202e", "\u202c", "\u2066", "\x1b"):
        assert ch not in shown
    assert out["answer"] == "您好\\u202e石结肾\\u202c，建议\\u2066复查" and out["diseases"] == ["肾\\u202e结石"]


def test_score_shows_the_answers_items_but_never_the_gold_ones(svc):
    key = next(iter(svc.records))
    gold = svc.records[key][1]
    out = svc.answer(Q)
    res = svc.score(out, key)
    texts = {row[1] for row in res["rows"]}
    assert texts - {f"(漏 missed) {n} 项 items" for n in range(100)} <= set(out["diseases"]) | set(out["advice"])
    hidden = (set(gold.diseases) | set(gold.advices)) - set(out["diseases"]) - set(out["advice"])
    assert hidden and not any(g in " ".join(texts) for g in hidden)


def test_score_refuses_forged_and_oversized_payloads_fast(svc):
    key = next(iter(svc.records))
    out = svc.answer(Q)
    probe = {**out, "diseases": [svc.records[key][1].diseases[0]]}  # asking "is this item gold?"
    with pytest.raises(RJUAError, match="seal"):
        svc.score(probe, key)
    big = {**out, "diseases": ["肾" * 10_000] * 40, "advice": ["查" * 10_000] * 40}
    t0 = time.perf_counter()
    with pytest.raises(RJUAError, match="not an answer from this demo"):
        svc.score(big, key)
    assert time.perf_counter() - t0 < 0.05
    for bad in (["x"], "x", None, {"diseases": "肾结石"}, {**out, "seal": 5}):
        with pytest.raises(RJUAError, match="not an answer from this demo"):
            check_payload(bad) if bad is not None else svc.verified(bad)
    with pytest.raises(RJUAError, match="unknown record"):
        svc.score(out, ["test:1"])


# --- over HTTP, as any client can call the page's private endpoints ------------------------------------------------

@pytest.fixture(scope="module")
def base():
    from rjua.cli.demo_app import build_demo

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = build_demo(DemoService.from_data())
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/gradio_api"
    app.close()


def _call(base, name, data):
    r = httpx.post(f"{base}/call/{name}", json={"data": data}, timeout=30)
    r.raise_for_status()
    text = httpx.get(f"{base}/call/{name}/{r.json()['event_id']}", timeout=60).text
    event = text.split("event: ", 1)[1].split("\n", 1)[0]
    return event, json.loads(text.split("data: ", 1)[1].split("\n", 1)[0])


def test_render_with_junk_is_a_plain_error_without_traceback(base, capfd):
    event, data = _call(base, "render", ["x"])
    err = capfd.readouterr().err
    assert event == "error" and "not an answer from this demo" in data["error"]
    assert "indices" not in data["error"] and "Traceback" not in err


def test_http_score_never_returns_gold_and_refuses_junk(base, capfd):
    from rjua.data import load_split

    gold = load_split("test")[0]
    key = f"test:{gold.id}"
    forged = {"diseases": list(gold.diseases), "advice": [], "answer": "", "question": "x",
              "evidence": {"passages": [], "similar_cases": []}, "seal": "0" * 64}
    for payload in (forged, {"diseases": ["肾" * 10_000] * 40, "advice": []}, ["x"]):
        event, data = _call(base, "score", [payload, key])
        assert event == "error" and "not an answer from this demo" in data["error"]
        assert not any(g in json.dumps(data, ensure_ascii=False) for g in gold.diseases + gold.advices)
    event, data = _call(base, "score", [forged, "no-such-key-" + "x" * 5000])
    assert event == "error" and len(data["error"]) < 300
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("q", [123, True, ["a"], {"a": 1}])
def test_http_answer_refuses_non_text(base, q):
    event, data = _call(base, "answer", [q])
    assert event == "error" and "must be text" in data["error"]


def test_http_answer_of_a_real_question_still_works(base):
    event, data = _call(base, "answer", [Q])
    assert event == "complete" and data[0]["diseases"] and data[0]["seal"]


def test_http_answer_then_render_and_score_as_the_page_does(base):
    from rjua.data import load_split

    gold = load_split("test")[0]
    event, data = _call(base, "answer", [gold.question])
    payload = data[0]
    assert event == "complete"
    event, shown = _call(base, "render", [payload])
    assert event == "complete" and shown[1].startswith(payload["answer"][:20])
    event, rows = _call(base, "score", [payload, f"test:{gold.id}"])
    assert event == "complete", rows
    table = rows[0]["data"]
    assert table[-1][0] == "F1" and {r[1] for r in table[:-1] if r[2] != "missed"} == \
        set(payload["diseases"]) | set(payload["advice"])
    hidden = (set(gold.diseases) | set(gold.advices)) - set(payload["diseases"]) - set(payload["advice"])
    assert not any(g in json.dumps(rows, ensure_ascii=False) for g in hidden)
