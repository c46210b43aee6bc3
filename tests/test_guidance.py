"""The clinical-step tables of rjua.guidance: every row told by its sign, and not without it."""
from rjua.guidance import (
    advanced,
    aml_treated,
    done,
    first_steps,
    indicated,
    operable,
    path_for,
    second_course,
    syndromes,
    workup,
)


def test_bph_operation_needs_a_complication_or_drugs_tried():
    assert not operable("前列腺增生", "夜尿次数明显增加，尿频")
    for said in ("残余尿量250ml", "反复血尿", "膀胱结石", "口服坦索罗辛半年，仍排尿费力", "吃药效果不好", "双肾积水"):
        assert operable("前列腺增生", said), said
    assert not operable("前列腺增生", "残余尿20ml")  # a small residual is no complication


def test_incontinence_operation_after_failed_training():
    assert not operable("压力性尿失禁", "咳嗽时漏尿")
    assert operable("压力性尿失禁", "咳嗽时漏尿，盆底肌锻炼半年效果不佳")


def test_a_spread_recurred_or_hormone_treated_cancer_gets_its_course():
    assert "内分泌治疗" in advanced(["前列腺癌"], "骨扫描示腰椎异常浓聚")
    assert "内分泌治疗" in advanced(["前列腺癌"], "目前ADT联合阿比特龙治疗")
    assert "靶向" in advanced(["左肾肿瘤"], "左肾癌术后，术区结节考虑复发")
    assert advanced(["前列腺癌"], "穿刺为腺癌，骨扫描未见转移") == ""
    assert advanced(["左肾结石"], "肝脏转移可能") == ""


def test_infection_in_the_tests_with_an_obstruction_is_a_first_step():
    steps = first_steps("左输尿管结石伴左肾积水，血常规白细胞升高", "您")
    assert steps and "控制感染" in steps[0]
    assert first_steps("左输尿管结石伴左肾积水，血常规白细胞正常", "您") == []
    assert first_steps("膀胱炎，尿白细胞升高", "您") == []  # no obstruction: no drainage


def test_a_raised_psa_is_worked_up_once():
    assert any("穿刺活检" in s for s in workup(["前列腺增生"], [], "PSA 6.8ng/ml"))
    assert workup(["前列腺增生"], ["前列腺MRI"], "PSA 6.8ng/ml") == []  # the answer's own exams name it
    assert workup(["前列腺增生"], [], "PSA 0.8ng/ml") == []
    assert workup(["前列腺癌"], [], "PSA 12，穿刺病理为腺癌 Gleason 4+3") == []


def test_phimosis_path_and_later_operations():
    assert "包皮环切术" in path_for(["包茎"])
    assert path_for(["前列腺增生"], ["汽化术"]).endswith("再考虑汽化术等手术。")
    assert path_for(["前列腺增生"]).endswith("再考虑手术。")


def test_a_picture_tells_its_diagnosis_named_as_the_candidates_name_it():
    assert syndromes("每当咳嗽或打喷嚏时就会漏尿") == ["压力性尿失禁"]
    assert syndromes("左肾上腺占位，醛固酮/肾素活性975↑，血钾2.9↓") == ["原发性醛固酮增多症"]
    assert syndromes("之前尿道有过外伤，平时小便很细") == ["尿道狭窄"]
    assert syndromes("尿频尿急，咳嗽三天") == [] and syndromes("平时小便很细") == []
    assert syndromes("咳嗽时漏尿", ["应力性尿失禁"]) == []  # named already


def test_hematuria_is_worked_up_unless_the_question_reports_the_work_up():
    assert any("膀胱镜" in s for s in workup(["右肾结石"], [], "最近一个月出现了血尿的症状"))
    assert workup(["右肾结石"], [], "出现血尿一个月，膀胱镜检查未见异常，尿细胞学阴性") == []
    assert workup(["左肾上腺肿瘤"], [], "左肾上腺占位，醛固酮/肾素活性975↑") == []


def test_a_sign_told_now_is_a_first_step_though_another_clause_tells_the_past():
    q = "已经有10个小时没怎么好好小便了，之前尿道有过外伤"
    assert first_steps(q, "您") and "膀胱穿刺造瘘" in first_steps(q, "您")[0]
    assert first_steps("三天前10个小时没有小便，已导尿，现在排尿通畅", "您") == []


def test_a_large_cyst_is_unroofed_when_it_grows_presses_or_hurts_not_for_its_size_alone():
    op = "腹腔镜下右肾囊肿去顶术"
    assert not indicated(op, "88岁，B超示双肾多发囊肿，最大约4*9cm，肉眼血尿伴尿痛")
    assert indicated(op, "右肾囊肿直径约88mm，近一年逐渐增大") and indicated(op, "右侧腰酸，右肾囊肿6cm")


def test_bladder_stone_proteinuria_and_testicular_mass_have_their_steps():
    assert "膀胱镜下碎石取石" in path_for(["膀胱结石", "左肾结石"]) and "膀胱" not in path_for(["左肾结石"])
    assert any("尿蛋白定量" in s for s in workup(["左肾结石"], [], "尿常规：尿蛋白2+，隐血+"))
    assert workup(["左肾结石"], [], "尿蛋白阴性") == []
    assert any("AFP" in s for s in workup(["左侧睾丸占位"], [], "发现左侧睾丸占位一月"))
    assert workup(["左侧睾丸占位"], ["AFP", "HCG"], "发现左侧睾丸占位一月") == []


def test_perineal_discomfort_and_painful_frequent_voiding_tell_their_diagnoses():
    assert syndromes("46岁男性，会阴区酸胀不适两年，尿频") == ["慢性前列腺炎"]
    assert syndromes("一周来尿频、尿急以及伴随尿痛") == ["泌尿道感染"]
    assert syndromes("尿频尿急，没有尿痛") == [] and syndromes("尿痛", ["膀胱炎"]) == []


def test_poor_semen_tells_male_subfertility():
    assert syndromes("精液检查结果显示精子质量不是很好") == ["男性不育症"]
    assert syndromes("精液检查正常，想要孩子") == []


def test_a_size_is_read_whole():
    op = "右经皮肾镜取石术"
    assert not indicated(op, "右侧输尿管下段靠近膀胱入口处有结石 0.8cm") and indicated(op, "右肾结石约25mm")


def test_review_cases_signs_stay_in_their_clause_and_denials_hold():
    assert first_steps("左肾积水，尿白细胞2个/HP，肌酐升高", "您")[0].startswith("您目前存在尿路梗阻并影响肾功能")
    for q in ("咳嗽、打喷嚏时不会漏尿，主要是尿急",
              "尿频尿急，排尿不痛",
              "精子活力还不错",
              "排尿费力，需要用力才能排出，尿液缓慢流出",
              "左肾上腺结节，血钾4.1，低密度影",
              "右肾上腺占位，醛固酮15pg/ml，皮质醇明显升高",
              "精液中带血，颜色异常"):
        assert syndromes(q) == [], q
    assert syndromes("左肾上腺占位，醛固酮/肾素活性975↑，钾2.9↓mmol/L") == ["原发性醛固酮增多症"]
    assert syndromes("咳嗽时漏尿", ["混合性尿失禁"]) == [] and syndromes("低钾，肾上腺腺瘤", ["原醛症"]) == []


