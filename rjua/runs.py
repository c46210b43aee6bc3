"""Whole-split runs: resumable JSON Lines writer, manifests, predict and eval.

``predict`` appends one line per record and flushes it, so a crash or Ctrl-C loses
nothing; running the same command again skips the ids already written. The run
configuration is kept in ``<out>.manifest.json``; resuming with a different one is
refused unless ``overwrite``. A torn last line (killed mid-write) is dropped and redone; rows
written with an error are redone (``retry_errors``); any other foreign content is refused. Each
output is locked for the whole run (:mod:`rjua.locks`), so two runs never write the same file.

>>> import tempfile, os
>>> out = os.path.join(tempfile.mkdtemp(), "p.jsonl")
>>> rows = predict_split("test", out, progress=False)
>>> len(rows) == len(open(out).read().splitlines())
True
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from .data import GoldSnapshot, SplitFiles, subset_records
from .errors import RJUAError, RJUAFormatError
from .jsonio import atomic_write_text, iter_json_lines, read_json_file
from .locks import output_lock
from .metrics import MATCH_MODES
from .outputs import check_output
from .pipeline import build_pipeline
from .plan import RunPlan, manifest, resolve
from .progress import Progress
from .report import to_html, to_markdown
from .scoring import load_predictions, score_predictions
from .spec import RunSpec

__all__ = ["MANIFEST_SUFFIX", "RunSpec", "check_run_manifest", "default_run_dir", "eval_split", "make_dirs",
           "point_latest", "predict_split", "read_done", "run_config"]

MANIFEST_SUFFIX = ".manifest.json"


def _refuse(path, line, field, reason) -> RJUAFormatError:
    return RJUAFormatError(str(path), line, field, f"{reason}; refusing to resume (use --overwrite or another --out)")


def read_done(path: Path, ids: Collection[str] | None = None, retry_errors: bool = False) -> dict[str, dict]:
    """Rows already written, by id, through the shared guarded reader (:mod:`rjua.jsonio`).

    A torn last line (killed mid-write) is cut. Anything else that is not one JSON object with an ``id``
    per line (a JSON array, non-UTF-8, a line without id, an id not in ``ids``) is refused naming file
    and line. Several rows for one id keep the last good one; ``retry_errors`` also drops rows with an
    ``error`` so they are redone. When rows are dropped the file is rewritten (atomically) so it keeps
    exactly one row per id.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "p.jsonl"
    >>> _ = p.write_text('{"id": "1", "error": "timeout"}\\n{"id": "2"}\\n{"id": "1"}\\n{"id": "3", "error": "x"}\\n')
    >>> sorted(read_done(p, retry_errors=True)), len(p.read_text().splitlines())
    (['1', '2'], 2)
    """
    path = Path(path)
    if not path.exists():
        return {}
    if path.is_dir():
        raise RJUAError(f"{path}: is a directory, expected a JSON Lines file")
    data = _cut_torn_tail(path)
    rows: dict[str, dict] = {}
    n_rows = 0
    for line, obj, prob in iter_json_lines(str(path), data):
        rid = _row_id(path, line, obj, prob, ids)
        n_rows += 1
        old = rows.get(rid)
        if old is None or old.get("error") or not obj.get("error"):
            rows[rid] = obj
    if retry_errors:
        rows = {k: v for k, v in rows.items() if not v.get("error")}
    if len(rows) != n_rows:
        # the file itself is rewritten, not a symlink to it
        atomic_write_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows.values()))
    return rows


def _cut_torn_tail(path: Path) -> bytes:
    """The file's bytes up to its last newline; a torn tail (killed mid-write) is cut from the file too."""
    data = path.read_bytes()
    keep = data.rfind(b"\n") + 1
    if keep < len(data):
        with open(path, "r+b") as f:
            f.truncate(keep)
    return data[:keep]


def _row_id(path: Path, line: int, obj, prob, ids: Collection[str] | None) -> str:
    """The id of one written row; anything but one JSON object with a known id is refused naming the line."""
    if prob is not None:
        raise _refuse(prob.path, prob.line, prob.field, prob.reason)
    if not isinstance(obj, dict):
        raise _refuse(path, line, None, f"expected one JSON object per line, got {type(obj).__name__}")
    rid = obj.get("id")
    if not isinstance(rid, (str, int)) or isinstance(rid, bool) or not str(rid).strip():
        raise _refuse(path, line, "id", "missing field" if "id" not in obj else f"not an id: {rid!r}")
    rid = str(rid)
    if ids is not None and rid not in ids:
        raise _refuse(path, line, "id", f"id {rid!r} is not in the records of this run")
    return rid


