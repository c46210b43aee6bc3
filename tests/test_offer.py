"""Which items a composed reply says and which operations it offers (rjua.offer)."""
from rjua.offer import advice_kind, alternatives, coherent, course, reply_items
from rjua.patient import patient_facts


def test_reply_items_keep_supported_diagnoses_and_defer_an_operation_whose_time_has_not_come():
    q = "我67岁男性，有前列腺增生病史，夜尿增多，B超示左肾小结石3mm"
    ds, sure, adv, later = reply_items(q, ["左肾小结石", "前列腺增生", "右肾错构瘤"], ["经尿道前列腺电切术", "尿常规"],
                                       patient_facts(q))
    assert sure == ["前列腺增生", "左肾小结石"]  # the small stone after the main finding; no unsupported tumour
    assert adv == ["尿常规"] and later == ["经尿道前列腺电切术"]
    q = "我70岁，前列腺增生，吃坦索罗辛效果不好，排尿困难"
    assert reply_items(q, ["前列腺增生"], ["经尿道前列腺电切术"], patient_facts(q))[2:] == (
        ["经尿道前列腺电切术"], [])


def test_coherent_needs_the_condition_its_operation_treats():
    assert coherent("输尿管镜碎石术", ["右输尿管结石"], "右侧腰痛")
    assert not coherent("膀胱镜下取石术", ["左肾结石"], "")
    assert not coherent("腹腔镜下右肾癌根治术", ["右肾占位"], "右肾盂输尿管有占位")


def test_course_of_a_spread_cancer_and_the_kinds_and_alternatives():
    adv, path, lead = course(["前列腺癌"], ["机器人前列腺癌根治术", "尿常规"], "骨扫描示多发骨转移")
    assert adv == ["尿常规"] and "内分泌治疗" in path and lead == []
    kinds = [advice_kind(a) for a in ("尿常规", "输尿管镜碎石术", "坦索罗辛", "多饮水")]
    assert kinds == ["exam", "treat", "drug", "daily"]
    assert alternatives(["左经皮肾镜取石术", "左侧经皮肾镜取石术"]) == ["左经皮肾镜取石术"]


def test_no_bph_operation_beside_a_prostate_cancer():
    assert not coherent("汽化术", ["前列腺癌", "前列腺增生"], "前列腺癌侵犯膀胱，排尿困难")
    assert coherent("汽化术", ["前列腺增生"], "排尿困难")


def test_a_stage_alone_is_no_diagnosis():
    q = "75岁女性，腰椎骨折手术后排尿不畅"
    assert reply_items(q, ["分期T1aN0M0"], [], patient_facts(q))[0] == []


def test_a_real_diagnosis_with_a_stage_word_is_no_stage():
    from rjua.offer import stage_only
    assert stage_only("分期T1aN0M0") and stage_only("T2cN0M0")
    assert not any(stage_only(x) for x in ("T1期膀胱癌", "M1期前列腺癌", "TCC", "TB", "MCDK"))


def test_operations_kept_for_later_are_said_as_operations():
    q = "我70岁，前列腺增生，夜尿3次"
    later = reply_items(q, ["前列腺增生"], ["手术治疗如经尿道前列腺激光剜除术", "经尿道前列腺电切术等"],
                        patient_facts(q))[3]
    assert later == ["经尿道前列腺激光剜除术", "经尿道前列腺电切术"]


def test_a_diagnosis_whose_course_is_the_treatment_says_no_other_patients_treatments():
    adv, path, lead = course(["阴茎折断"], ["他莫昔芬", "中成药治疗", "物理治疗", "阴茎B超检查", "多饮水"],
                             "性生活后阴茎肿痛，超声示白膜断裂")
    assert "白膜探查修补术" in path and "他莫昔芬" not in adv and "中成药治疗" not in adv and lead == []
    adv, path, _ = course(["男性不育"], ["他莫昔芬", "精液常规"], "精子活力低，想要孩子")
    assert "他莫昔芬" in adv


def test_no_operation_before_the_biopsy_of_a_pi_rads_5_lesion():
    q = "前列腺增生复诊，长期服用非那雄胺，MRI考虑PI-RADS 5级别"
    adv, path, _ = course(["前列腺增生"], ["手术治疗", "前列腺穿刺活检", "经尿道前列腺电切术"], q)
    assert adv == ["前列腺穿刺活检"] and "手术治疗" not in path.replace("再考虑手术", "")
    adv, _, _ = course(["前列腺增生"], ["经尿道前列腺电切术"], q.replace("PI-RADS 5", "PI-RADS 3"))
    assert adv == ["经尿道前列腺电切术"]


