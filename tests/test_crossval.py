"""Honest k-fold CV: every fold is answered by a pipeline that never saw its records or their labels."""
from collections import Counter

from rjua.backends.case import CaseBackend
from rjua.crossval import cross_validate, fold_assignment
from rjua.data import load_split
from rjua.retrieval.dense import HashingEncoder
from rjua.retrieval.encoder import CachedEncoder


def test_folds_are_balanced_and_deterministic():
    ids = [str(i) for i in range(23)]
    a = fold_assignment(ids, 5)
    assert a == fold_assignment(list(reversed(ids)), 5)
    assert sorted(Counter(a.values()).values()) == [4, 4, 5, 5, 5]
    assert fold_assignment(ids, 5, seed=1) != a


def test_cross_validation_never_lets_a_record_reach_its_own_fold(monkeypatch):
    recs = load_split("valid")
    seen = []
    orig = CaseBackend.fit

    def spy(self, retriever, *a, **kw):
        out = orig(self, retriever, *a, **kw)
        seen.append(({c.id for c in retriever.cases.cases}, set(self.labels), self.ontology))
        return out

    monkeypatch.setattr(CaseBackend, "fit", spy)
    preds, folds = cross_validate(recs, "valid", k=4)
    assert len(seen) == 4 and [p.id for p in preds] == [r.id for r in recs]
    for p in preds:
        pool_ids, label_keys, onto = seen[folds[p.id]]
        assert p.id not in pool_ids and f"valid:{p.id}" not in label_keys
        assert all(not c["key"].endswith(f":{p.id}") for c in p.evidence["similar_cases"])
    # the ontology's labels are the training folds' labels only
    for f, (pool_ids, _, onto) in enumerate(seen):
        train_labels = {d for r in recs if r.id in pool_ids for d in r.diseases}
        assert {lab for labs in onto.labels.values() for lab in labs} <= train_labels


def test_leave_one_out_mode_and_cached_encoder():
    recs = load_split("valid")
    enc = CachedEncoder(HashingEncoder(64))
    preds, _ = cross_validate(recs, "valid", k=1, encoder=enc)
    assert len(preds) == len(recs)
    assert all(not c["key"].endswith(f":{p.id}") for p in preds for c in p.evidence["similar_cases"])
    n = len(enc._q)
    enc.encode_queries([recs[0].question])
    assert len(enc._q) == n  # served from the cache