def test_review_cases_operations_advanced_and_work_up():
    assert operable("前列腺增生", "吃坦洛新半年效果不明显") and operable("压力性尿失禁", "盆底肌锻炼半年没有改善")
    assert not operable("前列腺增生", "夜尿3次，请问用什么药") and not operable("前列腺增生", "想药物治疗")
    assert indicated("左经皮肾镜取石术", "左肾结石大小约2.3×1.5cm")
    assert not indicated("左经皮肾镜取石术", "右肾小结石，右肾囊肿约3.5cm")
    assert not indicated("腹腔镜下左肾囊肿去顶术", "左肾小囊肿，前列腺增大")
    grown = "左肾囊肿已经5年，过去一年里它还增大了。左肾下极约88mm×55mm的囊样低密度影"
    assert indicated("腹腔镜下左肾囊肿去顶术", grown)
    for d, q in ((["膀胱癌"], "请问会不会转移"), (["膀胱癌"], "骨扫描排除转移"), (["前列腺癌"], "骨密度检查异常"),
                 (["前列腺癌"], "服用比卡鲁胺，准备做根治手术"), (["右肾上腺肿瘤"], "右肾上腺肿瘤术后复发")):
        assert advanced(d, q) == "", q
    assert workup(["血尿"], [], "孩子6岁，感冒后出现血尿") == []
    assert workup(["男性不育"], [], "老公精液还没有检查") and workup(["血尿"], [], "出现血尿，请问需要做膀胱镜吗")
    assert "肾输尿管全长" not in path_for(["膀胱尿路上皮癌"]) and path_for(["嵌顿包茎"]) == ""
    assert "等等" not in path_for(["前列腺增生"], ["经尿道前列腺电切术等"])


def test_penile_fracture_renal_trauma_and_urethral_discharge_are_pictures():
    from rjua.guidance import own_course
    assert syndromes("昨天性生活后阴茎肿痛和血肿，超声显示阴茎左侧白膜断裂") == ["阴茎折断"]
    assert syndromes("阴茎勃起时有点疼，没有外伤") == []
    assert syndromes("从高处摔落后右侧腰痛，CT显示右肾包膜下有少量血肿") == ["肾挫伤"]
    assert syndromes("右侧腰痛，CT显示右肾包膜下血肿") == []  # a hematoma without a fall or a blow
    assert syndromes("摔倒后膝盖疼，B超右肾结石") == []
    assert syndromes("和女友发生性接触后出现尿道流脓") == ["尿道炎"]
    assert syndromes("尿道口没有分泌物，尿频") == []
    assert "白膜探查修补术" in own_course(["阴茎折断", "男性不育"]) and own_course(["男性不育"]) == ""
    assert "卧床" in own_course(["肾挫伤"]) and "头孢曲松" in own_course(["淋病"])
    assert own_course(["急性肾损伤"]) == "" and own_course(["尿道炎"]) == ""  # a kidney injury of no trauma
    assert any("淋球菌" in s for s in workup(["尿道炎"], [], "性接触之后出现了尿道流脓"))
    assert workup(["尿道炎"], [], "女，28岁，尿频尿急尿痛3天") == [] and "头孢曲松" not in path_for(["膀胱炎"])
    assert syndromes("3年前车祸肾挫伤，现在查出右肾囊肿6cm") == []  # an old trauma
    assert syndromes("我父亲2个月前做了前列腺电切手术，现在没有尿频尿急，也没有尿痛") == []  # symptoms denied
    assert syndromes("10个月前做了前列腺电切手术，现在尿频") == []


def test_a_pi_rads_4_or_5_lesion_is_biopsied_before_any_operation():
    from rjua.guidance import biopsy_first
    q = "PSA 5.73ng/ml，MRI显示前列腺外周带异常信号灶，考虑PI-RADS 5级别"
    assert biopsy_first(q) and any("穿刺活检" in s for s in workup(["前列腺增生"], ["前列腺穿刺活检"], q))
    assert not biopsy_first("MRI考虑PI-RADS 3类")
    assert not any("4至5分" in line for line in workup(["前列腺增生"], [], "考虑PI-RADS 3类"))
    assert not biopsy_first(q + "，穿刺病理示前列腺腺癌")
    assert workup(["前列腺癌"], [], q + "，穿刺病理示前列腺腺癌") == []  # a cancer the biopsy proved
    assert any("穿刺活检" in s for s in workup(["前列腺癌"], [], q))  # a guessed cancer is no pathology
    assert not any("高危" in s for s in workup(["前列腺增生"], [], "PSA 25ng/ml，医生说不像前列腺癌"))


def test_hematuria_told_in_everyday_words_is_worked_up():
    for said in ("我发现自己的尿液中有血丝", "最近两个月出现了肉眼可见的血尿", "小便里带血块"):
        assert any("膀胱镜" in s for s in workup([], [], "72岁男性，" + said)), said
    assert workup([], [], "72岁男性，没有血尿，尿频") == []


def test_storage_symptoms_weeks_after_a_prostate_operation_are_a_picture_with_their_course():
    from rjua.guidance import own_course
    q = "一个月前接受了前列腺钬激光剜除术，现在排尿通畅了，但晚上还要起夜8次，排尿时疼痛"
    assert syndromes(q) == ["前列腺术后下尿路症状"] and "M受体拮抗剂" in own_course(syndromes(q))
    assert syndromes("10年前做过前列腺电切，最近尿频") == [] and syndromes("一个月前做了前列腺剜除术，排尿通畅") == []


def test_a_penile_mass_is_biopsied_and_a_high_risk_prostate_cancer_staged():
    assert "活检" in path_for(["阴茎肿瘤"]) and "腹股沟淋巴结" in path_for(["阴茎癌"])
    q = "PSA值为170ng/ml，穿刺示前列腺腺癌，Gleason评分为3+3=6，骨扫描未见明显异常"
    assert any("PSMA" in s for s in workup(["前列腺癌"], [], q))
    assert workup(["前列腺癌"], [], q.replace("170", "8.5")) == []
    assert workup(["前列腺癌"], [], q + "，PSMA PET/CT未见转移") == []
    assert not any("PSMA" in s for s in workup(["前列腺增生"], [], "PSA 30ng/ml"))  # no cancer named: the PSA row


def test_a_test_the_question_reports_is_not_ordered_again_a_follow_up_is():
    from rjua.guidance import done
    assert done("前列腺特异抗原(PSA)", "我在3天前进行了PSA检查，结果显示为0.43ng/ml")
    assert not done("前列腺特异抗原(PSA)", "尿频尿急，担心前列腺有问题") and not done("定期复查PSA", "PSA 0.43")
    assert not done("PSA", "我没有查过PSA，B超前列腺增大，今年62岁") and not done("游离PSA/总PSA比值", "PSA 6.5ng/ml")
    assert not done("泌尿系统B超检查", "5年前B超提示右肾结石，最近右侧腰痛")  # an old or other scan: done anew


def test_bph_drugs_taken_call_for_an_operation_only_with_symptoms_still_told():
    assert not operable("前列腺增生", "前列腺增生病史，一直在服用坦索罗辛和非那雄胺，右肾囊肿")
    assert operable("前列腺增生", "口服坦索罗辛半年，仍夜尿4次、尿线变细")
    for working in ("吃保列治一年，现在没有尿频尿急了", "吃了哈乐半年，现在夜尿1次，挺好的"):
        assert not operable("前列腺增生", working), working


def test_hormone_therapy_and_nephrectomy_need_their_own_organs_cancer():
    from rjua.sites import supported
    q = "膀胱顶壁新生物，病理为低分化腺癌，前列腺增生（PI-RADS 2）"
    assert not supported("双睾切除术或药物去势", q) and not supported("腺性膀胱炎", q)
    assert supported("内分泌治疗", "穿刺示前列腺腺癌，骨转移") and supported("腺性膀胱炎", "活检示腺性膀胱炎")
    assert not supported("腹腔镜下左肾切除术", "CT示左肾上腺有肿物，左肾盂输尿管移行处结石")
    assert supported("腹腔镜下左肾切除术", "CT示左肾占位，考虑肾癌")


