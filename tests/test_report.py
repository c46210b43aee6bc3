"""Reports stay openable and inert: long answers / items are cut with a marker, model text cannot inject HTML."""
import dataclasses

from rjua.data import load_split
from rjua.extract import Extraction
from rjua.report import MAX_ANSWER_CHARS, to_html, to_markdown
from rjua.scoring import gold_as_predictions, score_predictions

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
