"""Markdown and self-contained HTML reports of a :class:`rjua.scoring.ScoreResult`.

All model text is untrusted: the HTML (a Jinja template, autoescape on) escapes every string it shows, the
Markdown escapes HTML and Markdown syntax (:func:`md_escape`), and long items / answers are cut with a visible
marker (:func:`cut`) so a runaway generation cannot make a report too big to open.

>>> from rjua.scoring import score_predictions, gold_as_predictions
>>> from rjua.data import load_split
>>> g = load_split("test"); res = score_predictions(g, gold_as_predictions(g), n_resamples=50)
>>> "| disease_f1 |" in to_markdown(res)
True
"""
from __future__ import annotations

import functools
import html
import json
import re

import jinja2

from .counts import count_lines, no_score_line
from .errors import RJUAError
from .scoring import ScoreResult, per_disease_f1, subset_note

__all__ = ["FORMATS", "MAX_ANSWER_CHARS", "MAX_ITEMS_CHARS", "NOT_ADVICE", "cut", "md_escape", "render",
           "render_template", "to_html", "to_markdown", "to_text"]

FORMATS = ("text", "json", "md", "html")

NOT_ADVICE = "研究用途，不构成医疗建议 (research use only; not medical advice)."
MAX_ANSWER_CHARS = 3000  # an answer shown in a report
MAX_ITEMS_CHARS = 300    # a joined list of diagnoses / advice, an id, a label
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # inline Markdown syntax that matters inside a table cell


def cut(text: str, limit: int) -> str:
    """``text`` up to ``limit`` characters, then a visible marker saying how much was cut.

    >>> cut("前列腺增生" * 3, 5)
    '前列腺增生… [cut 10 chars]'
    >>> cut("short", 10)
    'short'
    """
    text = text or ""
    return text if len(text) <= limit else f"{text[:limit]}… [cut {len(text) - limit} chars]"


def md_escape(text: str, limit: int = MAX_ITEMS_CHARS) -> str:
    """Model text for a Markdown table cell: cut, HTML escaped, Markdown syntax backslashed, one line.

    >>> print(md_escape("<script>alert(1)</script> | **x**"))
    &lt;script&gt;alert(1)&lt;/script&gt; \\| \\*\\*x\\*\\*
    """
    text = text or ""
    t = _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", html.escape(text[:limit], quote=False)))
    return t + (f"… [cut {len(text) - limit} chars]" if len(text) > limit else "")


def _metric_rows(s: dict) -> list[tuple[str, str, str, str]]:
    """(name, macro, CI, micro) cells of every metric in the summary (registration order; '—' without micro)."""
    micro = s.get("micro", {})
    return [(k, f"{s[k]:.4f}", f"[{lo:.4f}, {hi:.4f}]", f"{micro[k]:.4f}" if k in micro else "—")
            for k, (lo, hi) in s["ci95"].items()]


def to_text(summary: dict) -> str:
    """The compact text table ``rjua score`` and ``rjua eval`` print: headline, counts, one line per metric.

    >>> from rjua.data import load_split
    >>> from rjua.scoring import gold_as_predictions, score_predictions
    >>> g = load_split("test")
    >>> print(to_text(score_predictions(g, gold_as_predictions(g), n_resamples=10).summary))  # doctest: +ELLIPSIS
    n=14 match=exact
    errored rows: 0
    unread answers (nothing extracted): disease 0 of 14; advice 0 of 14
    disease_f1  1.0000  95% CI [1.0000, 1.0000]  micro 1.0000
    ...
    """
    s = summary
    rows = [f"n={s['n']} match={s['match']}"]
    if s.get("only_predicted"):
        rows.append(f"note: {s['note']}")
    rows += count_lines(s)
    if no_score_line(s):
        rows.append(no_score_line(s))
    for k, (lo, hi) in s["ci95"].items():  # every registered metric (rjua.metrics.METRICS)
        micro = f"{s['micro'][k]:.4f}" if k in s["micro"] else "—"
        rows.append(f"{k:<11} {s[k]:.4f}  95% CI [{lo:.4f}, {hi:.4f}]  micro {micro}")
    rows += _extra_text(s)
    return "\n".join(rows)


