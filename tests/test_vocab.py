import pytest

from rjua.errors import RJUAError
from rjua.vocab import Vocabulary, load_label_list, parse_label_list, vocabulary_from_specs


def test_three_label_list_formats_and_junk_counted():
    assert parse_label_list("肾结石\n\n膀胱炎\nnan\n").labels == ["肾结石", "膀胱炎"]
    assert parse_label_list('["肾结石", "膀胱炎", null]').labels == ["肾结石", "膀胱炎"]
    official = "['肾结石', '膀胱炎', nan, '', '肾结石', 'a', None, '前列腺增生']"
    lst = parse_label_list(official, "disease.txt")
    assert lst.labels == ["肾结石", "膀胱炎", "前列腺增生"]
    assert lst.skipped == {"junk": 3, "blank": 1, "duplicate": 1}
    assert lst.note() == "disease.txt: 3 labels (skipped: blank 1, duplicate 1, junk 3)"
    broken = parse_label_list("['肾结石', nan, '膀胱炎',")  # not valid Python: the tolerant reader still reads it
    assert broken.labels == ["肾结石", "膀胱炎"] and broken.skipped == {"junk": 1}


def test_file_errors_name_the_file(tmp_path):
    with pytest.raises(RJUAError, match="missing.txt: cannot read label list"):
        load_label_list(tmp_path / "missing.txt")
    (tmp_path / "junk.txt").write_text("nan\nNone\n", encoding="utf-8")
    with pytest.raises(RJUAError, match="junk.txt: no labels in the list"):
        load_label_list(tmp_path / "junk.txt")


def test_specs_kinds_and_pool(tmp_path):
    (tmp_path / "advice.txt").write_text("多饮水\n复查B超\n", encoding="utf-8")
    (tmp_path / "labels.txt").write_text("肾结石\n", encoding="utf-8")
    v, notes = vocabulary_from_specs([str(tmp_path / "advice.txt"), str(tmp_path / "labels.txt")], "test")
    assert v.advices == {"多饮水", "复查B超"} and v.diseases == {"肾结石"} and len(notes) == 2
    v, _ = vocabulary_from_specs([f"advice={tmp_path / 'labels.txt'}"], "test")
    assert v.advices == {"肾结石"} and not v.diseases
    v, notes = vocabulary_from_specs(["pool"], "test")  # the bundled sample: valid is the other split
    assert v.source == "pool:valid" and v.diseases and notes[0].startswith("pool:valid")
    with pytest.raises(RJUAError, match="give pool or a label-list FILE"):
        vocabulary_from_specs([], "test")


def test_find_longest_first_variants_and_case():
    v = Vocabulary.from_items(["前列腺增生", "良性前列腺增生", "左输尿管结石"], ["PSA检查"])
    assert v.find("考虑良性前列腺增生，左侧输尿管结石", "disease") == ["良性前列腺增生", "左输尿管结石"]
    assert v.find("建议psa检查", "advice") == ["PSA检查"]