def test_a_recent_stone_operation_gets_its_aftercare_in_place_of_other_treatments():
    from rjua.guidance import aftercare
    from rjua.offer import course
    q = "我在一周前接受了右输尿管下段结石的手术，想了解接下来的治疗方案"
    assert "双J管" in aftercare(q) and aftercare("5年前做过输尿管镜碎石，现在左肾又有结石") == ""
    for planned in ("刚查出右输尿管结石，医生说要碎石", "最近想做输尿管镜碎石", "一周前做了胆结石手术，现在尿痛"):
        assert aftercare(planned) == "", planned
    assert aftercare("半个月前做了输尿管软镜碎石") and aftercare("5天前做了右侧PCNL")
    adv, path, _ = course(["右输尿管结石"], ["体外冲击波碎石", "尿常规"], q)
    assert "双J管" in path and adv == ["尿常规"]


def test_drugs_that_did_not_help_or_symptoms_still_told_allow_the_operation():
    assert operable("前列腺增生", "在服用多沙唑嗪后，我晚上排尿的情况并没有明显改善")
    assert operable("前列腺增生", "一直在接受药物治疗，我现在有些排尿困难")
    from rjua.guidance import aftercare
    assert aftercare("最近我做了一次全身麻醉下的输尿管镜下取石术") and not aftercare("最近想做输尿管镜碎石")


def test_an_adrenal_area_an_image_names_is_no_adrenal_mass():
    q = "62岁女性，左侧腰腹部酸胀，CT示左输尿管上段结石，右侧肾上腺区和肾旁有高密度灶，可能是多发囊肿"
    assert not any("肾上腺" in line for line in workup(["左输尿管结石"], [], q))
    assert any("肾上腺肿瘤术前" in line for line in workup(["左肾上腺肿瘤"], [], "CT示左肾上腺结节"))


def test_a_bilateral_aldosteronism_is_sampled_before_an_operation():
    q = "56岁男性，醛固酮/肾素活性比值1020↑，增强CT发现双侧肾上腺有结节状影"
    assert any("肾上腺静脉采血" in line for line in workup(["左肾上腺肿瘤"], [], q))
    one = "56岁男性，醛固酮/肾素活性比值1020↑，增强CT发现左侧肾上腺结节"
    assert not any("静脉采血" in line for line in workup(["左肾上腺肿瘤"], [], one))
    assert not any("静脉采血" in line for line in workup(["左肾上腺肿瘤"], [], q + "，已做肾上腺静脉采血提示左侧优势"))


def test_a_known_urothelial_cancer_needs_no_hematuria_work_up():
    assert any(line.startswith("血尿") for line in workup([], [], "70岁男性，肉眼血尿一周"))
    known = "70岁男性，肉眼血尿一周，术后病理为右肾盂高级别尿路上皮癌"
    assert not any(line.startswith("血尿") for line in workup([], [], known))


def test_a_bladder_mass_on_imaging_gets_cystoscopy_and_biopsy_not_the_hematuria_line():
    q = "83岁女性，肉眼血尿3个月，B超检查为膀胱占位性病变"
    lines = workup(["膀胱占位性病变"], [], q)
    assert any(line.startswith("膀胱占位需行膀胱镜") for line in lines)
    assert not any(line.startswith("血尿") for line in lines)
    proven = q + "，膀胱镜活检病理为尿路上皮癌"
    assert not any(line.startswith("膀胱占位") for line in workup(["膀胱肿瘤"], [], proven))


def test_no_staging_line_for_a_cancer_whose_spread_is_told():
    q = "穿刺病理为前列腺腺癌，Gleason 4+5，PSA 128ng/ml，盆腔淋巴结有转移，多发骨转移"
    assert not any(line.startswith("PSA在20") for line in workup(["前列腺癌"], [], q))
    local = "穿刺病理为前列腺腺癌，Gleason 4+4，PSA 28ng/ml"
    assert any(line.startswith("PSA在20") for line in workup(["前列腺癌"], [], local))


def test_erectile_dysfunction_has_its_course():
    assert "PDE5抑制剂" in path_for(["勃起功能障碍"]) and "PDE5" not in path_for(["包皮过长"])


def test_the_review_cases_of_the_work_up_rows():
    def lines(d, q):
        return [line[:6] for line in workup(d, [], q)]
    for q in ("65岁男性，无痛性肉眼血尿一周，B超示膀胱未见占位",
              "肉眼血尿，尿膀胱肿瘤抗原阴性"):
        assert "血尿需完善泌" in lines(["血尿"], q), q  # a negative result is no tumour known
    for q in ("膀胱癌根治术后两年，回肠膀胱，复查CT发现膀胱区软组织占位",
              "膀胱肿瘤，已经做了膀胱镜，医生说要电切",
              "膀胱肿瘤术后一年，每月膀胱灌注吡柔比星"):
        assert "膀胱占位需行" not in lines(["膀胱肿瘤"], q), q
    assert "膀胱占位需行" not in lines([], "B超：膀胱后方实性结节")  # beside the bladder, not in it
    normal = "双侧肾上腺CT未见明显异常，醛固酮升高"
    assert not any("静脉采血" in line for line in workup(["原发性醛固酮增多症"], [], normal))
    done = "醛固酮/肾素比值升高，CT示双侧肾上腺结节，已做过肾上腺静脉取血"
    assert not any("静脉采血" in line for line in workup(["左肾上腺肿瘤"], [], done))
    assert lines(["左肾错构瘤"], "CT：左肾上腺及左肾下极错构瘤，4.5cm") == []
    assert lines([], "左肾上腺区占位，考虑肾癌转移可能") == []


def test_an_equivocal_prostate_mri_gets_its_work_up():
    q = "76岁男性，PSA从8.23升到10.54，没有尿频尿急，前列腺磁共振PI-RADS 3分"
    assert any("PI-RADS 3分" in line for line in workup(["前列腺增生"], [], q))
    assert not any("PI-RADS 3分" in line for line in workup(["前列腺增生"], [], "PI-RADS 4分"))
    proven = q + "，穿刺病理为前列腺腺癌"
    assert not any("PI-RADS 3分" in line for line in workup(["前列腺癌"], [], proven))


def test_a_kidney_cancer_that_has_spread_is_not_told_it_recurred_after_an_operation():
    line = advanced(["左肾肿瘤"], "PET-CT示左肾软组织团块，考虑恶性，伴周围淋巴结转移")
    assert "复发或转移" in line and "术后" not in line


def test_retroperitoneal_fibrosis_and_ureteral_stricture_have_their_courses():
    assert "糖皮质激素" in path_for(["腹膜后纤维化"]) and "糖皮质激素" not in path_for(["右肾囊肿"])
    assert "肠代输尿管" in path_for(["右侧输尿管狭窄"]) and "肠代输尿管" not in path_for(["右输尿管结石"])


def test_an_encrusted_stent_is_cleared_and_changed_first():
    q = "右侧输尿管管口有一个支架管在位，表面有结石形成"
    assert "结壳" in first_steps(q, "您")[0]
    assert first_steps("右侧输尿管结石，留置DJ管一个月，拔管后复查未见结石", "您") == []


def test_a_thickened_ureteral_wall_is_worked_up_unless_a_tumour_is_known():
    q = "CT示右肾盂多发结石，右侧上段输尿管壁也有增厚"
    assert any(line.startswith("输尿管壁增厚") for line in workup(["右肾结石"], [], q))
    assert not any(line.startswith("输尿管壁增厚") for line in workup(["右输尿管占位"], [], q))
    assert not any(line.startswith("输尿管壁增厚") for line in workup(["右肾结石"], [], "右输尿管壁未见增厚"))