def _extra_text(s: dict) -> list[str]:
    rows = []
    if s.get("consistency") and s["consistency"].get("n"):
        c = s["consistency"]
        per_rule = ", ".join(f"{k} {v['records']}" for k, v in c["rules"].items() if v["records"])
        rows.append(f"consistency: {c['any']['records']} record(s) flagged ({c['any']['record_rate']:.1%})"
                    + (f"; {per_rule}" if per_rule else ""))
    if s.get("faithfulness") and s["faithfulness"].get("n"):
        f = s["faithfulness"]
        per_rule = ", ".join(f"{k} {v['records']} (reference {v['reference_rate']:.1%})"
                             for k, v in f["rules"].items() if v["records"])
        rows.append(f"faithfulness: {f['any']['records']} record(s) flagged ({f['any']['record_rate']:.1%}; "
                    f"reference answers {f['reference']['record_rate']:.1%})" + (f"; {per_rule}" if per_rule else ""))
    if s.get("text_metrics"):
        t = s["text_metrics"]
        lo, hi = t["char_bleu_ci95"]
        rows.append(f"char_bleu   {t['char_bleu']:.4f}  95% CI [{lo:.4f}, {hi:.4f}]"
                    f"  corpus {t['corpus_char_bleu']:.4f}")
        if "bertscore_f" in t:
            rows.append(f"bertscore_f {t['bertscore_f']:.4f}  95% CI [{t['bertscore_f_ci95'][0]:.4f}, "
                        f"{t['bertscore_f_ci95'][1]:.4f}]  ({t['bertscore_model']})")
    if s.get("llm_extraction"):
        x = s["llm_extraction"]
        agree = x["agreement"]
        rows.append(f"llm extraction ({x['backend']}:{x['model']}, {x['prompt_version']}): {x['n']} records, "
                    f"{x['n_errors']} errors; same items as the rules: disease {agree['disease']['identical']:.3f}"
                    f", advice {agree['advice']['identical']:.3f}")
    if s.get("judge"):
        j = s["judge"]["judge"]
        rows.append(f"judge ({s['judge']['judge_model']}): diagnosis {j['diagnosis_acc']:.4f}  "
                    f"advice {j['advice_acc']:.4f}"
                    f"  both {j['both_acc']:.4f}  ({j['n_errors']} errors)")
    return rows