def check_run_manifest(out: Path, config: dict[str, Any], overwrite: bool) -> None:
    """Write the run manifest; refuse to append to output made with another configuration, naming the fields.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "p.jsonl"
    >>> check_run_manifest(out, {"n_cases": 10, "k": 5}, False); _ = out.write_text("")
    >>> check_run_manifest(out, {"n_cases": 5, "k": 5}, False)
    Traceback (most recent call last):
    rjua.errors.RJUAError: ...p.jsonl was written with a different configuration (differs in: n_cases); ...
    """
    out = Path(out)
    man = Path(str(out) + MANIFEST_SUFFIX)
    if out.is_dir():
        raise RJUAError(f"{out}: is a directory; --out must name a file")
    if overwrite:
        out.unlink(missing_ok=True)
    elif out.exists():
        if not man.is_file():
            raise RJUAError(f"{out} exists but has no manifest ({man.name}), so it is not an rjua run output;"
                            " refusing to resume (use --overwrite or another --out)")
        m = read_json_file(man)
        if not isinstance(m, dict) or not isinstance(m.get("config"), dict):
            raise RJUAFormatError(str(man), None, "config", "not an rjua run manifest; refusing to resume"
                                  " (use --overwrite or another --out)")
        old = m["config"]
        if old != config:
            diff = sorted(k for k in set(config) | set(old) if old.get(k) != config.get(k))
            raise RJUAError(f"{out} was written with a different configuration (differs in: {', '.join(diff)});"
                            " use --overwrite or another --out")
    atomic_write_text(man, json.dumps({"config": config, "updated": time.strftime("%Y-%m-%dT%H:%M:%S")},
                                      ensure_ascii=False, indent=2))


def run_config(split: str, data_dir, backend: str, model: str | None, context: str, pool, embedder, index,
               extra: dict | None = None) -> dict[str, Any]:
    """What identifies a run (model names, data hashes); never holds secrets (:func:`rjua.plan.manifest`).

    >>> c = run_config("test", None, "case", None, "none", None, None, None, {"limit": 2})
    >>> c["context"], c["pool"], c["limit"], c["backend_options"]
    ('none', ['valid'], 2, {})
    """
    return manifest(resolve(RunSpec.from_options(backend, model, context, pool, embedder, index), split, data_dir),
                    extra)


def make_dirs(d: Path, what: str = "--out") -> None:
    """``mkdir -p d``, with a one-line bad-input error when a part of the path is a file (was a raw errno, exit 1).

    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "f"
    >>> _ = f.write_text("x")
    >>> make_dirs(f / "run")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rjua.errors.RJUAError: --out: .../f is a file, not a directory; choose another path
    """
    for parent in [d, *d.parents]:
        if parent.exists():
            if not parent.is_dir():
                raise RJUAError(f"{what}: {parent} is a file, not a directory; choose another path")
            break
    try:
        d.mkdir(parents=True, exist_ok=True)
    except (OSError, RecursionError) as e:  # pathlib recurses on a parent that keeps failing (e.g. in /proc)
        raise RJUAError(f"{what}: cannot create the directory {d} ({e.strerror or e})") from None


def _check_counts(**kw: int | None) -> None:
    for name, v in kw.items():
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
            raise RJUAError(f"--{name.replace('_', '-')} must be a whole number >= 1, got {v!r}")