def test_a_benign_prostate_biopsy_is_done_and_a_high_psa_gets_its_follow_up():
    q = "PSA值为105ng/ml，之前进行了前列腺穿刺术，病理结果显示前列腺组织增生伴间质慢性炎"
    assert done("前列腺穿刺活检", q) and not done("前列腺穿刺活检", "PSA 16ng/ml，还没有做穿刺")
    assert any("靶向穿刺" in line for line in workup(["前列腺增生"], [], q))
    cancer = "PSA 16ng/ml，前列腺穿刺病理为腺癌，Gleason 3+4"
    assert not any("靶向穿刺" in line for line in workup(["前列腺癌"], [], cancer))
    assert not any("靶向穿刺" in line for line in workup(["前列腺增生"], [], "前列腺穿刺病理为增生，PSA 2.1ng/ml"))


def test_a_urachal_cancer_has_its_own_course():
    assert "膀胱部分切除术" in path_for(["脐尿管癌", "膀胱占位"])
    assert "膀胱部分切除术" not in path_for(["膀胱占位"])


def test_review_cases_of_the_benign_biopsy_the_stent_and_the_new_courses():
    benign = "前列腺穿刺病理为增生，PSA 12。现在肉眼血尿两周，B超示膀胱占位"
    assert done("前列腺穿刺活检", benign) and not done("膀胱镜活检", benign)
    for q in ("前列腺穿刺术后发热，病理结果还没出，B超提示前列腺增生伴炎症，PSA 25",
              "医生建议前列腺穿刺，查结果前列腺增生",
              "前列腺穿刺活检？结果会是增生吗",
              "我父亲前列腺穿刺结果为良性，我PSA 12",
              "6年前进行了前列腺穿刺，结果显示前列腺增生。tPSA 105",
              "前列腺穿刺病理：非典型小腺泡增生(ASAP)，PSA 12"):
        assert not done("前列腺穿刺活检", q), q
    for q in ("右侧支架管在位，右肾结石1.5cm",
              "留置双J管，准备下个月碎石取结石",
              "支架管取出，结石碎石后复查未见结石",
              "CT示双J管位置可，下段仍有结石残留"):
        assert first_steps(q, "您") == [], q
    upj = path_for(["左肾盂输尿管连接部狭窄"])
    assert "肾盂成形术" in upj and "肠代输尿管" not in upj
    assert "药物排石" in path_for(["右输尿管结石伴狭窄"])
    for benign_remnant in ("脐尿管囊肿", "脐尿管未闭", "脐尿管瘘"):
        assert "膀胱部分切除术" not in path_for([benign_remnant])
    assert not any(line.startswith("输尿管壁增厚") for line in workup(["右输尿管结石"], [], "膀胱壁增厚"))


def test_spread_worried_about_asked_about_or_a_relatives_is_no_spread():
    for q in ("膀胱癌会转移吗",
              "请问膀胱癌容易转移吗",
              "膀胱肿瘤，怕以后转移",
              "膀胱癌，家族中父亲肺癌骨转移",
              "膀胱癌，转移待排"):
        assert advanced(["膀胱癌"], q) == "", q
    father = "我父亲84岁，穿刺活检为前列腺腺癌，PET-CT提示肝脏转移可能"
    assert advanced(["前列腺癌"], father)  # the patient is the father


def test_scrotal_pain_gets_a_doppler_and_a_young_patients_painful_hematuria_no_tumour_work_up():
    assert any("多普勒" in line for line in workup(["阴囊疼痛"], [], "右侧阴囊肿痛，没有发热"))
    assert not any("多普勒" in line for line in workup(["阴囊疼痛"], [], "右侧阴囊肿痛，阴囊彩超示附睾炎"))
    uti = "32岁女性，尿频、尿急、尿痛，出现肉眼血尿"
    assert not any(line.startswith("血尿需") for line in workup(["泌尿道感染"], [], uti))
    assert any(line.startswith("血尿需") for line in workup(["泌尿道感染"], [], uti.replace("32岁", "62岁")))


def test_a_reported_scan_urinalysis_or_psa_is_not_advised_again():
    from rjua.guidance import done
    infertile = "没有怀孕，在医院也做了B超说我的肾区、腹部、睾丸还有附睾以及阴茎都是正常的，也没做过什么手术"
    assert done("完善B超", infertile) and done("阴囊B超", infertile)
    assert not done("经直肠前列腺超声", infertile) and not done("复查B超", infertile)
    for q in ("3年前B超示左肾结石", "心彩超示左房增大", "建议做B超看看肾脏", "没做B超，左侧腰痛"):
        assert not done("泌尿系统B超检查", q), q
    assert done("泌尿系统B超检查", "B超提示左肾积水") and not done("泌尿系统B超检查", "左肾积水")
    assert done("MRI", "磁共振检查中发现膀胱左后壁有局部小结节增厚") and not done("MRI", "建议做MRI看看前列腺")
    assert done("尿常规", "尿常规提示有尿潜血") and not done("尿常规", "最近尿常规异常")
    assert not done("尿常规", "没做尿常规")
    assert done("前列腺特异抗原(PSA)", "总前列腺特异性抗原1.86ng/ml")


def test_a_high_psa_without_a_biopsy_gets_the_biopsy_first_and_its_suspicion_said():
    from rjua.guidance import biopsy_first
    high = "PSA 61ng/ml，前列腺增大伴钙化"
    assert biopsy_first(high) and any(line.startswith("PSA明显升高") for line in workup([], [], high))
    for q in ("PSA 2.0ng/ml", "PSA>100ng/ml，穿刺Gleason 4+5=9分",
              "PSA 25ng/ml，前列腺穿刺活检病理为前列腺增生",
              "外院的PSA检测结果显示为443ng/ml，穿刺结果也提示前列腺增生"):
        assert not biopsy_first(q), q
        assert not any(line.startswith("PSA明显升高") for line in workup([], [], q)), q


def test_a_catheter_that_cannot_come_out_gets_its_trial_and_the_relief_of_the_obstruction():
    steps = first_steps("但是因为尿潴留无法拔除导尿管，膀胱多发结石", "您")
    assert steps and "试行拔管" in steps[0] and "留置导尿管" not in steps[0]
    assert not any("试行拔管" in s for s in first_steps("尿潴留，导尿管已拔除，现在排尿通畅", "您"))


def test_a_second_problem_elsewhere_gets_its_course_when_nothing_treats_it():
    assert second_course(["前列腺增生", "左肾结石"], ["经尿道前列腺激光剜除术"]).startswith("另外，左肾结石方面")
    assert second_course(["前列腺增生", "左肾结石"], ["左输尿管镜碎石术"]) == ""
    assert second_course(["前列腺癌", "前列腺增生"], []) == ""  # the same region: the leading course covers it
    assert second_course(["右肾错构瘤", "左肾结石"], ["机器人右肾部分切除术"]).startswith("另外，左肾结石方面")


def test_an_angiomyolipoma_is_treated_on_the_side_that_calls_for_it():
    from rjua.guidance import aml_treated
    q = "双肾多发错构瘤，右侧较大约3*6mm，左侧较大约7*3mm。右肾下极直径约5*6cm的区域见脂肪密度"
    assert aml_treated("双肾微波辅助肿瘤剜除术", q) == "右肾微波辅助肿瘤剜除术"
    assert aml_treated("左肾微波辅助肿瘤剜除术", q) == ""
    assert aml_treated("左肾部分切除术", "左肾错构瘤约38mm，增强后不均匀强化") == "左肾部分切除术"  # no side told
    assert aml_treated("左肾部分切除术", "左肾癌约3cm，右肾错构瘤6cm") == "左肾部分切除术"  # a cancer
    assert aml_treated("左输尿管镜碎石术", q) == "左输尿管镜碎石术"


