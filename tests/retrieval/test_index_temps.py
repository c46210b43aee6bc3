"""Killed index builds leave temporary folders; the next build of that index removes the stale ones."""
import os
import subprocess
import sys

from rjua.retrieval.build import build_retriever


def test_stale_temp_folders_of_killed_builds_are_cleaned(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = tmp_path / f".idx.tmp-{dead}-0a1b2c3d"
    stale.mkdir()
    (stale / "passages.jsonl").write_text("x" * 1000)
    old = tmp_path / f".idx.old-{dead}-0a1b2c3d"
    old.mkdir()
    live = tmp_path / f".idx.tmp-{os.getpid()}-feedbeef"  # a build still running (this process): kept
    live.mkdir()
    other = tmp_path / f".other.tmp-{dead}-0a1b2c3d"  # another index's: not ours to judge here
    other.mkdir()
    r, info = build_retriever(None)
    r.save(tmp_path / "idx", info)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([".other.tmp-" + other.name.split("tmp-")[1], live.name, "idx"])
