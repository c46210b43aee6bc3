"""Reports stay openable and inert: long answers / items are cut with a marker, model text cannot inject HTML.
The HTML report (a Jinja template) carries every section the hand-formatted one did, with the same content."""
import dataclasses
import html
from html.parser import HTMLParser

from rjua.counts import count_lines, no_score_line
from rjua.data import load_split
from rjua.extract import Extraction
from rjua.report import MAX_ANSWER_CHARS, cut, to_html, to_markdown
from rjua.scoring import gold_as_predictions, per_disease_f1, score_predictions

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def hostile_result():
    gold = load_split("test")
    res = score_predictions(gold, gold_as_predictions(gold), n_resamples=20)
    r = res.records[0]
    huge = "尿" * 10_000_000  # a runaway 10 MB generation
    ex = Extraction(diseases=[XSS + "|**粗体**|", "结石" * 50_000] + [f"病{i}" for i in range(20_000)],
                    advices=["建议" * 100_000], disease_rule="x", advice_rule="x")
    res.records[0] = dataclasses.replace(r, answer=huge + XSS, extraction=ex, id="id|<b>x</b>")
    return res  # the reports below show every record (worst=200 > n)


def test_html_report_is_capped_and_escaped():
    page = to_html(hostile_result(), worst=200)
    assert len(page.encode("utf-8")) < 400_000, len(page)
    assert "… [cut " in page
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page


def test_markdown_report_is_capped_and_escapes_html_and_markdown():
    md = to_markdown(hostile_result(), worst=200)
    assert len(md.encode("utf-8")) < 200_000, len(md)
    assert "<script" not in md and "<img" not in md and "<b>" not in md
    assert "&lt;script&gt;" in md and "… [cut " in md
    row = next(line for line in md.splitlines() if "id\\|" in line)
    assert row.count(" | ") == 3  # pipes in ids / items are escaped: the table keeps four columns
    assert "\\*\\*粗体\\*\\*" in row


def test_short_answers_are_not_cut():
    gold = load_split("test")
    page = to_html(score_predictions(gold, gold_as_predictions(gold), n_resamples=20))
    assert "[cut " not in page and all(len(r.answer) < MAX_ANSWER_CHARS for r in gold)


def test_hostile_id_answer_and_label_are_escaped_everywhere():
    gold = load_split("test")
    gold[0] = dataclasses.replace(gold[0], id=XSS, diseases=[XSS, *gold[0].diseases])
    res = score_predictions(gold, [{"id": r.id, "answer": XSS + r.answer} for r in gold], n_resamples=20)
    page = to_html(res, worst=len(gold))
    assert "<script" not in page and "<img" not in page
    cells = Cells(page)
    assert XSS in cells.texts("td")  # the id cell shows the markup as text
    assert f"{cut(XSS, 40)} (n=1)" in cells.texts("text")  # so does the per-disease bar label (cut at 40)
    assert html.escape(XSS) in page and page.count("&lt;script&gt;") >= 3  # id, gold label, answer


class Cells(HTMLParser):
    """Text of every element of a page, by tag (nested text counts for each enclosing element; a table row's
    cells are joined with " ¦ ")."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.open: list[list] = []
        self.found: list[tuple[str, str]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):  # a row's text reads "¦ cell ¦ cell"
            self.handle_data(" ¦ ")
        if tag not in ("br", "meta", "rect"):
            self.open.append([tag, ""])

    def handle_endtag(self, tag):
        while self.open:
            t, text = self.open.pop()
            self.found.append((t, " ".join(text.split()).removeprefix("¦ ")))
            if t == tag:
                return

    def handle_data(self, data):
        for el in self.open:
            el[1] += data

    def texts(self, tag: str) -> list[str]:
        return [text for t, text in self.found if t == tag]


def _flagged_result():
    """The bundled test split answered with the next record's answer (every third its own, every fifth an error):
    counts, consistency and faithfulness flags, per-disease bars and worst records all have content."""
    g = load_split("test")
    rows = [{"id": r.id, "answer": "", "error": "HTTP 500"} if i % 5 == 0
            else {"id": r.id, "answer": g[i if i % 3 == 0 else (i + 1) % len(g)].answer} for i, r in enumerate(g)]
    return score_predictions(g, rows, n_resamples=20)


def test_html_report_keeps_the_sections_and_their_content():
    res = _flagged_result()
    s = res.summary
    assert s["consistency"]["any"]["records"] and s["faithfulness"]["any"]["records"] and s["n_errors"]
    cells = Cells(to_html(res))
    # the sections of the hand-formatted report, in its order
    assert cells.texts("h2") == ["Clinical consistency", "Faithfulness", "F1 per disease (most frequent gold labels)",
                                 "Worst records"]
    assert cells.texts("li") == [cut(x, 2000) for x in count_lines(s)] and no_score_line(s) == ""
    tds = cells.texts("tr")
    metric_rows = [" ¦ ".join(r) for r in _metric_rows_text(s)]
    assert all(r in tds for r in metric_rows), (metric_rows, tds)
    for key in ("consistency", "faithfulness"):
        c = s[key]
        p = next(x for x in cells.texts("p") if x.startswith(f"records flagged: {c['any']['records']}/{c['n']} "))
        assert f"({c['any']['record_rate']:.1%}), items flagged: {c['any']['items']}" in p
        for name, v in c["rules"].items():
            ref = f" ¦ {v['reference_rate']:.1%}" if "reference" in c else ""
            assert f"{name} ¦ {v['records']} ¦ {v['record_rate']:.1%} ¦ {v['items']}{ref}" in tds
    assert cells.texts("text") == [f"{cut(lab, 40)} (n={n})" if i % 2 == 0 else f"{f1:.2f}"
                                                for lab, n, f1 in per_disease_f1(res.records) for i in (0, 1)]
    worst = sorted(res.records, key=lambda r: (r.f1, r.id))[:10]
    rows = [t for t in tds if t.split(" ¦ ")[0] in {r.id for r in worst}]
    assert [t.split(" ¦ ")[:2] for t in rows] == [[r.id, f"{r.f1:.3f}"] for r in worst]
    flags = {f"⚠ {f.rule} {f.field}: {f.item}" for r in worst for f in (r.flags or []) + (r.faith_flags or [])}
    assert flags and all(any(f in t for t in rows) for f in flags)
    assert f"n = {s['n']}, match = {s['match']}, missing = 0." in cells.texts("p")[0]


def _metric_rows_text(s):
    micro = s["micro"]
    return [(k, f"{s[k]:.4f}", f"[{lo:.4f}, {hi:.4f}]", f"{micro[k]:.4f}" if k in micro else "—")
            for k, (lo, hi) in s["ci95"].items()]


def test_html_report_without_a_score_says_so():
    g = load_split("test")
    res = score_predictions(g, [{"id": r.id, "answer": "", "error": "timeout"} for r in g], n_resamples=20)
    cells = Cells(to_html(res))
    assert f"{no_score_line(res.summary)}." in cells.texts("b") and cells.texts("li") == count_lines(res.summary)