def test_neoadjuvant_hormones_are_no_sign_of_advanced_disease():
    q = "我之前接受了前列腺恶性肿瘤的新辅助内分泌治疗，已经进行了5个月，左侧股骨头有异常强化灶"
    assert advanced(["前列腺癌"], q) == ""
    assert advanced(["前列腺癌"], "前列腺癌内分泌治疗5个月，骨扫描示多发骨转移")


def test_a_blood_count_told_with_values_is_not_ordered_again():
    from rjua.guidance import done
    assert done("血常规", "查了血C反应蛋白＜0.5，白细胞：13.08，中性粒细胞占比：83.4%")
    assert not done("血常规", "尿常规：镜检白细胞12/HP") and not done("血常规", "发热两天")


def test_a_bone_scan_hot_spot_and_groin_discomfort_get_their_work_up():
    q = "穿刺病理为前列腺癌，Gleason 4+3=7分。骨扫描检查显示右侧第1前肋有显像剂浓聚灶，建议定期随访"
    assert any(line.startswith("骨扫描的可疑浓聚灶") for line in workup(["前列腺癌"], [], q))
    assert not any(line.startswith("骨扫描") for line in workup(["前列腺癌"], [], "骨扫描未见明显异常"))
    assert not any(line.startswith("骨扫描") for line in workup(["前列腺癌"], ["PSMA PET/CT"], q))
    assert any(line.startswith("腹股沟") for line in workup(["前列腺增生"], [], "右侧腹股沟不适，尿频尿急"))
    assert not any(line.startswith("腹股沟") for line in workup(["腹股沟疝"], [], "右侧腹股沟包块"))


def test_bph_drugs_taken_change_its_course():
    on = path_for(["前列腺增生"], question="目前我正在服用坦索罗辛药物，排尿费力，夜尿5次")
    assert "已在药物治疗" in on and "首选α受体阻滞剂" not in on
    on = path_for(["前列腺增生"], question="目前我正在服用坦索罗辛药物，夜尿5次")  # storage symptoms only
    assert "M受体拮抗剂" in on and "首选α受体阻滞剂" not in on
    assert "首选α受体阻滞剂" in path_for(["前列腺增生"], question="夜尿5次，请问吃什么药")


def test_review_mends_biopsies_psa_catheter_and_the_side_of_an_angiomyolipoma():
    from rjua.guidance import aml_treated, biopsy_first, done
    thyroid = "PSA 28ng/ml，上个月做了甲状腺结节穿刺，结果良性"
    assert not done("前列腺穿刺活检", thyroid) and biopsy_first(thyroid)
    assert not done("前列腺穿刺活检", "PSA 28ng/ml，前列腺穿刺活检结果希望是良性")
    for known in ("前列腺癌根治术后2年，PSA升到25ng/ml", "确诊前列腺癌，PSA 30ng/ml"):
        assert not biopsy_first(known), known
    assert biopsy_first("PSA 61ng/ml，需排除前列腺癌")
    assert not done("前列腺特异抗原(PSA)", "PSA想查一下，今年68岁") and done("前列腺特异抗原(PSA)", "PSA 4.5ng/ml")
    assert not done("泌尿系统B超检查", "妻子做了B超提示肾结石")
    assert not done("泌尿系统B超检查", "B超做了，肾脏结果明天出")
    for q in ("上个月因尿潴留无法拔除导尿管，后来做了电切，现在排尿很好", "担心以后会不会无法拔除导尿管"):
        assert not any("试行拔管" in s for s in first_steps(q, "您")), q
    q = "右肾错构瘤约5cm、左肾错构瘤约1cm"
    assert aml_treated("左肾部分切除术", q) == "" and aml_treated("右肾部分切除术", q) == "右肾部分切除术"
    assert aml_treated("右肾部分切除术", "右肾错构瘤约1cm，右肾没有出血。左肾错构瘤5cm") == ""


def test_a_high_psa_line_asks_for_no_mri_the_question_reports():
    told = workup([], [], "PSA 61ng/ml，增强MR示PI-RADS 2")
    assert any("穿刺活检" in line and "磁共振" not in line for line in told)
    assert any("磁共振" in line for line in workup([], [], "PSA 61ng/ml"))
    assert not any("完善前列腺多参数磁共振" in line for line in workup([], [], "PSA 11ng/ml，外院MR示前列腺增生"))
    five_ari = [line for line in workup([], [], "服用非那雄胺一年，PSA 5.2ng/ml") if line.startswith("服用非那雄胺")]
    assert five_ari and "磁共振" not in five_ari[0]


def test_a_lumbar_mri_is_no_urological_mri_and_an_organ_named_mri_advice_is_matched():
    q = "66岁，腰椎MRI示腰椎间盘突出，双肾没问题，体检PSA 8.5ng/ml，夜尿多"
    assert not done("MRI", q) and any("多参数磁共振" in line for line in workup(["前列腺增生"], [], q))
    assert done("前列腺MRI", "前列腺MRI显示PI-RADS 4分") and done("盆腔MRI", "盆腔MRI示前列腺增生")
    assert not done("前列腺MRI", "前列腺MRI还没出结果")


def test_a_raised_psa_is_explained_beside_an_advised_biopsy_and_after_a_reported_mri():
    q = "有3年的前列腺增生病史，最近复诊发现PSA值升高了"
    assert any(line.startswith("PSA升高时需复查PSA并完善") for line in workup(["前列腺增生"], ["前列腺穿刺活检"], q))
    told = "PSA 5.98ng/ml，前列腺平扫增强检查示前列腺左叶外周带局部信号异常"
    assert any("结合已做的前列腺磁共振" in line for line in workup(["前列腺增生"], [], told))
    assert not any(line.startswith("PSA升高") for line in workup(["前列腺增生"], [], "PSA 7.8ng/ml，MRI示PI-RADS 3"))
    assert not any(line.startswith("PSA升高") for line in workup([], [], q + "，穿刺病理结果为前列腺增生"))


def test_a_leukaemia_the_question_reports_is_treated_with_the_haematologists():
    q = "血尿半个月，最近还刚查出来白血病，还没来得及治疗"
    assert any("血液科" in line for line in workup(["血尿"], [], q))
    assert not any("血液科" in line for line in workup(["血尿"], [], "血尿半个月，没有白血病"))


def test_an_angiomyolipoma_side_counts_no_bleeding_asked_about_and_no_cysts_size():
    from rjua.guidance import aml_treated
    assert aml_treated("右肾部分切除术", "左肾错构瘤5cm，右肾错构瘤1cm，右肾会不会出血") == ""
    assert aml_treated("右肾部分切除术", "左肾错构瘤5cm，右肾错构瘤1cm，右肾错构瘤出血") == "右肾部分切除术"
    assert aml_treated("右肾部分切除术", "右肾错构瘤3cm，左肾错构瘤5cm") == ""
    assert aml_treated("右肾部分切除术", "左肾错构瘤5cm，右肾囊肿6cm") == ""  # the cyst's size is no reason


def test_an_upper_tract_growth_gets_cytology_a_ctu_and_a_ureteroscopy_unless_scoped_or_known():
    q = "CTU示右侧输尿管中段充盈缺损"
    assert any(line.startswith("上尿路占位需行尿脱落细胞学") for line in workup(["右输尿管占位"], [], q))
    assert not any(line.startswith("上尿路占位") for line in workup(["右输尿管癌"], [], q))
    assert not any(line.startswith("上尿路占位") for line in workup(["右输尿管占位"], ["输尿管镜检查"], q))
    assert not any(line.startswith("上尿路占位") for line in workup(["右输尿管占位"], [], "右输尿管结石"))