def predict_split(split: str, out: str | os.PathLike, data_dir=None, backend: str = "case", model: str | None = None,
                  context: str = "retrieved", pool: Sequence[str] | None = None, embedder: str | None = None,
                  index=None, overwrite: bool = False, batch_size: int = 8, limit: int | None = None,
                  progress: bool | None = None, backend_options: dict | None = None, context_tokens: int | None = None,
                  on_batch: Callable[[int, int], None] | None = None, retry_errors: bool = True,
                  kb_splits: Sequence[str] | str | None = None, spec: RunSpec | None = None,
                  subset: str | None = None, gold: GoldSnapshot | None = None,
                  plan: RunPlan | None = None) -> list[dict]:
    """Predict every record of ``split`` into ``out`` (JSON Lines), resuming where it stopped.

    The settings come from ``spec`` (:class:`~rjua.spec.RunSpec`), or else from the keyword
    arguments; resuming with any other setting is refused naming it. ``out`` is locked for the
    whole run (a second writer gets :class:`~rjua.locks.OutputLockedError`); rows written with an
    ``error`` are redone on resume unless ``retry_errors=False``. ``subset`` (``train`` / ``heldout``)
    keeps only that part of the training recipes' fixed internal split
    (:func:`rjua.data.subset_records`), before ``limit``. ``gold``: the split already read once
    (:class:`~rjua.data.GoldSnapshot`; its hash is what the manifest records); ``plan``: the whole run
    already worked out (:func:`rjua.plan.resolve`: its spec and data win over the arguments). ``out`` is
    refused when it is an input or lies in the data directory (:func:`rjua.outputs.check_output`); a row that
    cannot be written, or an output deleted or replaced during the run, ends the run with an error naming the
    file.

    >>> import tempfile
    >>> out = os.path.join(tempfile.mkdtemp(), "p.jsonl")
    >>> _ = predict_split("test", out, limit=2, progress=False, spec=RunSpec(n_cases=5))
    >>> predict_split("test", out, limit=2, progress=False, spec=RunSpec(n_cases=6))
    Traceback (most recent call last):
    rjua.errors.RJUAError: ... was written with a different configuration (differs in: n_cases, retrieval); ...
    """

    _check_counts(batch_size=batch_size, limit=limit, context_tokens=context_tokens)
    if plan is not None:
        spec, data_dir = plan.spec, plan.data
    elif spec is None:
        spec = RunSpec.from_options(backend, model, context, pool, embedder, index, backend_options, kb_splits,
                                    context_tokens=context_tokens)
    out = check_output(out, data_dir=data_dir)
    check_output(Path(str(out) + MANIFEST_SUFFIX), data_dir=data_dir, what="--out's manifest")
    if out.is_dir():
        raise RJUAError(f"{out}: is a directory; --out must name a file")
    make_dirs(out.parent)
    if plan is None:  # the split read and hashed once, the index manifest read once
        plan = resolve(spec, split, data_dir, gold)
    records = list(plan.gold.records)
    if subset not in (None, "all"):
        records = subset_records(records, subset)
    records = records[:limit] if limit else records
    config = manifest(plan, _extra(limit, subset))
    with output_lock(out):
        check_run_manifest(out, config, overwrite)
        done = read_done(out, {r.id for r in records}, retry_errors)
        todo = [r for r in records if r.id not in done]
        bar = Progress(len(records), len(done), desc="predict", unit="records", enabled=progress)
        if todo:
            bar.note(f"loading the {spec.backend} pipeline ({spec.context} context)")
            pipe = build_pipeline(plan=plan)
            step = max(batch_size, getattr(pipe.backend, "concurrency", 1))  # keep every request slot busy
            _predict_into(out, pipe, todo, step, done, bar, lambda: on_batch and on_batch(len(done), len(records)))
        bar.close()
    return [done[r.id] for r in records if r.id in done]


def _extra(limit: int | None, subset: str | None) -> dict[str, Any]:
    return {"limit": limit, **({"subset": subset} if subset not in (None, "all") else {})}


def default_run_dir(split: str, spec: RunSpec | None = None, data_dir=None, limit: int | None = None,
                    subset: str | None = None, root: str | os.PathLike = "runs", plan: RunPlan | None = None) -> Path:
    """``root/<split>-<backend>-<short hash of the run manifest>``: one folder per configuration.

    >>> a, b = default_run_dir("test"), default_run_dir("test", RunSpec(n_cases=5))
    >>> a.parent.name, a.name.startswith("test-case-"), a == default_run_dir("test"), a == b
    ('runs', True, True, False)
    """
    plan = resolve(spec or RunSpec(), split, data_dir) if plan is None else plan
    config = manifest(plan, _extra(limit, subset))
    config.pop("data_file", None)  # the same data elsewhere is the same configuration
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:8]
    return Path(root) / f"{split}-{plan.spec.backend}-{digest}"


def point_latest(run_dir: str | os.PathLike, name: str = "latest") -> Path | None:
    """Point ``<parent>/latest`` at ``run_dir`` (a relative symlink; a ``latest.txt`` pointer file where links
    cannot be made). A real directory already named ``latest`` (an older layout) is left alone: returns None.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()); (root / "a").mkdir(); (root / "b").mkdir()
    >>> _ = point_latest(root / "a"); _ = point_latest(root / "b")
    >>> (root / "latest").resolve() == (root / "b").resolve()
    True
    """
    run_dir = Path(run_dir)
    link = run_dir.parent / name
    if link.exists() and not link.is_symlink():
        return None
    tmp = run_dir.parent / f".{name}.{os.getpid()}"
    try:
        tmp.unlink(missing_ok=True)
        os.symlink(run_dir.name, tmp, target_is_directory=True)
        os.replace(tmp, link)
        return link
    except OSError:
        tmp.unlink(missing_ok=True)
        ptr = run_dir.parent / f"{name}.txt"
        atomic_write_text(ptr, run_dir.name + "\n")
        return ptr


