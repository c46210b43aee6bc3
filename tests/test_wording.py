"""rjua.wording: the reply's wording chosen by agreement with the neighbours' doctors, never its content."""
from rjua import compose
from rjua.faithfulness import check
from rjua.wording import SLOTS, agreement, choose_reply

Q = "我是45岁男性，右侧腰痛两天，B超提示右肾结石，请问怎么办？"
D, A = ["右肾结石"], ["输尿管镜碎石术", "多饮水"]


def test_without_neighbours_the_default_wording():
    assert choose_reply(Q, D, A) == compose.compose_reply(Q, D, A)


def test_follows_the_neighbours_stock_phrasing():
    doctors = ["您好，根据您的描述，考虑为肾结石。建议您进行输尿管镜碎石术，"
               "具体的治疗方案需要根据您的具体情况来确定。"] * 3
    text = choose_reply(Q, D, A, neighbour_replies=doctors)
    assert "考虑为右肾结石" in text and "建议您进行输尿管镜碎石术" in text
    assert agreement(text, doctors) > agreement(compose.compose_reply(Q, D, A), doctors)


def test_every_candidate_says_the_same_items_and_nothing_borrowed():
    borrowed = ["您好，您合并糖尿病，曾做过腹腔镜手术，肿瘤3cm。可能患有右肾结石。"] * 3
    text = choose_reply(Q, D, A, neighbour_replies=borrowed)
    assert "糖尿病" not in text and "3cm" not in text and "右肾结石" in text
    assert check(Q, D, A, text) == []
    for variants in SLOTS.values():
        for v in variants:
            t = compose.compose_reply(Q, D, A, templates=v)
            assert "右肾结石" in t and "输尿管镜碎石术" in t and "多饮水" in t


def test_slots_first_variant_is_the_default():
    assert all(variants[0] == {} for variants in SLOTS.values())


def test_the_doctors_stock_phrases_are_chosen_when_the_neighbours_use_them():
    doctors = ["您好，根据您的病情描述和检查结果，您被诊断为右肾结石。针对您的情况，我们建议您进行输尿管镜碎石术。"
               "如出现发热，请立即到医院就诊。"] * 3
    text = choose_reply(Q, D, A, neighbour_replies=doctors)
    assert "您的初步诊断为右肾结石" in text and "我们建议您进行输尿管镜碎石术" in text
    assert "请立即到医院就诊" in text and text.count("针对您的情况") <= 1


def test_the_warning_line_variant_still_names_the_person_and_the_urgency():
    q = "孩子5岁，阴囊突然肿痛半天"
    variant = SLOTS["urgent"][1]
    text = compose.compose_reply(q, ["睾丸扭转"], [], templates=variant)
    assert "立即带孩子到医院就诊" in text
    mother = compose.compose_reply("我母亲70岁，右侧腰痛，B超示右肾结石", ["右肾结石"], [], templates=variant)
    assert "尽快陪同您母亲到医院就诊" in mother