def test_a_nephrectomy_asks_for_the_split_function_and_the_other_kidneys_stones():
    from rjua.guidance import before_nephrectomy
    lines = before_nephrectomy(["腹腔镜下左肾切除术"], ["双肾结石", "左肾积水"], "双肾结石，左肾萎缩，皮质菲薄")
    assert lines[0].startswith("切除一侧肾脏前") and lines[1].startswith("右肾结石")
    assert before_nephrectomy(["腹腔镜下左肾切除术"], ["左肾结石"], "肾图示左肾功能10%") == []
    assert before_nephrectomy(["腹腔镜下左肾部分切除术", "左侧肾输尿管全长切除术"], ["左肾癌"], "") == []


def test_a_suspected_cancer_keeps_the_lines_that_explain_its_biopsy_and_has_its_own_course():
    from rjua.pictures import SUSPECTED_PROSTATE_CANCER
    q = "长期服用非那雄胺，PSA 5.73ng/ml，MRI考虑PI-RADS 5级别"
    lines = workup([SUSPECTED_PROSTATE_CANCER, "前列腺增生"], ["前列腺穿刺活检"], q)
    assert any("PI-RADS 4至5分" in line for line in lines) and any("乘以2" in line for line in lines)
    assert path_for([SUSPECTED_PROSTATE_CANCER]).startswith("治疗方面，确诊前列腺癌后")
    assert not any("PI-RADS 4至5分" in line for line in workup(["前列腺癌"], ["穿刺活检病理"], q + "，穿刺病理为腺癌"))


def test_review_mends_an_mri_planned_or_of_the_spine_is_no_reported_mri_and_a_leukaemia_is_the_patients_own():
    for q in ("66岁男性，PSA 8.5ng/ml，夜尿多，医生建议做前列腺磁共振", "PSA 8.5ng/ml，磁共振还没做",
              "66岁男性，腰椎的MRI示腰椎间盘突出，体检PSA 8.5ng/ml"):
        lines = workup(["前列腺增生"], [], q)
        assert any("完善前列腺多参数磁共振" in line for line in lines) and not any("已做" in line for line in lines), q
    assert done("MRI", "最近做了一次外院的MR检查，结果显示左侧叶外周带有占位")
    assert not done("MRI", "腰椎的MRI示腰椎间盘突出，双肾没问题")
    for q in ("我今年40岁，男，无痛性血尿2周。我弟弟前年因白血病去世。", "血常规正常，已排除白血病",
              "10年前患白血病，已治愈"):
        assert not any("血液科" in line for line in workup(["血尿"], [], q)), q


def test_a_5_alpha_reductase_inhibitor_alone_gets_an_alpha_blocker_before_an_operation():
    q = "88岁，一直在服用非那雄胺，效果一般，但是我发现尿流分叉，尿的最后几滴会滴沥出来"
    assert not operable("前列腺增生", q) and operable("前列腺增生", q.replace("非那雄胺", "非那雄胺和坦索罗辛"))
    assert "加用α受体阻滞剂" in path_for(["前列腺增生"], question=q)
    assert "加用α受体阻滞剂" not in path_for(["前列腺增生"], question="口服坦索罗辛半年，仍尿频")


def test_a_flexible_ureteroscopy_needs_a_stone_of_5_mm_or_its_trouble():
    assert not indicated("左FURSL术", "一年半前做过左经皮肾镜取石术。CT复诊发现左肾还有小结石残留")
    assert indicated("左FURSL术", "左肾下盏结石约8mm") and indicated("输尿管软镜碎石术", "左肾结石伴积水，腰痛")
    assert not indicated("输尿管软镜碎石术", "左肾结石3mm")


def test_an_operation_the_question_calls_for_is_the_course_and_a_thick_bladder_wall_after_utuc_is_scoped():
    q = "前列腺增生，长期留置导尿，反复血尿需输血"
    assert path_for(["前列腺增生"], question=q).startswith("治疗方面，前列腺增生已出现")
    assert not path_for(["前列腺增生"], question="夜尿3次").startswith("治疗方面，前列腺增生已出现")
    after = "两年前左侧输尿管恶性肿瘤手术，膀胱左侧壁增厚、毛糙"
    assert any("膀胱镜检查，排除膀胱内复发" in line for line in workup(["膀胱结石"], [], after))
    assert not any("膀胱内复发" in line for line in workup(["膀胱结石"], [], "膀胱壁增厚，前列腺增生"))


def test_a_biopsy_taken_without_its_result_and_a_hypoechoic_prostate_nodule_get_their_lines():
    taken = "医生给我做了龟头活检检查，根据医生的活检结果，他们怀疑我可能患有癌症，但我还没有看到具体的病理报告"
    assert any(line.startswith("已做的活检") for line in workup(["阴茎肿瘤"], [], taken))
    told = "五年前我曾进行前列腺穿刺活检，结果显示我有前列腺增生伴炎症"
    assert not any(line.startswith("已做的活检") for line in workup(["前列腺增生"], [], told))
    assert any("低回声结节" in line for line in workup(["前列腺增生"], ["PSA"], "检查发现前列腺有一个低回声结节"))
    assert not any("低回声结节" in line for line in workup(["前列腺增生"], [], "B超示前列腺增生伴钙化"))


def test_a_scrotal_pain_of_years_is_no_torsion_and_groin_pain_is_read_across_a_conjunction():
    q = "右侧腹股沟和睾丸已经感到疼痛和不适已经有5年了，最近一个月再次出现疼痛"
    lines = workup(["阴囊疼痛"], [], q)
    assert not any("睾丸扭转" in line for line in lines) and any(line.startswith("腹股沟") for line in lines)
    assert any("睾丸扭转" in line for line in workup(["阴囊疼痛"], [], "右侧睾丸疼痛2小时"))


def test_a_small_stone_is_operated_on_only_for_its_trouble():
    q = "32岁男，左侧腰部隐隐地疼半年，别的医院说左肾下盏有个小结石，没发烧，没有血尿"
    assert not operable("左肾小结石", q) and operable("左肾小结石", "左肾小结石伴左肾积水")
    assert operable("左肾小结石", "左肾小结石，药物排石无效") and operable("左肾结石", q)
    # a kidney stone told without a pain, an obstruction, a bleed, an infection or a size: no operation yet
    found = "71岁男性，检查发现左肾结石和前列腺增大，左侧输精管阴囊段扩张，前列腺大小3*5*3cm"
    assert not operable("左肾结石", found) and operable("左肾结石", "左肾结石1.5cm")
    assert operable("右肾结石", "右肾结石伴积水") and operable("左肾结石", "左肾结石，排石治疗无效")
    assert operable("右肾结石", "右侧肾盂结石伴肾盂及输尿管近端扩张")


def test_nocturia_on_drugs_with_a_good_stream_is_worked_up_before_an_operation():
    q = "71岁男性，晚上起夜4次左右，排尿还算通畅，口服特拉唑嗪和非那雄胺的效果并不理想"
    assert not operable("前列腺增生", q) and "M受体拮抗剂" in path_for(["前列腺增生"], question=q)
    weak = "71岁男性，起夜4次，排尿费力，口服特拉唑嗪和非那雄胺的效果并不理想"
    assert operable("前列腺增生", weak) and "M受体拮抗剂" not in path_for(["前列腺增生"], question=weak)
    assert operable("前列腺增生", "排尿还算通畅，但B超示膀胱结石")  # a complication still calls for one


def test_foamy_urine_is_worked_up_for_a_proteinuria():
    assert any("尿蛋白定量" in line for line in workup(["前列腺增生"], [], "我尿中泡沫增多好几个月了"))
    assert not any("泡沫" in line for line in workup(["前列腺增生"], [], "尿中泡沫增多，尿蛋白阴性"))
    assert not any("泡沫" in line for line in workup(["前列腺增生"], [], "夜尿3次"))