def test_both_sides_where_the_question_tells_the_condition_on_both():
    from rjua.offer import both_sides
    q = "2天前开始无尿。CT：双肾结石，双侧输尿管结石伴积水"
    assert both_sides("左输尿管结石", q) == "双侧输尿管结石"
    assert both_sides("左侧输尿管支架置入", q) == "双侧输尿管支架置入"
    assert both_sides("右肾结石", q) == "双肾结石"
    assert both_sides("左侧肾-输尿管全程-膀胱袖套状切除", q) == "左侧肾-输尿管全程-膀胱袖套状切除"  # no drainage
    assert both_sides("左肾囊肿", q) == "左肾囊肿"
    assert both_sides("左输尿管扩张", "双侧输尿管未见扩张，左输尿管下段结石伴扩张") == "左输尿管扩张"  # denied
    assert both_sides("左肾结石", "双肾结石术后，现在左肾结石复发") == "左肾结石"  # past
    assert both_sides("左输尿管结石", "左输尿管结石，双肾囊肿") == "左输尿管结石"
    ds, sure, adv, _ = reply_items(q, ["左输尿管结石"], ["左侧输尿管支架置入"], patient_facts(q))
    assert sure == ["双侧输尿管结石"] and adv == ["双侧输尿管支架置入"]


def test_a_nephroureterectomy_worded_by_its_parts_is_a_cancer_operation():
    from rjua.sites import malignant
    assert malignant("左侧肾-输尿管全程-膀胱袖套状切除") and not malignant("左侧经皮肾镜取石术")


def test_the_frequency_of_a_cystitis_is_no_bph_unless_an_obstruction_is_told():
    q = "我是一名52岁的男性，最近一周尿频、尿急以及伴随尿痛，没有发热"
    assert reply_items(q, ["泌尿道感染", "前列腺增生"], [], patient_facts(q))[1] == ["泌尿道感染"]
    q2 = q + "，平时排尿困难、尿线变细"
    assert "前列腺增生" in reply_items(q2, ["泌尿道感染", "前列腺增生"], [], patient_facts(q2))[1]
    q3 = "我72岁男性，夜尿4次，尿频尿急"
    assert "前列腺增生" in reply_items(q3, ["前列腺增生"], [], patient_facts(q3))[1]


def test_bph_is_inferred_only_for_a_man():
    unknown = "最近排尿困难，夜尿增多，想问怎么治疗"
    assert reply_items(unknown, ["前列腺增生"], [], patient_facts(unknown))[1] == []
    man = "我68岁男性，最近排尿困难，夜尿增多"
    assert reply_items(man, ["前列腺增生"], [], patient_facts(man))[1] == ["前列腺增生"]
    named = "前列腺增生多年，最近排尿困难"  # named by the question: no sex needed
    assert reply_items(named, ["前列腺增生"], [], patient_facts(named))[1] == ["前列腺增生"]


def test_a_condition_told_as_the_reason_of_an_old_operation_is_still_named():
    q = "我87岁男性，17年前做过前列腺增生的激光剜除术，最近几年排尿不适"
    assert "前列腺增生" in reply_items(q, ["前列腺增生"], [], patient_facts(q))[0]
    q = "我87岁男性，没有前列腺增生，最近几年排尿不适"
    assert reply_items(q, ["前列腺增生"], [], patient_facts(q))[0] == []


def test_no_bph_after_the_prostate_or_the_bladder_was_taken_out():
    q = "我75岁男性，两年前做了膀胱根治性切除+回肠膀胱术，最近右侧输尿管梗阻，排尿困难"
    assert reply_items(q, ["前列腺增生"], [], patient_facts(q))[1] == []
    kept = "我75岁男性，两年前做了膀胱肿瘤电切术，最近排尿困难"
    assert reply_items(kept, ["前列腺增生"], [], patient_facts(kept))[1] == ["前列腺增生"]


def test_the_review_cases_of_the_bph_rule():
    woman = "我是女性，45岁，尿频尿急，我老公有前列腺增生，会传染吗"
    assert "前列腺增生" not in reply_items(woman, ["前列腺增生", "膀胱过度活动症"], [], patient_facts(woman))[1]
    q = "男，70岁，2年前做了根治性膀胱切除术，现在排尿费力"
    assert reply_items(q, ["前列腺增生"], ["坦索罗辛", "非那雄胺"], patient_facts(q))[1:3] == ([], [])
    father = "男，68岁，排尿困难，夜尿多，B超前列腺增生。家族史：父亲因膀胱癌做过膀胱癌根治术"
    assert reply_items(father, ["前列腺增生"], [], patient_facts(father))[1] == ["前列腺增生"]
    declined = "男，68岁，排尿困难，医生说不需要做前列腺癌根治"
    assert reply_items(declined, ["前列腺增生"], [], patient_facts(declined))[1] == ["前列腺增生"]