def _still_there(out: Path, f) -> None:
    """Refuse to go on (or to report success) when ``out`` was deleted or replaced while being written."""
    try:
        same = os.path.samestat(os.fstat(f.fileno()), os.stat(out))
    except OSError:
        same = False
    if not same:
        raise RJUAError(f"{out}: was deleted or replaced during the run, so the rows written are lost;"
                        " run the command again")


def _predict_into(out: Path, pipe, todo, batch_size: int, done: dict, bar, after_batch) -> None:
    """Append each prediction to ``out`` (flushed and synced), checking after each batch that it is still there."""
    with open(out, "a", encoding="utf-8") as f:
        for s in range(0, len(todo), batch_size):
            batch = todo[s:s + batch_size]
            for pred in pipe.answer_many([(r.question, r) for r in batch]):
                row = pred.to_json()
                try:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
                except OSError as e:
                    raise RJUAError(f"{out}: cannot write ({e.strerror or e}); the rows written before are kept,"
                                    " run the command again to resume") from None
                done[row["id"]] = row
            _still_there(out, f)
            bar.update(len(batch))
            after_batch()


def eval_split(split: str, run_dir: str | os.PathLike, data_dir=None, match: str = "exact", resamples: int = 1000,
               errors_as_zero: bool = False, plan: RunPlan | None = None, **predict_kw) -> dict[str, Any]:
    """Predict then score; writes predictions, scores, reports and the configuration into ``run_dir``.

    The run directory is locked for the whole run. The gold split is read and hashed once
    (:class:`~rjua.data.GoldSnapshot`): the predictions, the recorded ``data_sha256`` and the scores all come
    from those bytes, whatever happens to the file meanwhile. With ``limit`` only the predicted records are
    scored and the summary says so (``"subset": "5 of 14"``). Rows written with an error (a failed
    request) are excluded from the score and counted in every output, or scored 0 with ``errors_as_zero``.
    The data directory is resolved and listed once (:class:`~rjua.data.SplitFiles`) for the whole run;
    ``plan``: the run already worked out (:func:`rjua.plan.resolve`), whose gold split and data are used.
    """

    _check_counts(resamples=resamples)
    if match not in MATCH_MODES:  # before predicting, not after the whole split
        raise RJUAError(f"unknown match mode {match!r}; choose one of: {', '.join(MATCH_MODES)}")
    data = SplitFiles.of(data_dir if plan is None else plan.data)
    d = check_output(run_dir, data_dir=data)
    if d.exists() and not d.is_dir():
        raise RJUAError(f"{d}: is a file; --out of eval must name a run directory")
    # read and hashed once: predicted, recorded and scored alike
    gold = GoldSnapshot.read(split, data) if plan is None else plan.gold
    make_dirs(d)
    with output_lock(d):
        t0 = time.perf_counter()
        predict_split(split, d / "predictions.jsonl", data, gold=gold, plan=plan, **predict_kw)
        seconds = time.perf_counter() - t0
        part = bool(predict_kw.get("limit") or predict_kw.get("subset") not in (None, "all"))
        res = score_predictions(list(gold.records), load_predictions(d / "predictions.jsonl"), match=match,
                                n_resamples=resamples, only_predicted=part, errors_as_zero=errors_as_zero)
        res.summary["predict_seconds"] = round(seconds, 2)
        _write(d / "scores.json", json.dumps(res.summary, ensure_ascii=False, indent=2))
        _write(d / "report.md", to_markdown(res))
        _write(d / "report.html", to_html(res))
        _write(d / "per_sample.jsonl", res.per_sample_jsonl())
        man = read_json_file(Path(str(d / "predictions.jsonl") + MANIFEST_SUFFIX))
        _write(d / "config.json",
               json.dumps({**man, "match": match, "resamples": resamples, "errors_as_zero": errors_as_zero},
                          ensure_ascii=False, indent=2))
    return res.summary


_write = atomic_write_text  # run-directory files are replaced whole
