"""Write the labelled free-text extraction set: self-written answers in many styles with their expected items.

Every answer is rendered from self-written item lists (below) and style templates the way chat models
write them: Markdown headings and lists, bold, 【】 brackets, 一、 ordinals with dashes, （1） lists, JSON
(fenced, inline, Chinese or English keys), Markdown tables, English headings, think tags, prose cue
phrases, section-name synonyms, explanations after items, disclaimers and reasoning that mention other
conditions. No text comes from the dataset. The expected items are the ones the template put in.

    python scripts/make_extraction_set.py            # writes tests/data/extraction_labelled.jsonl
    python scripts/make_extraction_set.py --check    # exit 1 when the committed file differs
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "extraction_labelled.jsonl"
PER_STYLE = 8
SEED = 20261202

DISEASES = ["左输尿管结石", "右肾结石", "肾积水", "急性膀胱炎", "前列腺增生", "慢性前列腺炎", "急性附睾炎", "睾丸扭转",
            "精索静脉曲张", "膀胱肿瘤", "肾囊肿", "尿道狭窄", "包茎", "鞘膜积液", "急性肾盂肾炎", "神经源性膀胱",
            "压力性尿失禁", "膀胱过度活动症", "肾上腺腺瘤", "前列腺癌", "右肾占位", "尿路感染", "隐睾", "尿道下裂",
            "膀胱结石", "肾绞痛", "输尿管狭窄", "勃起功能障碍", "急性尿潴留", "左肾囊肿", "多囊肾", "肾盂肿瘤"]
ADVICES = ["多饮水", "口服坦索罗辛", "复查泌尿系B超", "体外冲击波碎石", "输尿管镜碎石术", "经尿道前列腺电切术",
           "口服抗生素", "尿常规检查", "尿培养", "泌尿系CT检查", "膀胱镜检查", "急诊手术探查", "阴囊托高",
           "定期随访", "盆底肌训练", "口服非那雄胺", "血PSA检查", "前列腺穿刺活检", "经尿道膀胱肿瘤电切术",
           "静脉抗感染治疗", "留置导尿", "精索静脉高位结扎术", "包皮环切术", "肾功能检查", "腹腔镜肾囊肿去顶术",
           "低盐饮食", "避免憋尿", "热水坐浴", "口服索利那新", "增强CT检查", "膀胱灌注化疗", "留置双J管"]
OTHER = ["高血压", "糖尿病", "腰痛", "尿频尿急", "发热", "血尿"]  # history and symptoms: never expected items

INTRO = ["您好，根据您描述的情况，我的分析如下。", "您好！", "根据您提供的检查结果：", "",
         "感谢您的信任，以下是我的意见。"]
OUTRO = ["以上建议仅供参考，具体请以面诊医生意见为准。", "如症状加重，请及时就医。", "", "祝您早日康复！",
         "注意：本回答不能替代医生面诊。"]


def _basis(rng: random.Random) -> str:
    return f"患者有{rng.choice(OTHER)}病史，目前{rng.choice(OTHER)}。"


def s_md_heading_numbered(d, a, r):
    return (f"{r.choice(INTRO)}\n\n### 诊断\n" + "".join(f"{i}. {x}\n" for i, x in enumerate(d, 1))
            + "\n### 建议\n" + "".join(f"{i}. {x}\n" for i, x in enumerate(a, 1)) + f"\n{r.choice(OUTRO)}")


def s_md_heading_bullets(d, a, r):
    return (f"## 病情分析\n{_basis(r)}\n\n## 初步诊断\n\n" + "".join(f"- {x}\n" for x in d)
            + "\n## 处理建议\n\n" + "".join(f"- {x}\n" for x in a) + f"\n> {r.choice(OUTRO) or '仅供参考'}")


def s_md_heading_explained(d, a, r):
    return ("#### 1. 诊断结果\n" + "".join(f"- **{x}**：结合症状和影像学表现考虑\n" for x in d)
            + "#### 2. 治疗建议\n" + "".join(f"- **{x}**：有助于缓解症状\n" for x in a))


def s_md_heading_numbered_title(d, a, r):
    return ("# 回答\n\n## 一、诊断\n" + "\n".join(f"{i}）{x}" for i, x in enumerate(d, 1))
            + "\n\n## 二、建议\n" + "\n".join(f"{i}）{x}" for i, x in enumerate(a, 1)))


def s_bold_colon_inline(d, a, r):
    return f"{r.choice(INTRO)}\n**诊断：**{'、'.join(d)}\n**建议：**{'；'.join(a)}\n{r.choice(OUTRO)}"


def s_bold_label_list(d, a, r):
    return ("**诊断**：\n" + "".join(f"{i}. {x}\n" for i, x in enumerate(d, 1)) + "\n**建议**：\n"
            + "".join(f"- {x}\n" for x in a) + f"\n{r.choice(OUTRO)}")


def s_bold_bullets(d, a, r):
    return f"- **诊断**：{'，'.join(d)}\n- **治疗方案**：{'，'.join(a)}\n- **注意事项**：避免劳累。"


def s_bracket_same_line(d, a, r):
    return f"【诊断】{'、'.join(d)}\n【建议】{'、'.join(a)}\n【说明】{_basis(r)}"


def s_bracket_next_line(d, a, r):
    return f"{r.choice(INTRO)}\n【初步诊断】\n{'、'.join(d)}\n\n【处理意见】\n" + "\n".join(f"· {x}" for x in a)


def s_ordinal_dash(d, a, r):
    return f"一、诊断——{'、'.join(d)}\n二、建议——{'、'.join(a)}\n三、注意事项——{r.choice(OUTRO) or '定期复诊'}"


def s_ordinal_lists(d, a, r):
    return ("一、诊断\n" + "".join(f"（{i}）{x}\n" for i, x in enumerate(d, 1)) + "二、治疗建议\n"
            + "".join(f"（{i}）{x}\n" for i, x in enumerate(a, 1)))


def s_ordinal_colon(d, a, r):
    return f"{_basis(r)}\n一、诊断意见：{'，'.join(d)}。\n二、处理意见：{'，'.join(a)}。\n三、说明：{r.choice(OUTRO)}"


def s_numbered_labels(d, a, r):
    return f"1. 诊断：{'、'.join(d)}\n2. 建议：{'、'.join(a)}\n3. 依据：{_basis(r)}"


def s_paren_list(d, a, r):
    return ("诊断：\n" + "\n".join(f"({i}) {x}" for i, x in enumerate(d, 1)) + "\n建议：\n"
            + "\n".join(f"({i}) {x}" for i, x in enumerate(a, 1)))


def s_inline_numbering(d, a, r):
    return ("诊断：" + " ".join(f"{i}.{x}" for i, x in enumerate(d, 1)) + "\n建议："
            + " ".join(f"{i}.{x}" for i, x in enumerate(a, 1)))


def s_pipe_and_space(d, a, r):
    return f"诊断：{' '.join(d)}\n建议：{' | '.join(a)}"


def s_json_fenced_zh(d, a, r):
    body = json.dumps({"诊断": d, "建议": a, "理由": _basis(r)}, ensure_ascii=False, indent=2)
    return f"{r.choice(INTRO)}\n```json\n{body}\n```"


def s_json_fenced_en(d, a, r):
    return "```\n" + json.dumps({"diagnosis": d, "recommendations": a}, ensure_ascii=False) + "\n```"


def s_json_inline_strings(d, a, r):
    return "结果：" + json.dumps({"disease": "、".join(d), "advice": "；".join(a)}, ensure_ascii=False)


def s_json_objects(d, a, r):
    obj = {"answer": {"diagnoses": [{"name": x, "confidence": "高"} for x in d],
                      "advice": [{"item": x, "reason": "对症处理"} for x in a]}}
    return json.dumps(obj, ensure_ascii=False)


def s_table_rows(d, a, r):
    return f"| 项目 | 内容 |\n| --- | --- |\n| 诊断 | {'、'.join(d)} |\n| 建议 | {'；'.join(a)} |\n\n{r.choice(OUTRO)}"


def s_table_columns(d, a, r):
    n = max(len(d), len(a))
    rows = "".join(f"| {i + 1} | {d[i] if i < len(d) else '-'} | {a[i] if i < len(a) else '-'} |\n" for i in range(n))
    return f"{r.choice(INTRO)}\n\n| 序号 | 诊断 | 建议 |\n|:--:|:--|:--|\n{rows}"


def s_english_headings(d, a, r):
    return f"Diagnosis: {', '.join(d)}\nRecommendations:\n" + "".join(f"- {x}\n" for x in a) + "Note: 仅供参考"


def s_english_md(d, a, r):
    return ("## Diagnosis\n" + "".join(f"* {x}\n" for x in d) + "\n## Treatment\n"
            + "".join(f"* {x}\n" for x in a))


def s_think_then_sections(d, a, r):
    return (f"<think>\n患者{r.choice(OTHER)}，诊断：{r.choice(DISEASES)}？不对，再想想。\n</think>\n\n"
            f"诊断：{'、'.join(d)}\n建议：{'、'.join(a)}")


def s_prose_diagnosis_is(d, a, r):
    return (f"{r.choice(INTRO)}结合您的症状和检查，诊断为{'、'.join(d)}。建议您{'，'.join(a)}。"
            f"{r.choice(OUTRO)}")


def s_prose_consider(d, a, r):
    return (f"您好，{_basis(r)}考虑为{'、'.join(d)}，建议进行{'、'.join(a)}。{r.choice(OUTRO)}")


def s_prose_possible(d, a, r):
    return f"可能的诊断包括：{'、'.join(d)}。建议您尽快就医，{'、'.join(a)}。"


def s_synonym_sections(d, a, r):
    half = max(1, len(a) // 2)
    return (f"诊断结果：{'、'.join(d)}\n进一步检查：{'、'.join(a[:half])}\n"
            + (f"治疗建议：{'、'.join(a[half:])}\n" if a[half:] else "") + f"温馨提示：{r.choice(OUTRO)}")


def s_bare_headings(d, a, r):
    return "诊断\n" + "".join(f"- {x}\n" for x in d) + "\n处理\n" + "".join(f"- {x}\n" for x in a)


def s_quote_block(d, a, r):
    return f"{r.choice(INTRO)}\n> 诊断：「{'」、「'.join(d)}」\n> 医嘱：{'；'.join(a)}"


def s_semicolon_one_line(d, a, r):
    return f"诊断: {'，'.join(d)}；建议: {'，'.join(a)}。"


def s_md_intro_sentence(d, a, r):
    return ("### 诊断\n根据您的症状和检查结果，考虑以下可能：\n" + "".join(f"{i}. {x}\n" for i, x in enumerate(d, 1))
            + "\n### 建议\n针对目前情况，建议如下：\n" + "".join(f"{i}. {x}\n" for i, x in enumerate(a, 1))
            + f"\n### 注意事项\n- {r.choice(OUTRO) or '规律作息'}")


def s_items_with_explanations(d, a, r):
    return ("诊断：\n" + "".join(f"- {x} —— 依据影像学及化验结果\n" for x in d) + "建议：\n"
            + "".join(f"{i}. {x}：{r.choice(['每日一次', '门诊即可完成', '必要时进行'])}\n"
                      for i, x in enumerate(a, 1)))


def s_sentences_after_items(d, a, r):
    return (f"诊断：{'、'.join(d)}。这类情况在临床上比较常见，与{r.choice(OTHER)}可能有关。\n"
            f"建议：{'、'.join(a)}。{r.choice(OUTRO)}")


def s_conversational_bold(d, a, r):
    return ("**您可能患有以下疾病：**\n" + "".join(f"{i}. {x}\n" for i, x in enumerate(d, 1))
            + "\n**我的建议：**\n" + "".join(f"{i}. {x}\n" for i, x in enumerate(a, 1)) + f"\n{r.choice(OUTRO)}")


def s_nested_bold_numbered(d, a, r):
    half = max(1, len(a) // 2)
    return ("1. **初步诊断**\n" + "".join(f"   - {x}\n" for x in d) + "2. **建议检查**\n"
            + "".join(f"   - {x}\n" for x in a[:half]) + "3. **治疗建议**\n" + "".join(f"   - {x}\n" for x in a[half:])
            + "4. **注意事项**\n   - 清淡饮食\n")


def s_spaced_colons(d, a, r):
    return f"{_basis(r)}\n诊断 ： {'，'.join(d)}\n建议 ： {'，'.join(a)}"


def s_bold_heading_h3(d, a, r):
    return ("### **诊断**\n" + "".join(f"- {x}\n" for x in d) + "### **建议**\n" + "".join(f"- {x}\n" for x in a))


STYLES = {k[2:]: v for k, v in globals().items() if k.startswith("s_") and callable(v)}


def build(per_style: int = PER_STYLE, seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for name, fn in STYLES.items():
        for i in range(per_style):
            d = rng.sample(DISEASES, rng.choice([1, 1, 2, 2, 3]))
            a = rng.sample(ADVICES, rng.choice([1, 2, 2, 3, 4]))
            rows.append({"id": f"{name}-{i}", "style": name, "answer": fn(d, a, rng), "disease": d, "advice": a})
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed file instead of writing")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in build())
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'differs from the generator'}")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {len(text.splitlines())} answers in {len(STYLES)} styles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
