"""The one YAML loader of rjua: ``yaml.safe_load`` with limits on size, aliases, expansion and nesting.

A few hundred bytes of nested aliases ("billion laughs") expand to gigabytes when printed or walked;
configs never need more than a handful of aliases, so more is refused with a one-line
:class:`~rjua.errors.RJUAError` naming the file (and line when YAML knows it).

>>> load_yaml("a: 1\\nb: [x, y]")
{'a': 1, 'b': ['x', 'y']}
>>> bomb = "a: &a [x, x]\\nb: &b [*a, *a]\\nc: &c [*b, *b]\\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]"
>>> len(load_yaml(bomb)["d"])
10
>>> load_yaml(bomb, "bomb.yaml", max_nodes=100)
Traceback (most recent call last):
rjua.errors.RJUAError: bomb.yaml: YAML expands to more than 100 nodes through aliases (limit 100)
>>> load_yaml("x: 1", "big.yaml", max_bytes=3)
Traceback (most recent call last):
rjua.errors.RJUAError: big.yaml: YAML document is 4 bytes (limit 3)
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import RJUAError

__all__ = ["MAX_ALIASES", "MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "load_yaml", "load_yaml_file"]

MAX_BYTES = 1_000_000   # rjua's configs are ~1 KB
MAX_ALIASES = 32        # alias uses (*name) in one document
MAX_NODES = 1000        # nodes once every alias is expanded (only checked when aliases are used)
MAX_DEPTH = 100         # nesting of mappings / sequences


def _loader(max_aliases: int, max_depth: int, where: str):
    import yaml

    class _Limited(yaml.SafeLoader):
        aliases = 0
        depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                _Limited.aliases += 1
                if _Limited.aliases > max_aliases:
                    mark = self.peek_event().start_mark
                    raise RJUAError(f"{where}:{mark.line + 1}: YAML uses more than {max_aliases} aliases "
                                    f"(limit {max_aliases})")
            _Limited.depth += 1
            try:
                if _Limited.depth > max_depth:
                    mark = self.peek_event().start_mark
                    raise RJUAError(f"{where}:{mark.line + 1}: YAML nested deeper than {max_depth} levels")
                return super().compose_node(parent, index)
            finally:
                _Limited.depth -= 1

    return _Limited


def _expanded_size(node, limit: int, where: str) -> int:
    """Nodes after expanding aliases (shared nodes counted once per use), stopping past ``limit``."""
    memo: dict[int, int] = {}

    def size(n) -> int:
        if id(n) in memo:
            return memo[id(n)]
        memo[id(n)] = 1  # a node inside itself (recursive alias) counts once: safe_load builds it as a cycle
        total = 1
        if isinstance(n.value, list):
            for item in n.value:
                total += sum(size(x) for x in item) if isinstance(item, tuple) else size(item)
                if total > limit:
                    raise RJUAError(f"{where}: YAML expands to more than {limit} nodes through aliases "
                                    f"(limit {limit})")
        memo[id(n)] = total
        return total

    return size(node)


def load_yaml(text: str, where: str = "<yaml>", max_bytes: int = MAX_BYTES, max_aliases: int = MAX_ALIASES,
              max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> Any:
    """Parse one YAML document safely (plain data only; limits as in the module doc)."""
    import yaml

    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise RJUAError(f"{where}: YAML document is {size} bytes (limit {max_bytes})")
    loader = _loader(max_aliases, max_depth, where)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if loader.aliases:
            _expanded_size(node, max_nodes, where)
        return loader.construct_document(node)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = str(getattr(e, "problem", None) or e).splitlines()[0][:200]
        raise RJUAError(f"{where}{line}: invalid YAML: {problem}") from None
    except RecursionError:
        raise RJUAError(f"{where}: YAML nested too deeply") from None
    finally:
        loader.dispose()


def load_yaml_file(path: str | Path, **limits) -> Any:
    """:func:`load_yaml` on a file; unreadable / non-UTF-8 files are a one-line error naming it."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > limits.get("max_bytes", MAX_BYTES):
            raise RJUAError(f"{p}: YAML document is {size} bytes (limit {limits.get('max_bytes', MAX_BYTES)})")
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise RJUAError(f"{p}: not UTF-8 (byte {e.start})") from None
    except OSError as e:
        raise RJUAError(f"{p}: cannot read: {e.strerror or e}") from None
    return load_yaml(text, str(p), **limits)