def test_a_test_that_found_nothing_is_a_denial_not_history():
    from rjua.sites import denied
    assert denied("左肾结石", "左侧腰痛，做过CT未见肾结石")
    assert not denied("前列腺增生", "17年前做过前列腺增生的手术，最近排尿不适")


def test_a_bladder_cancer_that_has_spread_gets_no_resection_or_cystectomy():
    q = "膀胱镜见顶壁实体状新生物，病理为低分化腺癌，CT示多发肺转移"
    adv, path, _ = course(["膀胱癌"], ["经尿道膀胱电切术", "全膀胱切除手术", "尿常规"], q)
    assert adv == ["尿常规"] and "全身治疗" in path
    # pelvic nodes only possibly involved are no spread: the radical operation stays
    q = "膀胱镜见顶壁实体状新生物，病理为低分化腺癌，左侧髂血管旁淋巴结肿大，可能存在转移"
    adv, path, _ = course(["膀胱癌"], ["全膀胱切除手术", "尿常规"], q)
    assert "全膀胱切除手术" in adv and "全身治疗" not in path
    adv, _, _ = course(["膀胱癌"], ["经尿道膀胱电切术", "尿常规"], "膀胱镜见新生物，CT未见转移")
    assert "经尿道膀胱电切术" in adv


def test_a_growing_cyst_leads_a_small_one_comes_last():
    q = "左肾囊肿4年，最近一个月左肾囊肿增大了，CT示双肾结石，左肾囊肿直径约9cm"
    _, sure, _, _ = reply_items(q, ["双肾结石", "左肾囊肿"], [], patient_facts(q))
    assert sure[0] == "左肾囊肿"
    q = "体检CT示双肾结石，左肾小囊肿，没有不适"
    _, sure, _, _ = reply_items(q, ["左肾囊肿", "双肾结石"], [], patient_facts(q))
    assert sure[-1] == "左肾囊肿"


def test_review_cases_of_the_cyst_lead_and_the_spread_cancers_operations():
    for q, d in (("左侧腰痛两天，CT示左输尿管结石伴左肾积水，左肾囊肿约5cm", ["左输尿管结石", "左肾囊肿"]),
                 ("肉眼血尿一周，B超示膀胱占位，左肾囊肿6cm，偶有腰酸", ["膀胱占位", "左肾囊肿"]),
                 ("体检CT示左肾结石1cm，左肾囊肿5cm，担心囊肿会增大", ["左肾结石", "左肾囊肿"]),
                 ("左肾囊肿5cm，复查未见增大，左肾结石1cm", ["左肾结石", "左肾囊肿"])):
        _, sure, _, _ = reply_items(q, d, [], patient_facts(q))
        assert sure[0] == d[0], q
    q = "B超示膀胱占位，CT示肺部多发结节，考虑转移可能"  # no pathology yet: the resection is how it gets one
    adv, _, _ = course(["膀胱癌"], ["经尿道膀胱肿瘤电切术", "全膀胱切除术"], q)
    assert adv == ["经尿道膀胱肿瘤电切术"]


def test_no_pole_of_another_patient_and_no_bladder_tumour_after_the_bladder_is_gone():
    q = "右肾有一个占位已经有3年了，肾CTA示右肾是错构瘤，左肾有结石"
    ds, *_ = reply_items(q, ["右肾下极结节", "左肾结石"], [], patient_facts(q))
    assert ds == ["右肾结节", "左肾结石"]
    q2 = "左输尿管下段结石伴积水"
    assert reply_items(q2, ["左输尿管下段结石"], [], patient_facts(q2))[0] == ["左输尿管下段结石"]
    gone = "两年前接受了机器人辅助膀胱根治性切除+回肠膀胱术，术后病理为尿路上皮癌，右侧输尿管中下段可疑充盈缺损"
    ds, *_ = reply_items(gone, ["尿路上皮癌", "膀胱癌"], [], patient_facts(gone))
    assert "膀胱癌" not in ds and "尿路上皮癌" in ds
    father = "我父亲做过膀胱根治性切除，我现在膀胱镜发现膀胱肿瘤"
    assert "膀胱肿瘤" in reply_items(father, ["膀胱肿瘤"], [], patient_facts(father))[0]


