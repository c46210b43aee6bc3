"""The Gradio web demo: a thin shell over :class:`rjua.service.DemoService` (all logic lives in the library).

Importable from an installed wheel (``rjua demo`` uses it; ``apps/demo.py`` re-exports it). Settings are
arguments of :func:`create_app`, never environment variables. The named API endpoint ``/answer`` returns
``diseases``, ``advice``, ``answer``, ``evidence``: ``gradio_client.Client(url).predict(q, api_name="/answer")``.
The index and model load in a background thread: the page serves at once and says "loading…" until ready.
"""
from __future__ import annotations

import logging

import gradio as gr

from ..backends import REGISTRY
from ..errors import RJUAError
from ..service import DEMO_NOTE, MAX_QUESTION_CHARS, DemoService, consistency_note, friendly_error
from ..spec import RunSpec

__all__ = ["build_demo", "create_app"]

log = logging.getLogger("rjua.demo")


def _status_text(service: DemoService) -> str:
    st = service.status
    if st == "ready":
        return "✅ 就绪 ready"
    if st.startswith("failed"):
        return f"❌ 启动失败 {st}"
    return "⏳ 正在加载索引与模型… loading…"


def _guard(fn, *args):
    """Call the library; expected errors become a gr.Error without a traceback in the log."""
    try:
        return fn(*args)
    except RJUAError as e:
        raise gr.Error(str(e), print_exception=False) from None
    except Exception as e:  # a bug in the shell or library: log the detail, show a friendly line
        log.exception("unexpected error in the demo")
        raise gr.Error(friendly_error(e), print_exception=False) from None


def build_demo(service: DemoService, concurrency: int | None = None) -> gr.Blocks:
    """The Blocks app for one service (tests build it with their own service).

    ``concurrency``: answers computed at once (default 16 for the light case backend, 2 for models).
    """
    entry = REGISTRY.get(service.settings.get("backend", "case"))
    concurrency = concurrency or (16 if entry is not None and entry.light else 2)

    def answer(question: str, progress=gr.Progress()):  # noqa: B008 (gradio injects it)
        progress(0.1, desc="检索证据并生成回答 (retrieving evidence, generating)…")
        out = _guard(service.answer_or_wait, question)
        if "waiting" in out:  # still loading: a message, not an error toast
            gr.Info(out["waiting"])
        return out

    def clear():  # before each request: a failed one never leaves the previous patient's answer on screen
        return None, [], "", [], [], []

    def render(payload):
        if not payload:
            return [], "", [], []
        if "waiting" in payload:  # still loading: nothing to verify, only the message
            return [], payload["waiting"], [], []
        payload = _guard(service.verified, payload)  # only an answer this service made: no traceback on ["x"]
        items = [(d, "诊断") for d in payload["diseases"]] + [(a, "建议") for a in payload["advice"]]
        passages = []
        for i, p in enumerate(payload["evidence"]["passages"], 1):
            passages += [(f"[{i}] {p['id']} ", "段落")] + [tuple(x) for x in p["highlight"]] + [("\n\n", None)]
        cases = [[c["key"], f"{c['similarity']:.2f}", "、".join(c["diseases"]), c["question"][:80]]
                 for c in payload["evidence"]["similar_cases"]]
        return items, payload["answer"] + "\n\n" + consistency_note(payload), passages, cases

    def score(payload, key):  # checked, capped and sealed in the service; never shows gold items
        if not payload or not key or "waiting" in payload:
            return []
        res = _guard(service.score, payload, key)
        return res["rows"] + [["F1", f"disease {res['disease_f1']:.2f} · advice {res['advice_f1']:.2f}", res["match"]]]

    def pick(key):
        return service.records[key][1].question if isinstance(key, str) and key in service.records else gr.update()

    def poll():
        done = service.status != "loading…"
        return _status_text(service), f"`{service.label}`", gr.Timer(active=not done)

    with gr.Blocks(title="rjua · RJUA-QA clinical reasoning demo") as demo:
        gr.Markdown("# rjua · 泌尿外科临床推理问答 (RJUA-QA)")
        gr.Markdown(DEMO_NOTE, elem_id="disclaimer")
        with gr.Row():
            label = gr.Markdown(f"`{service.label}`", elem_id="backend-label")
            status = gr.Markdown(_status_text(service), elem_id="status")
        with gr.Row():
            with gr.Column(scale=3):
                question = gr.Textbox(label=f"患者问题 Patient question (≤ {MAX_QUESTION_CHARS} 字)", lines=5,
                                      max_lines=12, elem_id="question")
                with gr.Row():
                    submit = gr.Button("提交 Submit", variant="primary", elem_id="submit")
                    record = gr.Dropdown(choices=service.record_keys, label="数据中的病例 Case from the data",
                                         value=None, filterable=True, elem_id="record")
                gr.Examples(examples=[[q] for q in service.examples()], inputs=[question], label="示例 Examples")
            with gr.Column(scale=4):
                items = gr.HighlightedText(label="诊断与建议 Diagnoses and advice", elem_id="items",
                                           color_map={"诊断": "red", "建议": "green"})
                reply = gr.Textbox(label="回答 Answer", lines=6, interactive=False, elem_id="answer")
        passages = gr.HighlightedText(label="证据：指南段落（匹配词高亮） Evidence: guideline passages",
                                      elem_id="passages", color_map={"匹配": "yellow", "段落": "blue"})
        cases = gr.Dataframe(headers=["case", "similarity", "diagnoses", "question"], label="相似病例 Similar cases",
                             interactive=False, elem_id="cases")
        scored = gr.Dataframe(headers=["kind", "item", "match"], label="与所选病例对照 Against the chosen case",
                              interactive=False, elem_id="scored")
        payload = gr.JSON(visible=False)
        timer = gr.Timer(2.0, active=service.status == "loading…")
        timer.tick(poll, None, [status, label, timer], api_visibility="private")
        demo.load(poll, None, [status, label, timer], api_visibility="private")
        # preprocess=False: the raw values reach the service's checks (a Textbox would turn 123 or NaN into text,
        # a Dropdown would log a traceback listing every record for an unknown key)
        record.change(pick, record, question, api_visibility="private", preprocess=False)
        shown = [payload, items, reply, passages, cases, scored]
        submit.click(clear, None, shown, api_visibility="private", queue=False).then(
            answer, question, payload, api_name="answer", concurrency_limit=concurrency, preprocess=False).success(
            render, payload, [items, reply, passages, cases], api_visibility="private", preprocess=False).success(
            score, [payload, record], scored, api_visibility="private", preprocess=False)
        question.submit(clear, None, shown, api_visibility="private", queue=False).then(
            answer, question, payload, api_visibility="private", concurrency_limit=concurrency,
            preprocess=False).success(
            render, payload, [items, reply, passages, cases], api_visibility="private", preprocess=False)
    demo.queue(default_concurrency_limit=concurrency, max_size=256)
    return demo


def create_app(data_dir=None, backend: str = "case", model: str | None = None, index=None,
               embedder: str | None = None, base_url: str | None = None, background: bool = True,
               concurrency: int | None = None, spec: RunSpec | None = None) -> gr.Blocks:
    """Build the demo for ``spec`` (else for these settings); the index/model load in the background unless
    ``background=False``."""
    if spec is None:
        spec = RunSpec(backend=backend, model=model, index=index, embedder=embedder,
                       backend_options={"base_url": base_url} if base_url else {})
    service = DemoService.from_data(data_dir, background=background, spec=spec)
    return build_demo(service, concurrency)
