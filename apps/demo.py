"""rjua web demo: try patient questions and see the evidence behind every answer.

A thin Gradio shell over :class:`rjua.service.DemoService` (all logic lives in the
library). Configure with RJUA_DATA_DIR, RJUA_BACKEND, RJUA_MODEL, RJUA_INDEX,
RJUA_EMBEDDER; launch with ``rjua demo`` (binds 127.0.0.1 unless told otherwise).
The named API endpoint ``/answer`` returns ``diseases``, ``advice``, ``answer``,
``evidence``: ``gradio_client.Client(url).predict(question, api_name="/answer")``.
"""
from __future__ import annotations

import gradio as gr

from rjua.errors import RJUAError
from rjua.service import DEMO_NOTE, MAX_QUESTION_CHARS, DemoService, consistency_note


def build_demo(service: DemoService, concurrency: int | None = None) -> gr.Blocks:
    """The Blocks app for one service (tests build it with their own service).

    ``concurrency``: answers computed at once (default 16 for the light case backend, 2 for models).
    """
    concurrency = concurrency or (16 if service.pipeline.backend.name == "case" else 2)

    def answer(question: str, progress=gr.Progress()):
        progress(0.1, desc="检索证据并生成回答 (retrieving evidence, generating)…")
        try:
            return service.answer(question)
        except RJUAError as e:
            raise gr.Error(str(e)) from None

    def render(payload):
        if not payload:
            return [], "", [], []
        items = [(d, "诊断") for d in payload["diseases"]] + [(a, "建议") for a in payload["advice"]]
        passages = []
        for i, p in enumerate(payload["evidence"]["passages"], 1):
            passages += [(f"[{i}] {p['id']} ", "段落")] + [tuple(x) for x in p["highlight"]] + [("\n\n", None)]
        cases = [[c["key"], f"{c['similarity']:.2f}", "、".join(c["diseases"]), c["question"][:80]]
                 for c in payload["evidence"]["similar_cases"]]
        return items, payload["answer"] + "\n\n" + consistency_note(payload), passages, cases

    def score(payload, key):
        if not payload or not key:
            return []
        try:
            res = service.score(payload, key)
        except RJUAError as e:
            raise gr.Error(str(e)) from None
        return res["rows"] + [["F1", f"disease {res['disease_f1']:.2f} · advice {res['advice_f1']:.2f}", res["match"]]]

    def pick(key):
        return service.records[key][1].question if key in service.records else gr.update()

    with gr.Blocks(title="rjua · RJUA-QA clinical reasoning demo") as demo:
        gr.Markdown("# rjua · 泌尿外科临床推理问答 (RJUA-QA)")
        gr.Markdown(DEMO_NOTE, elem_id="disclaimer")
        gr.Markdown(f"`{service.label}`", elem_id="backend-label")
        with gr.Row():
            with gr.Column(scale=3):
                question = gr.Textbox(label=f"患者问题 Patient question (≤ {MAX_QUESTION_CHARS} 字)", lines=5,
                                      max_lines=12, elem_id="question")
                with gr.Row():
                    submit = gr.Button("提交 Submit", variant="primary", elem_id="submit")
                    record = gr.Dropdown(choices=sorted(service.records), label="数据中的病例 Case from the data",
                                         value=None, elem_id="record")
                gr.Examples(examples=[[q] for q in service.examples()], inputs=[question], label="示例 Examples")
            with gr.Column(scale=4):
                items = gr.HighlightedText(label="诊断与建议 Diagnoses and advice", elem_id="items",
                                           color_map={"诊断": "red", "建议": "green"})
                reply = gr.Textbox(label="回答 Answer", lines=6, interactive=False, elem_id="answer")
        passages = gr.HighlightedText(label="证据：指南段落（匹配词高亮） Evidence: guideline passages", elem_id="passages",
                                      color_map={"匹配": "yellow", "段落": "blue"})
        cases = gr.Dataframe(headers=["case", "similarity", "diagnoses", "question"], label="相似病例 Similar cases",
                             interactive=False, elem_id="cases")
        scored = gr.Dataframe(headers=["kind", "item", "match"], label="与所选病例对照 Against the chosen case",
                              interactive=False, elem_id="scored")
        payload = gr.JSON(visible=False)
        record.change(pick, record, question, api_visibility="private")
        submit.click(answer, question, payload, api_name="answer", concurrency_limit=concurrency).then(
            render, payload, [items, reply, passages, cases], api_visibility="private").then(
            score, [payload, record], scored, api_visibility="private")
        question.submit(answer, question, payload, api_visibility="private", concurrency_limit=concurrency).then(
            render, payload, [items, reply, passages, cases], api_visibility="private")
    demo.queue(default_concurrency_limit=concurrency, max_size=256)
    return demo


demo = build_demo(DemoService.from_env())

if __name__ == "__main__":
    demo.launch(server_name="127.0.0.1")
