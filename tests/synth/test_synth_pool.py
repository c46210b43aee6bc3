"""Synthesis cannot leak the evaluated records: the taxonomy pool is the training part; a majority of the strong
solver's samples must recover the diagnosis."""
import json

from rjua.backends.scripted import ScriptedBackend
from rjua.data import internal_split, load_all
from rjua.kb import passage_id
from rjua.synth import make_seeds, run_synth
from rjua.synth.pipeline import Synthesizer, parse_case, pool_records


def test_no_evaluated_diagnosis_or_passage_reaches_a_seed():
    splits = load_all()
    train, held = internal_split(splits["valid"])
    train_dis = {d for r in train for d in r.diseases}
    train_pas = {passage_id(t) for r in train for t in r.passages}
    evaluated = held + [r for s, recs in splits.items() if s != "valid" for r in recs]
    only_eval_dis = {d for r in evaluated for d in r.diseases} - train_dis
    only_eval_pas = {passage_id(t) for r in evaluated for t in r.passages} - train_pas
    assert only_eval_dis and only_eval_pas  # the sample data has something to leak
    syn = Synthesizer(ScriptedBackend(lambda r: ""), None)
    seeds = make_seeds(syn.taxonomy, 200, seed=3)
    assert {s.disease for s in seeds} <= train_dis and not {s.disease for s in seeds} & only_eval_dis
    assert {s.distractor for s in seeds} - {""} <= train_dis
    pids = {p for s in seeds for p in s.passage_ids}
    assert pids <= train_pas and not pids & only_eval_pas
    assert set(syn.taxonomy.diseases) == {d for d in train_dis if syn.taxonomy.passages.get(d)}
    # the old behaviour, asked for explicitly: every split, whole
    everything = Synthesizer(ScriptedBackend(lambda r: ""), None, pool=list(splits), pool_part="all")
    assert set(everything.taxonomy.diseases) & only_eval_dis


class SeededSolver(ScriptedBackend):
    """Right on the samples whose seed is in ``right`` (the synthesizer varies ``seed`` per sample)."""

    def __init__(self, right, targets):
        self.seed, self.right, self.seeds_seen = 0, right, []
        super().__init__(lambda req: f"诊断：{targets.get(req.question, '') if self.seed in self.right else '不知道'}"
                                     "\n建议：复查")

    def generate(self, requests):
        self.seeds_seen.append(self.seed)
        return super().generate(requests)


def _run(tmp_path, right):
    pool = pool_records(load_all(), ["valid"])
    from rjua.synth import build_taxonomy

    advices = build_taxonomy(pool).advices
    targets = {}

    def gen(req):
        u = req.messages[1]["content"]
        target = u.split("目标诊断：")[1].split("\n")[0]
        pid = u.split("【指南段落】\n")[1].splitlines()[0][1:].split("]")[0]
        k = len(targets)
        side = next((f"{s}侧" for s in "左右双" if s in target), "")  # a sided diagnosis needs the side stated
        q = f"医生您好，我{k + 30}岁，{side}腰部不适{k}天，检查有异常，编号{k * 7}，怎么办？"
        targets[q] = target
        return json.dumps({"question": q, "answer": f"考虑{target}。", "disease": target,
                           "advice": "、".join(list(advices[target])[:1]), "passage_ids": [pid]}, ensure_ascii=False)

    solver = SeededSolver(right, targets)
    report = run_synth(tmp_path / "s.json", ScriptedBackend(gen), solver, None, n=2, solver_samples=3)
    return report, solver


def test_solver_majority_of_three_samples(tmp_path):
    report, solver = _run(tmp_path / "a", right={0, 2})
    assert report["kept"] == 2 and solver.seeds_seen == [0, 1, 2, 0, 1, 2]  # three samples per case, seeds restored
    report, _ = _run(tmp_path / "b", right={1})
    assert report["kept"] == 0 and report["rejected"] == {"unsolvable": 2}
    rej = [json.loads(x) for x in open(tmp_path / "b" / "s.json.rejected.jsonl", encoding="utf-8")]
    assert all("no majority of 3" in r["detail"] for r in rej)
    assert parse_case('{"a": 1}') == {"a": 1}
