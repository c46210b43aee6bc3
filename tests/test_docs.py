"""The documentation stays true: its examples run, its links resolve, the CLI page matches the app.

* every ``>>>`` example in README.md, CONTRIBUTING.md and docs/*.md runs as a doctest;
* every shell block marked ``<!-- runnable -->`` (the line before a fenced ``bash`` block) runs with
  ``bash -e`` on the bundled sample, in the same temporary directory as the page's doctests and after them
  (so a page can write a file in Python and score it on the command line);
* every relative link and ``#anchor`` points at a file and a heading that exist;
* docs/cli.md is what ``python scripts/gen_cli_docs.py`` writes;
* the pages speak of the product: no issue numbers, machine paths or process notes, and test counts or
  timings of the suite only in docs/results.md.
"""
from __future__ import annotations

import doctest
import importlib.util
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md", *(ROOT / "docs").glob("*.md")])
IDS = [str(p.relative_to(ROOT)) for p in PAGES]
RUNNABLE = "<!-- runnable -->"
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def _closes(line: str, fence: str) -> bool:
    """Whether ``line`` closes a block opened by ``fence`` (same character, at least as long, no info)."""
    m = FENCE.match(line)
    return bool(m) and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end():].strip()


def _blocks(text: str):
    """Yield (info string, body, line number of the opening fence, previous non-blank line) per fenced block."""
    lines = text.splitlines()
    i, prev = 0, ""
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m:
            fence = m.group(1)
            start, info, body = i, lines[i][m.end():].strip(), []
            i += 1
            while i < len(lines) and not _closes(lines[i], fence):
                body.append(lines[i])
                i += 1
            yield info, "\n".join(body), start + 1, prev
            prev = ""
        elif lines[i].strip():
            prev = lines[i].strip()
        i += 1


def runnable_blocks(text: str) -> list[tuple[int, str]]:
    """The shell blocks marked runnable, as (line, script).

    >>> runnable_blocks("x\\n<!-- runnable -->\\n```bash\\necho hi\\n```\\n```bash\\nnot marked\\n```")
    [(3, 'echo hi')]
    """
    return [(line, body) for info, body, line, prev in _blocks(text)
            if prev == RUNNABLE and info.split()[:1] in (["bash"], ["sh"], ["console"])]


def outside_fences(text: str) -> list[str]:
    """The lines outside fenced blocks.

    >>> outside_fences("a\\n````md\\n```bash\\nx\\n```\\n````\\nb")
    ['a', 'b']
    """
    out, fence = [], None
    for line in text.splitlines():
        if fence is None and FENCE.match(line):
            fence = FENCE.match(line).group(1)
        elif fence is not None:
            fence = None if _closes(line, fence) else fence
        else:
            out.append(line)
    return out


def prose(text: str) -> str:
    """The text outside fenced blocks and inline code spans."""
    return "\n".join(re.sub(r"`[^`]*`", "", line) for line in outside_fences(text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading.

    >>> slug("## `rjua train run`"), slug("Real run: Qwen2.5 (CPU)"), slug("数据 and Data")
    ('rjua-train-run', 'real-run-qwen25-cpu', '数据-and-data')
    """
    text = re.sub(r"^#+\s*", "", heading.strip()).lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link in a heading keeps its text
    text = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LNM")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor a page offers: its headings (with GitHub's -1, -2 for repeats) and explicit ids."""
    text = path.read_text(encoding="utf-8")
    seen: dict[str, int] = {}
    found = set(re.findall(r'<a\s+(?:id|name)="([^"]+)"', text))
    for line in outside_fences(text):
        if re.match(r"^#{1,6}\s", line):
            base = slug(line)
            n = seen.get(base, 0)
            seen[base] = n + 1
            found.add(base if n == 0 else f"{base}-{n}")
    return found


LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_links_resolve(page: Path):
    text = page.read_text(encoding="utf-8")
    bad = []
    for target in LINK.findall(prose(text)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists() or ROOT not in (dest, *dest.parents):
            bad.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            bad.append(f"{target}: no heading with anchor #{anchor}")
    assert not bad, f"{page.relative_to(ROOT)}: broken links: {bad}"


def _shims(bin_dir: Path) -> dict[str, str]:
    """An environment where ``rjua`` and ``python`` are this checkout's, on the bundled sample."""
    bin_dir.mkdir()
    for name, cmd in (("rjua", f'"{sys.executable}" -m rjua.cli'), ("python", f'"{sys.executable}"')):
        shim = bin_dir / name
        shim.write_text(f'#!/bin/sh\nexec {cmd} "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "RJUA_DATA_DIR"}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONPATH=str(ROOT), RJUA_PROGRESS="0")
    return env


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    text = page.read_text(encoding="utf-8")
    blocks = runnable_blocks(text)
    if ">>>" not in text and not blocks:
        pytest.skip("no examples")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("RJUA_DATA_DIR", raising=False)
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {"__name__": "__docs__"}, page.name, str(page), 0)
    out: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=out.append)
    assert runner.failures == 0, "".join(out)
    env = _shims(tmp_path / "bin")
    for line, script in blocks:
        r = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=work, env=env,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"{page.name}:{line}: exit {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"


def test_cli_page_is_generated():
    spec = importlib.util.spec_from_file_location("gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == gen.render(), \
        "docs/cli.md is out of date: run python scripts/gen_cli_docs.py"


# What a reader of the product should never meet: issue numbers, this project's machines, process notes.
FORBIDDEN = [
    (re.compile(r"(?<![\w&/`])#\d{1,4}\b"), "an issue number"),
    (re.compile(r"/work/|/home/\w+|this machine|these shared cores|lent for", re.I), "a machine or its paths"),
    (re.compile(r"\basked for\b|\bnot yet traced\b|\bfor lack of CPU time\b|\bthe brief\b", re.I),
     "process talk"),
]
SUITE_FIGURES = re.compile(r"\b\d[\d,]*\s+tests\b.*\b(min|minutes|seconds|s)\b|\btests? in (about )?\w+ minutes", re.I)


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_pages_speak_of_the_product(page: Path):
    text = page.read_text(encoding="utf-8")
    bad = [f"{page.name}:{n}: {what}: {m.group(0)!r}"
           for n, line in enumerate(text.splitlines(), 1)
           for rx, what in FORBIDDEN for m in [rx.search(line)] if m]
    if page.name != "results.md":
        bad += [f"{page.name}:{n}: suite size or time (belongs in docs/results.md, dated)"
                for n, line in enumerate(prose(text).splitlines(), 1) if SUITE_FIGURES.search(line)]
    assert not bad, "\n".join(bad)


def test_every_page_is_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = {t.partition("#")[0] for t in LINK.findall(readme)}
    missing = [str(p.relative_to(ROOT)) for p in PAGES
               if p.name != "README.md" and str(p.relative_to(ROOT)) not in targets]
    assert not missing, f"pages not linked from README.md: {missing}"


def test_readme_is_a_front_door():
    data = (ROOT / "README.md").read_bytes()
    assert len(data.splitlines()) <= 200 and len(data) <= 20_000, (len(data.splitlines()), len(data))