def render(res: ScoreResult, fmt: str = "text") -> str:
    """A score in one of :data:`FORMATS` (``json`` is the summary dict).

    >>> from rjua.data import load_split
    >>> from rjua.scoring import gold_as_predictions, score_predictions
    >>> g = load_split("test"); res = score_predictions(g, gold_as_predictions(g), n_resamples=10)
    >>> [render(res, f).splitlines()[0][:12] for f in FORMATS]
    ['n=14 match=e', '{', '# RJUA-QA sc', '<!doctype ht']
    """
    if fmt not in FORMATS:
        raise RJUAError(f"unknown --format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if fmt == "json":
        return json.dumps(res.summary, ensure_ascii=False, indent=2)
    return {"text": lambda: to_text(res.summary), "md": lambda: to_markdown(res), "html": lambda: to_html(res)}[fmt]()


def to_markdown(res: ScoreResult, worst: int = 5) -> str:
    """A Markdown summary table (macro, micro, 95% CI) plus the worst records."""
    s = res.summary
    lines = [f"# RJUA-QA scores (n = {s['n']}, match = {s['match']})", ""]
    lines += [f"- {md_escape(x, 2000)}" for x in count_lines(s)]
    if no_score_line(s):
        lines += ["", f"**{no_score_line(s)}.**"]
    else:
        lines += ["", "| metric | macro | 95% CI | micro |", "| --- | --- | --- | --- |"]
        lines += [f"| {' | '.join(row)} |" for row in _metric_rows(s)]
    if s.get("n_missing"):
        lines += ["", f"{s['n_missing']} record(s) had no prediction and scored 0."]
    if subset_note(s):
        lines += ["", f"**Note: {subset_note(s)}.**"]
    lines += consistency_markdown(s.get("consistency"))
    lines += faithfulness_markdown(s.get("faithfulness"))
    lines += ["", "## Worst records", "", "| id | F1 | gold diseases | predicted diseases |",
              "| --- | --- | --- | --- |"]
    esc = md_escape
    for r in sorted(res.records, key=lambda r: (r.f1, r.id))[:worst]:
        lines.append(f"| {esc(r.id)} | {r.f1:.3f} | {esc('、'.join(r.gold.diseases))} | "
                     f"{esc('、'.join(r.extraction.diseases)) or '—'} |")
    return "\n".join(lines) + "\n"


def consistency_markdown(c: dict | None, title: str = "Clinical consistency") -> list[str]:
    """Markdown lines of a flag summary (rules of :mod:`rjua.consistency`, or of :mod:`rjua.faithfulness` with
    a ``reference rate`` column: the rule's rate on the doctors' own answers)."""
    if not c:
        return []
    ref = "reference" in c
    head = (f"## {title} (records flagged: {c['any']['records']}/{c['n']}"
            f" = {c['any']['record_rate']:.1%}, items {c['any']['items']}"
            + (f"; reference answers {c['reference']['record_rate']:.1%}" if ref else "") + ")")
    lines = ["", head, "", "| rule | records flagged | rate | items flagged |" + (" reference rate |" if ref else ""),
             "| --- | --- | --- | --- |" + (" --- |" if ref else "")]
    for name, v in c["rules"].items():
        lines.append(f"| {name} | {v['records']} | {v['record_rate']:.1%} | {v['items']} |"
                     + (f" {v.get('reference_rate', 0.0):.1%} |" if ref else ""))
    return lines


def faithfulness_markdown(c: dict | None) -> list[str]:
    """Markdown lines of the faithfulness summary (rules of :mod:`rjua.faithfulness`)."""
    return consistency_markdown(c, "Faithfulness")


@functools.cache
def _environment() -> jinja2.Environment:
    """The Jinja environment of the report templates (rjua/templates), autoescape on, built once."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("rjua", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters.update(cut=cut, fmt=format, joined=lambda xs, limit: cut("、".join(xs), limit),
                       verdict=lambda x: "—" if x is None else ("✓" if x else "✗"))
    return env


def render_template(name: str, **context) -> str:
    """Render the packaged template ``rjua/templates/NAME`` (autoescape on: every value is escaped).

    >>> judge = {"n": 0, "n_judged": 0, "errors": {}, "diagnosis_acc": 0, "advice_acc": 0, "both_acc": 0}
    >>> render_template("judge_agreement.html.j2", s={"judge": judge, "mean_f1": {}, "kappa": {}},
    ...                 records=[]).count("<h2>")
    3
    """
    return _environment().get_template(name).render(**context)


def to_html(res: ScoreResult, worst: int = 10) -> str:
    """A self-contained HTML report (template ``rjua/templates/report.html.j2``, every value escaped): counts,
    the metric table with 95% CIs, consistency and faithfulness flags, per-disease F1 bars, the worst records
    side by side.

    >>> from rjua.data import load_split
    >>> from rjua.scoring import gold_as_predictions, score_predictions
    >>> g = load_split("test"); page = to_html(score_predictions(g, gold_as_predictions(g), n_resamples=10))
    >>> page.startswith("<!doctype html>"), "<td>disease_f1</td>" in page, "<h2>Worst records</h2>" in page
    (True, True, True)
    """
    s = res.summary
    flag_sections = [(t, s[k]) for t, k in (("Clinical consistency", "consistency"), ("Faithfulness", "faithfulness"))
                     if s.get(k)]
    ranked = sorted(res.records, key=lambda r: (r.f1, r.id))[:worst]
    return render_template(
        "report.html.j2", s=s, not_advice=NOT_ADVICE, subset_note=subset_note(s), counts=count_lines(s),
        no_score=no_score_line(s), metric_rows=_metric_rows(s), flag_sections=flag_sections,
        bars=per_disease_f1(res.records), bar_width=360, item_chars=MAX_ITEMS_CHARS, answer_chars=MAX_ANSWER_CHARS,
        worst=[(r, (getattr(r, "flags", None) or []) + (getattr(r, "faith_flags", None) or [])) for r in ranked])
