import json

import pytest
from conftest import make_record, write_jsonl

import rjua
from rjua.data import find_split_files, load_split, read_records, resolve_data_dir, split_passages, validate_file
from rjua.errors import RJUAError, RJUAFormatError


def test_bundled_sample_has_both_splits():
    assert set(find_split_files()) == {"valid", "test"}
    valid, test = load_split("valid"), load_split("test")
    assert 25 <= len(valid) + len(test) <= 40
    assert not {r.id for r in valid} & {r.id for r in test}
    for r in valid + test:
        assert r.passages and r.diseases and r.advices and r.question.strip()


def test_record_fields_are_split():
    r = rjua.Record.from_dict(make_record(1, context="Context：甲。\nContext：乙。", disease="肾结石，肾积水\n",
                                          advice="TURP+膀胱造瘘、PSA/fPSA检查"))
    assert r.passages == ("甲。", "乙。")
    assert r.diseases == ("肾结石", "肾积水")
    assert r.advices == ("TURP", "膀胱造瘘", "PSA/fPSA检查")
    assert r.context.startswith("Context：")
    with pytest.raises(Exception):
        r.id = "2"  # frozen


def test_context_as_list_and_without_prefix():
    assert split_passages(["A段", "B段"]) == ("A段", "B段")
    assert split_passages("没有前缀") == ("没有前缀",)
    r = rjua.Record.from_dict(make_record(1, context=["第一段", "第二段"]))
    assert r.passages == ("第一段", "第二段")


@pytest.mark.parametrize("name", ["RJUA_dev.json", "dev.jsonl", "dev.json", "chat_dev.json", "rjua_dev.json"])
def test_layouts(tmp_path, name):
    write_jsonl(tmp_path / name, [make_record(i) for i in range(3)])
    (tmp_path / "notes.json").write_text('{"other": 1}', encoding="utf-8")  # not an RJUA file
    assert list(find_split_files(tmp_path)) == ["dev"]
    assert len(load_split("dev", tmp_path)) == 3


def test_json_array_with_line_numbers(tmp_path):
    recs = [make_record(i) for i in range(3)]
    recs[2]["question"] = ""
    p = tmp_path / "arr_test.json"
    p.write_text("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n]\n", encoding="utf-8")
    probs = validate_file(p)
    assert [(x.line, x.field) for x in probs] == [(4, "question")]


def test_two_files_for_one_split_is_an_error(tmp_path):
    write_jsonl(tmp_path / "RJUA_valid.json", [make_record(1)])
    write_jsonl(tmp_path / "valid.jsonl", [make_record(1)])
    with pytest.raises(RJUAError, match="two files"):
        find_split_files(tmp_path)


def test_missing_split_names_available(tmp_path):
    write_jsonl(tmp_path / "RJUA_valid.json", [make_record(1)])
    with pytest.raises(RJUAError, match=r"no file for split 'test' \(found: valid\)"):
        load_split("test", tmp_path)


def test_missing_directory_and_file(tmp_path):
    with pytest.raises(RJUAError, match="data directory not found"):
        load_split("valid", tmp_path / "nope")
    with pytest.raises(RJUAError, match="no such file"):
        read_records(tmp_path / "nope.jsonl")


def test_env_var_resolution(tmp_path, monkeypatch):
    write_jsonl(tmp_path / "RJUA_x.json", [make_record(1)])
    monkeypatch.setenv("RJUA_DATA_DIR", str(tmp_path))
    assert resolve_data_dir() == tmp_path
    assert len(load_split("x")) == 1
    assert resolve_data_dir(tmp_path.parent) == tmp_path.parent  # explicit wins