def test_an_angiomyolipoma_side_counts_neither_a_cysts_size_nor_a_feared_bleed():
    op, big = "右肾部分切除术", "左肾错构瘤5cm，右肾错构瘤1cm，"
    for tail in ("右肾囊肿，大小约6cm", "担心右肾错构瘤破裂出血", "右肾错构瘤有出血风险吗", "右肾错构瘤怕出血"):
        assert aml_treated(op, big + tail) == "", tail
    assert aml_treated(op, "左肾错构瘤1cm，右肾错构瘤，大小约6cm") == op
    assert aml_treated(op, "左肾错构瘤1cm，右肾错构瘤近期破裂出血") == op


def test_a_prostate_scan_alone_does_not_answer_a_urinary_ultrasound():
    assert not done("泌尿系B超", "无痛性肉眼血尿2周，经直肠B超示前列腺体积45ml")
    assert not done("泌尿系B超", "血尿，做了前列腺B超，提示前列腺增大，肾没查")
    assert done("泌尿系B超", "B超示前列腺增生，双肾未见异常")
    assert done("泌尿系B超", "经直肠B超示前列腺增大，双肾未见积水")


def test_review_mends_the_stream_and_the_stone_operations():
    failed = "吃坦索罗辛半年效果不好，"
    for q in ("以前排尿还算通畅，最近半年排尿费力", "父亲排尿正常，我排尿费力", "排尿费力，希望排尿能通畅",
              "尿线时粗时细，排尿费力", "排尿一直无法通畅"):
        assert operable("前列腺增生", failed + q), q
    q = "吃坦索罗辛半年，现在还是排尿费力，起夜3次，希望排尿能通畅"
    assert "M受体拮抗剂" not in path_for(["前列腺增生"], question=q)
    for q in ("体检发现左肾结石3mm，没有任何不适", "体检发现左肾结石，右侧睾丸鞘膜积水", "左肾结石，幽门螺杆菌感染",
              "左肾结石，右肾囊肿3cm", "左肾结石，担心以后会肾绞痛", "左肾结石，会不会引起肾积水？",
              "左肾结石，怕以后腰痛"):
        assert not operable("左肾结石", q), q
    assert operable("前列腺增生", "排尿困难，出现过尿潴留") and not operable("前列腺增生", "排尿困难，怕以后尿潴留")
    assert not operable("左肾小结石", "左肾小结石，还没排出")
    assert operable("左肾小结石", "左肾小结石，药物排石后一直没有排出")


def test_a_spread_only_possible_is_no_spread_and_a_urethritis_gets_its_swab():
    assert not advanced(["脐尿管癌"], "左侧髂血管旁淋巴结部分肿大，可能存在转移")
    assert advanced(["脐尿管癌"], "骨扫描提示多发骨转移")
    lines = workup(["尿道炎", "泌尿道感染"], [], "尿分叉，伴有尿道刺痛和尿道分泌物")
    swab = [line for line in lines if "淋球菌" in line]
    assert swab and "淋球菌" not in path_for(["尿道炎", "泌尿道感染"])  # said once, as the work-up


def test_an_anticoagulant_taken_is_managed_before_an_operation():
    said = [line for line in workup(["右肾结石"], [], "房颤，目前正在接受利伐沙班抗凝治疗") if "抗凝" in line]
    assert said and "桥接" in said[0]
    for q in ("长期服用阿司匹林，已停药一周", "对阿司匹林过敏", "没有服用抗凝药物"):
        assert not any("抗凝" in line for line in workup(["右肾结石"], [], q)), q


def test_second_review_mends_stone_sizes_questions_and_hedged_spread():
    for q in ("左肾结石6×4mm", "左肾结石0.6×0.4cm", "B超：左肾结石，大小约1.2cm", "左肾多发结石，最大约6mm",
              "右肾结石伴积水需要手术吗", "左肾结石伴感染", "左输尿管扩张，左肾结石"):
        assert operable("左肾结石", q) or operable("右肾结石", q), q
    assert operable("前列腺增生", "前列腺增生尿潴留需要手术吗")
    assert operable("左肾小结石", "左肾小结石，吃药一个月没排出")
    for q in ("可能存在骨转移", "不排除淋巴结转移", "可疑转移", "可能有淋巴结转移"):
        assert not advanced(["前列腺癌"], q), q
    assert advanced(["前列腺癌"], "骨扫描提示多发骨转移")


def test_storage_symptoms_only_on_an_alpha_blocker_get_bladder_drugs_before_an_operation():
    q = "49岁，尿频尿急，每晚起床3-4次，服用多沙唑嗪后没有明显改善，又换了赛洛多辛"
    assert not operable("前列腺增生", q) and "M受体拮抗剂" in path_for(["前列腺增生"], question=q)
    assert operable("前列腺增生", q + "，排尿费力") and operable("前列腺增生", q + "，B超示膀胱结石")
    assert not operable("前列腺增生", "口服坦索罗辛半年，仍尿频")


def test_a_high_fever_written_as_gao_shao_is_a_fever():
    q = "左侧腰反复疼，2天前开始出现发高烧，最高39.8℃。CT示左侧输尿管上段结石伴上尿路积水"
    assert any("抗生素" in line for line in first_steps(q, "您")) and operable("左肾结石", "左肾结石，发高烧")


def test_a_proven_bladder_cancer_gets_the_course_of_its_pathology():
    resected = "两个月前做了经尿道膀胱肿瘤电切术，术后病理为高级别尿路上皮癌"
    assert "侵犯肌层（" in path_for(["膀胱癌"], question=resected + "，侵犯到平滑肌组织")
    assert "电切术后病理为尿路上皮癌而未侵犯肌层" in path_for(["膀胱癌"], question=resected + "，未侵犯肌层")
    assert "灌注治疗后又出现" in path_for(["膀胱占位"], question=resected + "。术后膀胱灌注4次。CT示膀胱右侧壁占位")
    assert "膀胱镜活检已提示" in path_for(["膀胱占位"], question="膀胱镜见菜花样新生物，病理提示高级别尿路上皮癌")
    # no pathology yet, or a pathology of the renal pelvis: the usual course
    assert "尚无病理时" in path_for(["膀胱占位"], question="B超发现膀胱占位2cm")
    upper = "做过经尿道膀胱电切术。病理显示右肾盂高级别尿路上皮癌。B超示膀胱占位"
    assert "尚无病理时" in path_for(["膀胱占位"], question=upper)


def test_a_prostate_with_no_urinary_symptom_needs_no_drug():
    assert "没有明显排尿症状时" in path_for(["前列腺增生"], question="CT顺便发现前列腺增大伴钙化")
    assert "没有明显排尿症状时" in path_for(["前列腺增生"], question="体检发现前列腺增生，PSA正常，没有任何不适")
    assert "没有明显排尿症状时" in path_for(["前列腺增生"], question="取石术中发现我有前列腺增生，接下来怎么办")
    for q in ("体检发现前列腺增生，右肾积水，右输尿管结石",
              "体检发现前列腺增生，左腰痛一周", "体检发现前列腺增生，PSA 0.8ng/ml"):  # a finding told in passing
        assert "没有明显排尿症状时" in path_for(["前列腺增生"], question=q), q
    for q in ("前列腺增大，夜尿3次", "前列腺增生，排尿费力", "前列腺增生，尿潴留后导尿", "前列腺增大伴钙化",
              *(f"体检发现前列腺增生，{s}" for s in (
                  "晚上起来上厕所三四次", "尿尿很慢", "解手费劲", "尿不干净", "有时漏尿", "尿憋不住", "射程短",
                  "反复尿路感染", "PSA 12", "前列腺特异性抗原 12ng/ml", "MRI示PI-RADS 4类结节", "直肠指检摸到硬结节",
                  "最近尿里有血", "夜里要上两三次", "尿完还滴滴答答", "IPSS评分20分", "肌酐180", "膀胱小梁形成",
                  "一直在吃中药前列康", "突入膀胱3cm"))):
        assert "没有明显排尿症状时" not in path_for(["前列腺增生"], question=q)


