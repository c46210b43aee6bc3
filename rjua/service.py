"""What the web demo shows, computed without any UI library (the Gradio app only wires it).

The slow part (index, embedder, model) can load in a background thread so the demo serves at once;
until it is ready :meth:`DemoService.answer` refuses with a "loading" message. Unexpected backend
failures become friendly messages (:func:`friendly_error`); the detail goes to the ``rjua.demo`` log.

What the page hands back is not trusted: an answer carries a ``seal`` (a keyed hash of its question and
items, the key made per process) and :meth:`DemoService.score` / :func:`check_payload` refuse anything
else or anything too large; scoring never shows the gold items (only how many were missed). Non-text,
word-less and over-long questions are refused with a message; control and bidi-override characters in
what is shown are escaped (:func:`escape_controls`).

>>> svc = DemoService.from_data()
>>> out = svc.answer("我右侧腰部绞痛，尿里有血")
>>> sorted(out) == ["advice", "answer", "backend", "consistency", "disclaimer", "diseases", "evidence",
...                 "faithfulness", "guard_removed", "model", "patient", "question", "seal"]
True
>>> highlight("右侧输尿管结石", "输尿管结石怎么办")
[('右侧', None), ('输尿管结石', '匹配')]
>>> highlight("需要处理", "是否需要处理")
[('需要处理', None)]
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import math
import re
import secrets
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any

from .consistency import check_facts
from .data import Record, load_all
from .errors import RJUAError
from .faithfulness import check as faithfulness_check
from .metrics import items_match, prf
from .patient import patient_facts
from .pipeline import build_pipeline
from .retrieval.bm25 import tokenize
from .spec import RunSpec

__all__ = ["DEMO_NOTE", "LOADING", "MAX_ITEM_CHARS", "MAX_ITEMS", "MAX_QUESTION_CHARS", "STOP_BIGRAMS", "DemoService",
           "check_payload", "escape_controls", "friendly_error", "highlight", "record_order"]

log = logging.getLogger("rjua.demo")

MAX_QUESTION_CHARS = 2000
MAX_ITEMS, MAX_ITEM_CHARS = 50, 200  # what an answer handed back to the page may hold (score, render)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WORD = re.compile(r"[^\W_]")  # a letter, a digit or a CJK character
DEMO_NOTE = ("**研究演示 Research demo.** 本系统由 rjua 自动生成答案，仅用于研究，**不构成医疗建议**；"
             "如有不适请及时就医。 Not medical advice.")
LOADING = "正在加载索引与模型，请稍候… (loading the index and model; try again in a moment)"

_FRIENDLY = (  # (substrings of the lower-cased detail, message shown to the user)
    (("timed out", "timeout", "deadline"), "模型后端响应超时，请稍后再试 (the model backend timed out; try again)"),
    (("connection", "refused", "unreachable", "name or service not known", "nodename", "network"),
     "无法连接模型后端 (cannot reach the model backend)"),
    (("401", "403", "unauthorized", "forbidden", "api key", "authentication"),
     "模型后端拒绝了请求，请检查凭据 (the model backend refused the credentials)"),
    (("429", "rate limit", "too many requests"), "模型后端繁忙，请稍后再试 (the model backend is busy; try again)"),
    (("out of memory", "memoryerror", "cuda error"), "模型资源不足 (the model ran out of memory)"),
    (("no similar labelled case",), "没有找到相似的病例，请补充症状描述 (no similar case found; describe the symptoms "
                                    "in more detail)"),
)
# character bigrams too common to count as words a passage shares with the question (the highlight skips them)
STOP_BIGRAMS = frozenset("""
需要 处理 是一 一个 一种 一下 怎么 什么 可以 医生 您好 你好 请问 没有 我的 我们 这个 那个 这种 情况 问题 时候 已经
现在 最近 如何 是否 还是 或者 因为 所以 但是 如果 就是 不是 还有 以及 进行 应该 能否 有没 没事 大概 左右 之后 之前
以后 以前 的话 了吗 的是 是什 么办 怎样 有什 么样 一些 比较 非常 特别 主要 目前 出现 感觉 发现 建议 需不 要不 严重
""".split())
_STOP_RE = re.compile("|".join(sorted(STOP_BIGRAMS)))

_GENERIC = ("模型后端返回了无法处理的结果，请稍后再试；详情见服务器日志 "
            "(the backend failed; details are in the server log)")


def friendly_error(detail: BaseException | str) -> str:
    """A message for the user from an unexpected backend failure; never the raw Python text.

    >>> friendly_error(AttributeError("'list' object has no attribute 'get'")).endswith("in the server log)")
    True
    >>> friendly_error(TimeoutError("read timed out")).startswith("模型后端响应超时")
    True
    """
    text = (f"{type(detail).__name__}: {detail}" if isinstance(detail, BaseException) else str(detail)).lower()
    for keys, msg in _FRIENDLY:
        if any(k in text for k in keys):
            return msg
    return _GENERIC


def escape_controls(value: Any) -> Any:
    r"""``value`` with control and bidi-override characters shown escaped in every string it holds (dicts,
    lists and tuples walked), as the CLI does: model text cannot reorder or hide parts of the page.

    >>> print(escape_controls("肾结石\u202e石结"))
    肾结石\u202e石结
    >>> escape_controls({"items": [("a\x1b[2J", None)]})["items"][0] == ("a\\x1b[2J", None)
    True
    """
    if isinstance(value, str):
        return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)
    if isinstance(value, dict):
        return {k: escape_controls(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(escape_controls(v) for v in value)
    return value


def _strings(value: Any, what: str, limit: int, chars: int) -> list[str]:
    if not isinstance(value, list) or len(value) > limit or not all(isinstance(x, str) for x in value) \
            or any(len(x) > chars for x in value):
        raise RJUAError(f"不是本演示生成的回答 (not an answer from this demo: {what} must be a list of at most "
                        f"{limit} texts of at most {chars} characters)")
    return value


def check_payload(payload: Any) -> dict[str, Any]:
    """An answer handed back by the page, checked for shape and size before it is rendered or scored; anything
    else (``["x"]``, 10,000-character items, missing fields) is one :class:`~rjua.errors.RJUAError`.

    >>> check_payload(["x"])
    Traceback (most recent call last):
    rjua.errors.RJUAError: 不是本演示生成的回答 (not an answer from this demo: expected an object, got list)
    """
    if not isinstance(payload, dict):
        raise RJUAError(f"不是本演示生成的回答 (not an answer from this demo: expected an object, got "
                        f"{type(payload).__name__})")
    _strings(payload.get("diseases"), "diseases", MAX_ITEMS, MAX_ITEM_CHARS)
    _strings(payload.get("advice"), "advice", MAX_ITEMS, MAX_ITEM_CHARS)
    ev = payload.get("evidence")
    if not (isinstance(payload.get("answer"), str) and isinstance(ev, dict) and isinstance(ev.get("passages"), list)
            and isinstance(ev.get("similar_cases"), list) and isinstance(payload.get("seal"), str)):
        raise RJUAError("不是本演示生成的回答 (not an answer from this demo: answer, evidence or seal missing)")
    return payload


def highlight(passage: str, question: str, label: str = "匹配") -> list[tuple[str, str | None]]:
    """Passage segments, with the runs covered by a character bigram of the question labelled."""
    parts = _STOP_RE.split(question or "")  # stop-words cut the question, so no bigram straddles one
    grams = {g for part in parts for g in tokenize(part, "char2")}
    mark = [False] * len(passage)
    for i in range(len(passage) - 1):
        if passage[i:i + 2] in grams:
            mark[i] = mark[i + 1] = True
    out: list[tuple[str, str | None]] = []
    for ch, m in zip(passage, mark):
        tag = label if m else None
        if out and out[-1][1] == tag:
            out[-1] = (out[-1][0] + ch, tag)
        else:
            out.append((ch, tag))
    return out


def record_order(key: str) -> tuple:
    """Sort key of a record key ``split:id``: by split, then ids numerically (``valid:9`` before ``valid:10``).

    >>> sorted(["valid:10", "test:3", "valid:9", "valid:a"], key=record_order)
    ['test:3', 'valid:9', 'valid:10', 'valid:a']
    """
    split, _, rid = key.partition(":")
    return (split, 0, int(rid), "") if rid.isdigit() else (split, 1, 0, rid)


def patient_check(question: str, diseases, advices, answer: str) -> dict[str, Any]:
    """The patient's facts, the answer's clinical-consistency flags (:mod:`rjua.consistency`) and its
    faithfulness flags (:mod:`rjua.faithfulness`: own diagnoses named, nothing invented, supported sites, negations).

    >>> out = patient_check("我是50岁女性，没有糖尿病", ["前列腺增生"], [], "考虑膀胱炎。您合并糖尿病。")
    >>> out["consistency"][0]["rule"], sorted({f["rule"] for f in out["faithfulness"]})[:2]
    ('sex_male_organ_in_female', ['diagnoses_not_in_reply', 'fact_history'])
    """

    facts = patient_facts(question)
    return {"patient": facts.to_dict(),
            "consistency": [f.to_dict() for f in check_facts(facts, diseases, advices, answer)],
            "faithfulness": [f.to_dict() for f in faithfulness_check(question, diseases, advices, answer)]}


def consistency_note(payload: dict[str, Any]) -> str:
    """One line for a UI: the patient facts read from the question, the consistency flags, what the guard removed,
    and the faithfulness flags.

    >>> for part in consistency_note({"patient": {"sex": "female", "age": 50.0}, "consistency": []}).split(" — "):
    ...     print(part)
    患者 patient: sex female · age 50
    一致性检查 consistency: 无冲突 no conflicts
    忠实性 faithfulness: 无问题 none
    >>> removed = [{"item": "前列腺增生", "rule": "sex_male_organ_in_female"}]
    >>> consistency_note({"patient": {}, "consistency": [], "guard_removed": removed}).split(" — ")[-2]
    '已删除与患者矛盾的内容 removed: 前列腺增生 (sex_male_organ_in_female)'
    >>> consistency_note({"faithfulness": [{"rule": "fact_history", "term": "糖尿病"}]}).split(" — ")[-1]
    '忠实性 faithfulness: ⚠ fact_history: 糖尿病'
    """
    facts = payload.get("patient") or {}
    shown = " · ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in facts.items()
                       if k in ("sex", "age", "laterality", "pregnant", "stage", "person") and v is not None)
    flags = payload.get("consistency") or []
    said = "; ".join(f"⚠ {f['rule']}: {f['item']}" for f in flags) or "无冲突 no conflicts"
    removed = payload.get("guard_removed") or []
    if removed:  # what the backend wrote that contradicted the patient, taken out by the pipeline's guard
        said += " — 已删除与患者矛盾的内容 removed: " + "; ".join(
            dict.fromkeys(f"{f['item']} ({f['rule']})" for f in removed))
    faith = payload.get("faithfulness") or []
    told = "; ".join(dict.fromkeys(f"⚠ {f['rule']}: {f['term']}" for f in faith)) or "无问题 none"
    return f"患者 patient: {shown or 'unknown'} — 一致性检查 consistency: {said} — 忠实性 faithfulness: {told}"


@dataclass
class DemoService:
    """A pipeline plus the data records (for examples and optional scoring).

    ``pipeline`` is None while it loads (``background=True``); :attr:`status` says how far it is.
    """

    pipeline: Any
    records: dict[str, tuple[str, Record]]  # key "split:id" -> (split, record)
    settings: dict[str, Any] = field(default_factory=dict)
    error: str | None = None  # why loading failed (one line)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _by_question: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)  # seals this process's answers

    def __post_init__(self) -> None:
        for k, (_, r) in self.records.items():  # a question from the data -> its records (never their own evidence)
            self._by_question.setdefault(r.question.strip(), []).append(k)

    @classmethod
    def from_data(cls, data_dir=None, backend: str = "case", model: str | None = None, index=None,
                  embedder: str | None = None, backend_options: dict | None = None,
                  background: bool = False, spec: RunSpec | None = None) -> DemoService:
        """Records now; the pipeline now, or in a background thread when ``background`` (serve at once).

        The settings come from ``spec`` (:class:`~rjua.spec.RunSpec`; its context is always
        ``retrieved``), else from ``backend``, ``model``, ``index``, ``embedder`` and ``backend_options``.

        >>> svc = DemoService.from_data(background=True); svc.wait(60)
        True
        >>> svc.status
        'ready'
        """

        recs = {f"{s}:{r.id}": (s, r) for s, rs in load_all(data_dir).items() for r in rs}
        if spec is None:
            spec = RunSpec(backend=backend, model=model, index=index, embedder=embedder,
                           backend_options=backend_options or {})
        spec = replace(spec, context="retrieved", pool=None)
        settings = {"data_dir": data_dir, "backend": spec.backend, "model": spec.model, "index": spec.index,
                    "embedder": spec.embedder, "backend_options": dict(spec.backend_options), "spec": spec}
        svc = cls(None, recs, settings)
        if background:
            svc._thread = threading.Thread(target=svc._load, name="rjua-demo-load", daemon=True)
            svc._thread.start()
        else:
            svc._load(raise_errors=True)
        return svc

    def _load(self, raise_errors: bool = False) -> None:
        s, t0 = self.settings, time.perf_counter()
        what = f"index {s['index']}" if s.get("index") else "lexical retrieval over the data"
        log.info("loading %s%s and the %s backend%s ...", what,
                 f" with embedder {s['embedder']}" if s.get("embedder") else "", s["backend"],
                 f" ({s['model']})" if s.get("model") else "")
        try:
            self.pipeline = build_pipeline(None, s["data_dir"], spec=s["spec"])
        except RJUAError as e:  # bad input: one line, no traceback
            self.error = str(e)
            log.error("loading failed: %s", e)
            if raise_errors:
                raise
            return
        except Exception as e:
            self.error = friendly_error(e)
            log.error("loading failed: %s: %s", type(e).__name__, e, exc_info=log.isEnabledFor(logging.DEBUG))
            if raise_errors:
                raise
            return
        log.info("ready in %.1f s (%d records)", time.perf_counter() - t0, len(self.records))

    @property
    def status(self) -> str:
        """``loading…``, ``ready`` or ``failed: REASON``."""
        if self.pipeline is not None:
            return "ready"
        return f"failed: {self.error}" if self.error else "loading…"

    def wait(self, timeout: float | None = None) -> bool:
        """Block until loading finished (or ``timeout`` seconds); True when the pipeline is ready."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.pipeline is not None

    @property
    def label(self) -> str:
        if self.pipeline is None:
            return f"backend: {self.settings.get('backend')} · model: {self.settings.get('model') or 'default'}"
        return f"backend: {self.pipeline.backend.name} · model: {self.pipeline.backend.model}"

    def examples(self, n: int = 8) -> list[str]:
        seen, out = set(), []
        for _, r in self.records.values():
            if r.question not in seen and len(out) < n:
                seen.add(r.question)
                out.append(r.question)
        return out

    def check(self, question: str) -> str:
        """The question stripped; non-text (numbers, booleans, lists, objects, NaN), empty, over-long and
        word-less (emoji or punctuation only) questions are refused with a message saying which."""
        if question is not None and not isinstance(question, str):
            kind = "NaN" if isinstance(question, float) and math.isnan(question) else type(question).__name__
            raise RJUAError(f"问题必须是文本 (the question must be text, got {kind})")
        q = (question or "").strip()
        if not q:
            raise RJUAError("请输入问题 (the question is empty)")
        if len(q) > MAX_QUESTION_CHARS:
            raise RJUAError(f"问题过长：{len(q)} 字，上限 {MAX_QUESTION_CHARS} 字 (question too long)")
        if not _WORD.search(q):
            raise RJUAError("问题中没有文字，请用文字描述症状 (the question has no words: emoji or punctuation only)")
        return q

    def _seal(self, payload: dict[str, Any]) -> str:
        """What proves an answer came from this process: a keyed hash of its question and items."""
        msg = "\x1f".join([payload.get("question", ""), *payload["diseases"], "\x1e", *payload["advice"]])
        return hmac.new(self._key, msg.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def verified(self, payload: Any) -> dict[str, Any]:
        """``payload`` when it is an answer this service produced (:func:`check_payload`, then its seal)."""
        payload = check_payload(payload)
        if not isinstance(payload.get("question"), str) or len(payload["question"]) > MAX_QUESTION_CHARS \
                or not hmac.compare_digest(payload["seal"], self._seal(payload)):
            raise RJUAError("不是本演示生成的回答 (not an answer from this demo: its seal does not match)")
        return payload

    def answer(self, question: str) -> dict[str, Any]:
        """JSON-able answer with evidence; a question taken from the data never sees its own record."""
        try:
            q = self.check(question)
        except RJUAError as e:  # expected: one log line, no traceback
            log.warning("refused: %s", e)
            raise
        if self.pipeline is None:
            raise RJUAError(f"演示启动失败 (the demo failed to start): {self.error}" if self.error else LOADING)
        own = self._by_question.get(q, [])
        try:
            p = self.pipeline.answer(q, exclude=own)
        except RJUAError as e:
            log.warning("refused: %s", e)
            raise
        except Exception as e:  # unexpected: the detail stays in the server log
            log.error("backend error on a %d-char question: %s: %s", len(q), type(e).__name__, e,
                      exc_info=log.isEnabledFor(logging.DEBUG))
            raise RJUAError(friendly_error(e)) from None
        if p.error and not (p.answer or p.diseases):
            log.error("backend error on a %d-char question: %s", len(q), p.error)
            raise RJUAError(friendly_error(p.error))
        out = escape_controls({
            "diseases": p.diseases, "advice": p.advices, "answer": p.answer,
            "evidence": {
                "passages": [{**x, "highlight": highlight(x["text"], q)} for x in p.evidence["passages"]],
                "similar_cases": [{**c, "question": (self.records[c["key"]][1].question
                                                     if c["key"] in self.records else "")}
                                  for c in sorted(p.evidence["similar_cases"], key=lambda c: -c["similarity"])[:5]],
            },
            "backend": p.backend, "model": p.model, "disclaimer": p.disclaimer, "guard_removed": p.guard_removed,
            **patient_check(q, p.diseases, p.advices, p.answer),
        })
        out["question"] = q
        out["seal"] = self._seal(out)
        return out

    def answer_or_wait(self, question: str) -> dict[str, Any]:
        """:meth:`answer`, or ``{"waiting": LOADING}`` while the pipeline still loads (a message, not an error);
        a question that could never be answered (empty, too long, not text) is still refused at once."""
        if self.pipeline is None and not self.error:
            try:
                self.check(question)
            except RJUAError as e:
                log.warning("refused: %s", e)
                raise
            return {"waiting": LOADING}
        return self.answer(question)

    @property
    def record_keys(self) -> list[str]:
        """The records' keys in the picker's order (:func:`record_order`)."""
        return sorted(self.records, key=record_order)

    def score(self, payload: dict[str, Any], key: str, match: str = "fuzzy") -> dict[str, Any]:
        """Per-item matches of an answer this service produced against a record (``split:id``).

        Only the answer's own items are listed (✓ / ✗); the gold items it missed are counted, never shown,
        so the endpoint serves no labels. A payload not sealed by this service, or too large, is refused.
        """
        payload = self.verified(payload)
        if not isinstance(key, str) or key not in self.records:
            raise RJUAError(f"unknown record {key!r}"[:120])
        gold = self.records[key][1]
        rows = []
        for kind, pred, ref in (("诊断", payload["diseases"], gold.diseases),
                                ("建议", payload["advice"], gold.advices)):
            for it in pred:
                rows.append([kind, it, "✓" if any(items_match(it, g, match) for g in ref) else "✗"])
            missed = sum(1 for g in ref if not any(items_match(it, g, match) for it in pred))
            if missed:
                rows.append([kind, f"(漏 missed) {missed} 项 items", "missed"])
        d, a = prf(payload["diseases"], gold.diseases, match), prf(payload["advice"], gold.advices, match)
        return {"rows": rows, "disease_f1": d.f1, "advice_f1": a.f1, "match": match}
