"""Rule patterns run on NFKC text, where the full-width comma and semicolon become ASCII (，→, ；→;): a negated
character class meant to stay inside a clause must stop at both forms, or it reaches across clauses."""
import pathlib
import re

import rjua

_CLASS = re.compile(r"\[\^([^\]\\]*(?:\\.[^\]\\]*)*)\]")


def _leaky(source: str) -> list[str]:
    return [m.group() for m in _CLASS.finditer(source)
            if ("，" in m.group(1) and "," not in m.group(1)) or ("；" in m.group(1) and ";" not in m.group(1))]


def test_the_checker_finds_a_leaky_class():
    assert _leaky(r'r"尿道[^，。；]{0,4}狭窄"') == ["[^，。；]"]
    assert _leaky(r'r"尿道[^，,。；;]{0,4}狭窄"') == []


def test_no_rule_pattern_crosses_an_ascii_comma():
    root = pathlib.Path(rjua.__file__).parent
    leaks = {str(p.relative_to(root)): found for p in sorted(root.rglob("*.py")) if (found := _leaky(p.read_text()))}
    assert leaks == {}