@pytest.mark.parametrize("mutate,line,field,reason", [
    (lambda r: r.pop("answer"), 2, "answer", "missing field"),
    (lambda r: r.update(id=5), 2, "id", "expected a string"),
    (lambda r: r.update(context=[1, 2]), 2, "context", "list of strings"),
    (lambda r: r.update(question="   "), 2, "question", "empty question"),
    (lambda r: r.update(disease=None), 2, "disease", "expected a string"),
])
def test_bad_fields(tmp_path, mutate, line, field, reason):
    recs = [make_record(i) for i in range(3)]
    mutate(recs[1])
    p = write_jsonl(tmp_path / "RJUA_t.json", recs)
    with pytest.raises(RJUAFormatError) as ei:
        read_records(p)
    e = ei.value
    assert (e.line, e.field) == (line, field) and reason in e.reason
    assert str(e).startswith(f"{p}:{line}: field \"{field}\"")


def test_invalid_json_line(tmp_path):
    p = write_jsonl(tmp_path / "a.jsonl", [make_record(i) for i in range(8)],
                    raw_lines={6: '{"id": "7", "question": '})
    with pytest.raises(RJUAFormatError, match=r"a.jsonl:7: invalid JSON"):
        read_records(p)


def test_duplicate_id(tmp_path):
    p = write_jsonl(tmp_path / "a.jsonl", [make_record(1), make_record(2), make_record(1)])
    with pytest.raises(RJUAFormatError, match=r":3: field \"id\": duplicate id '1' \(first on line 1\)"):
        read_records(p)


def test_non_utf8_byte(tmp_path):
    p = write_jsonl(tmp_path / "a.jsonl", [make_record(1), make_record(2)])
    data = p.read_bytes().split(b"\n")
    data[1] = data[1].replace("膀胱".encode(), b"\xff\xfe", 1)
    p.write_bytes(b"\n".join(data))
    with pytest.raises(RJUAFormatError, match=r"a.jsonl:2: not UTF-8: byte 0xff"):
        read_records(p)


def test_bom_crlf_blank_lines_are_harmless(tmp_path):
    text = "\r\n".join(json.dumps(make_record(i), ensure_ascii=False) for i in range(3))
    p = tmp_path / "a.jsonl"
    p.write_bytes(b"\xef\xbb\xbf" + text.replace("\r\n", "\r\n\r\n", 1).encode() + b"\r\n\r\n")
    recs = read_records(p)
    assert [r.id for r in recs] == ["0", "1", "2"]
    assert not recs[2].advices[-1].endswith("\r")


def test_empty_file_is_an_error(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text("\n\n", encoding="utf-8")
    with pytest.raises(RJUAFormatError, match="no records"):
        read_records(p)


def test_non_object_line(tmp_path):
    p = write_jsonl(tmp_path / "a.jsonl", [make_record(1), [1, 2]])
    with pytest.raises(RJUAFormatError, match=r":2: expected a JSON object, got list"):
        read_records(p)


def test_non_strict_collects_all_problems(tmp_path):
    recs = [make_record(i) for i in range(6)]
    recs[1]["question"] = ""
    recs[3].pop("advice")
    p = write_jsonl(tmp_path / "a.jsonl", recs, raw_lines={5: "{broken"})
    with pytest.raises(RJUAFormatError) as ei:
        read_records(p, strict=False)
    assert [(x.line, x.field) for x in ei.value.problems] == [(2, "question"), (4, "advice"), (6, None)]
    assert len(ei.value.report().splitlines()) == 3
    with pytest.raises(RJUAFormatError) as strict:
        read_records(p)
    assert len(strict.value.problems) == 1


def test_load_dataset_dict():
    dd = rjua.load_dataset_dict()
    assert set(dd) == {"valid", "test"}
    row = dd["valid"][0]
    assert isinstance(row["passages"], list) and isinstance(row["diseases"], list)
    assert len(dd["test"]) == len(load_split("test"))


@pytest.mark.real_data
def test_real_valid_split(real_dir):
    recs = rjua.load_split("valid", real_dir)
    assert len(recs) == 211
    assert all(r.diseases for r in recs)
    assert len({p for r in recs for p in r.passages}) == 309
    assert validate_file(find_split_files(real_dir)["valid"]) == []