def test_a_one_sided_aldosteronism_gets_venous_sampling_before_its_operation():
    lines = workup(["原发性醛固酮增多症", "左肾上腺肿瘤"], [], "左肾上腺腺瘤，醛固酮/肾素比值升高，血钾低")
    assert any("AVS" in line and "单侧优势" in line for line in lines)
    assert not any("AVS" in line for line in workup(["原发性醛固酮增多症"], [], "左肾上腺腺瘤，已做肾上腺静脉采血"))
    assert not any("AVS" in line for line in workup(["左肾上腺肿瘤"], [], "左肾上腺腺瘤，皮质醇正常"))
    assert any("AVS" in line for line in workup(["原发性醛固酮增多症"], [], "左边的肾上腺腺瘤，醛固酮升高"))
    for q in ("左肾上腺腺瘤，已排除原发性醛固酮增多症", "左肾上腺腺瘤，担心是醛固酮增多症",
              "左肾上腺腺瘤，考虑嗜铬细胞瘤", "双侧肾上腺结节，醛固酮不高", "左肾上腺腺瘤，已排除原醛",
              "左肾上腺腺瘤，原醛已排除", "左肾上腺腺瘤，原发性醛固酮增多症待排"):
        assert not any("AVS" in line for line in workup(["原发性醛固酮增多症", "左肾上腺肿瘤"], [], q)), q
    assert not any("AVS" in line for line in workup(["左肾上腺肿瘤"], [], "双侧肾上腺结节，醛固酮正常"))
    # a pheochromocytoma ruled out, a fear or a question about something else keep it
    for q in ("原发性醛固酮增多症，儿茶酚胺正常，不是嗜铬细胞瘤", "原发性醛固酮增多症，已排除库欣和嗜铬细胞瘤",
              "醛固酮升高，怕是醛固酮瘤会恶变", "醛固酮增多症，请问醛固酮增多症能治好吗"):
        assert any("AVS" in line for line in workup(["原发性醛固酮增多症"], [], f"左肾上腺腺瘤，{q}")), q


def test_a_narrowing_beside_a_lesion_of_its_organ_gets_its_own_course():
    assert second_course(["左肾囊肿", "肾盂输尿管连接部狭窄"], ["腹腔镜下左肾囊肿去顶术"]).startswith(
        "另外，肾盂输尿管连接部狭窄方面")
    assert second_course(["肾盂输尿管连接部狭窄", "左肾囊肿"], []) == ""  # the narrowing leads: its course is said
    # an operation that ends the narrowing: the kidney's removal, a reimplantation
    assert second_course(["左肾肿瘤", "左肾盂输尿管连接部狭窄"], ["腹腔镜下左肾根治性切除术"]) == ""
    assert second_course(["左输尿管结石", "左输尿管下段狭窄"], ["左输尿管膀胱再植术"]) == ""
    assert second_course(["左肾肿瘤", "左肾盂输尿管连接部狭窄"], ["腹腔镜下左肾部分切除术"])
    assert second_course(["左输尿管下段结石", "左肾盂输尿管连接部狭窄"], ["左输尿管膀胱再植术"])  # a lower operation
    assert second_course(["左肾肿瘤", "左肾盂输尿管连接部狭窄"], ["腹腔镜下左肾输尿管切除术"]) == ""
    assert "膀胱颈切开" in path_for(["膀胱颈狭窄"]) and "尿道成形" not in path_for(["膀胱颈狭窄"])
    assert "膀胱颈切开" not in path_for(["前列腺增生伴膀胱颈梗阻"])
    # a bare urothelial cancer label of a bladder cancer proven at cystoscopy
    assert "膀胱镜活检已提示" in path_for(["高级别尿路上皮癌"], question="膀胱镜检查+活检，病理提示高级别尿路上皮癌")
    assert "尿道成形" in path_for(["尿道狭窄"])


def test_third_review_mends_of_results_pictures_and_units():
    from rjua.sites import supported
    # a urine protein written (-) is a result; a kidney told not scanned is no urinary scan
    assert workup([], [], "小便泡沫多，尿常规：尿蛋白(-)") == [] and workup([], [], "小便泡沫多")
    for unscanned in ("双肾没查", "双肾也没查", "肾的没做", "肾脏还没查", "肾那边没看", "双肾暂未查", "肾脏没检查"):
        assert not done("泌尿系超声", f"超声：前列腺增大，{unscanned}"), unscanned
    assert done("泌尿系超声", "超声：前列腺增大，双肾未见异常")
    for other in ("肾上腺没查", "肾功能没查", "肾图没做", "肾穿刺没做"):
        assert done("泌尿系超声", f"超声：前列腺增大，双肾未见异常，{other}"), other
    # an old spine injury with voiding trouble ever since; a flank boil is the skin's
    assert syndromes("10年前腰椎骨折后一直排尿困难，需要导尿", [], []) == ["神经源性膀胱"]
    assert syndromes("10年前腰椎骨折，现在排尿困难", [], []) == []
    assert syndromes("右肾结石，腰上长了个脓包流脓", [], []) == [] and syndromes("左肾积水，右腰部流脓3天", [], [])
    # a normal urine white count is no infection's sign for a pyelonephritis
    assert not supported("肾盂肾炎", "发热38.5度，尿白细胞正常") and supported("肾盂肾炎", "发热，尿白细胞3+")
    # a PSA in Chinese units
    from rjua.guidance import biopsy_first
    assert biopsy_first("PSA 25微克/升") and not biopsy_first("PSA 2.5微克/升")


def test_a_heart_disease_told_is_assessed_before_an_operation():
    q = "83岁，膀胱占位，有房颤病史和冠心病史"
    assert any("心内科和麻醉科" in line for line in workup(["膀胱占位性病变"], [], q))
    assert not any("心内科" in line for line in workup(["膀胱占位性病变"], [], "83岁，膀胱占位，没有冠心病"))


def test_second_review_mends_of_the_courses():
    y = "没有明显排尿症状时"
    for tail in ("尿得慢，要等好久", "尿没尿完", "一天尿十几次", "要使劲", "尿道灼热", "指检前列腺质地硬"):
        assert y not in path_for(["前列腺增生"], question=f"体检发现前列腺增生，{tail}"), tail
    # a pheochromocytoma still suspected: no venous sampling yet
    for tail in ("嗜铬细胞瘤不能排除", "嗜铬细胞瘤待排", "非常担心是嗜铬细胞瘤", "怀疑嗜铬细胞瘤"):
        q = f"左肾上腺腺瘤，醛固酮升高，{tail}"
        assert not any("AVS" in line for line in workup(["原发性醛固酮增多症"], [], q)), tail
    # an anticoagulant not taken is no line
    assert any("抗凝" in line for line in workup(["右肾结石"], [], "右肾结石，目前正在服用利伐沙班"))
    assert not any("抗凝" in line for line in workup(["右肾结石"], [], "右肾结石，不用抗凝药"))
    # a bladder neck contracture after a BPH operation is the bladder neck's; a dismembered pyeloplasty ends a PUJ
    assert "膀胱颈切开" in path_for(["前列腺增生术后膀胱颈挛缩"])
    assert second_course(["左肾结石", "左肾盂输尿管连接部狭窄"], ["左肾盂输尿管离断吻合术"]) == ""
    assert done("泌尿系超声", "超声：前列腺增大，双肾未见异常，肾也没有查出问题")