def test_one_mass_in_other_words_is_said_once_but_sides_and_other_conditions_stay():
    q = "前列腺穿刺病理为前列腺癌，左肾结石，右肾结石，左侧输尿管扩张伴狭窄"
    labels = ["前列腺恶性肿瘤", "前列腺癌", "左肾结石", "右肾结石", "左侧输尿管扩张", "左侧输尿管狭窄"]
    _, sure, *_ = reply_items(q, labels, [], patient_facts(q))
    assert "前列腺恶性肿瘤" in sure and "前列腺癌" not in sure
    assert {"左肾结石", "右肾结石", "左侧输尿管扩张", "左侧输尿管狭窄"} <= set(sure)


def test_review_mends_a_planned_cystectomy_a_cancer_beside_a_benign_mass_and_other_organs_operations():
    q = "膀胱癌，医生说下周要做膀胱全切"
    assert reply_items(q, ["膀胱癌"], [], patient_facts(q))[0] == ["膀胱癌"]
    q2 = "右肾错构瘤，右肾另有一处病灶考虑右肾癌"
    _, sure, *_ = reply_items(q2, ["右肾错构瘤", "右肾癌"], [], patient_facts(q2))
    assert "右肾癌" in sure and "右肾错构瘤" in sure
    adv, *_ = course(["左肾癌"], ["左肾部分切除术", "经尿道前列腺电切术"], "左肾癌3cm，PSA 25ng/ml")
    assert adv == ["左肾部分切除术"]


def test_a_benign_prostates_course_waits_for_the_biopsy_a_high_psa_calls_for():
    q = "85岁，MR示左侧叶外周带有占位，复查了一次PSA，结果显示为113 ng/mL"
    adv, path, _ = course(["前列腺增生"], ["经尿道前列腺激光剜除术", "药物治疗"], q)
    assert "穿刺排除前列腺癌后" in path and "经尿道前列腺激光剜除术" not in adv
    _, path, _ = course(["前列腺增生"], ["药物治疗"], "PSA 1.2ng/ml，排尿困难")
    assert "穿刺排除前列腺癌后" not in path


def test_removed_tells_the_patients_own_bladder_or_prostate_removed():
    from rjua.offer import removed
    assert removed("膀胱癌根治术后2年，回肠膀胱", "bladder") and removed("膀胱癌根治术后2年", "prostate")
    assert removed("前列腺癌根治术后", "prostate") and not removed("前列腺癌根治术后", "bladder")
    assert not removed("医生建议做膀胱全切", "bladder") and not removed("膀胱肿瘤电切术后", "bladder")


def test_review_mends_a_cystectomy_only_weighed_is_not_done():
    from rjua.offer import removed
    for q in ("膀胱全切好还是电切好？膀胱镜示膀胱肿瘤3cm", "膀胱肿瘤，担心要膀胱全切，血尿",
              "膀胱肿瘤，医生说可能需要膀胱全切"):
        assert not removed(q, "bladder"), q


def test_an_upper_tract_mass_without_pathology_gets_its_work_up_before_a_radical_operation():
    q = "增强CT示右输尿管有占位，右肾积水，报告上没有具体的诊断结果"
    adv, path, _ = course(["右输尿管占位"], ["腹腔镜下右输尿管癌根治术", "尿常规"], q)
    assert adv == ["尿常规"] and "输尿管镜检查及活检" in path
    adv, _, _ = course(["右输尿管癌"], ["腹腔镜下右输尿管癌根治术"], q + "，输尿管镜活检病理为高级别尿路上皮癌")
    assert adv == ["腹腔镜下右输尿管癌根治术"]


def test_an_advice_naming_no_organ_nor_method_is_not_said():
    from rjua.offer import reply_items
    q = "67岁男性，血尿半个月，膀胱内少量血块"
    _, _, adv, _ = reply_items(q, ["血尿"], ["针对性切除", "保守扩张治疗", "膀胱穿刺造瘘术"], patient_facts(q))
    assert adv == ["膀胱穿刺造瘘术"]


def test_a_transurethral_resection_is_not_a_urachal_cancer_s_operation():
    q = "膀胱顶壁4cm新生物，诊断性电切病理为脐尿管腺癌"
    assert not coherent("经尿道膀胱肿瘤切除术", ["脐尿管癌"], q)
    # a urachal cyst beside a bladder tumour leaves its resection
    assert coherent("经尿道膀胱肿瘤切除术", ["膀胱肿瘤", "脐尿管囊肿"], "膀胱肿瘤2cm，另见脐尿管囊肿")
    assert coherent("经尿道膀胱肿瘤切除术", ["膀胱肿瘤"], "膀胱镜见膀胱右侧壁新生物")
