"""Organ-site model: what a question supports, what an item is about (self-written cases)."""
from rjua.sites import ORGANS, POINTERS, affirmed, item_sites, question_sites, supported, unsupported_sites


def test_pointers_name_known_sites():
    assert {s for p in POINTERS for s in p.sites} <= set(ORGANS)


def test_item_sites():
    assert item_sites("右输尿管上段结石") == {"ureter"}
    assert item_sites("左肾上腺腺瘤") == {"adrenal"}
    assert item_sites("α1-肾上腺素受体阻滞剂") == set()  # a drug class, not the adrenal gland
    assert item_sites("经尿道前列腺电切术") == {"prostate"}  # the access route is not a urethral site
    assert item_sites("睾丸鞘膜积液") == {"scrotum"}
    assert item_sites("多饮水") == set() and item_sites("") == set() and item_sites(None) == set()


def test_question_sites_from_symptoms():
    assert {"kidney", "ureter"} <= question_sites("我左边腰疼了两天")
    assert question_sites("小便费力，夜尿多") == {"bladder", "prostate", "urethra"}
    assert "scrotum" in question_sites("孩子说蛋蛋疼")
    assert "adrenal" in question_sites("体检发现血压高，血钾低")
    assert question_sites("高血压10年，想做个体检") == set()  # a blood pressure alone points nowhere
    assert question_sites("想做个CT，再做个B超") == set()  # a test named alone points nowhere
    assert question_sites("") == set()


def test_context_adds_named_sites_only():
    assert "adrenal" not in question_sites("尿频")
    assert "adrenal" in question_sites("尿频", context=["Context：肾上腺偶发瘤…"])


def test_supported_and_unsupported():
    q = "我32岁，包皮过长，想咨询环切"
    assert supported("包皮过长", q) and supported("药物治疗", q)  # site-less items are never judged by site
    assert not unsupported_sites("泌尿道感染", question_sites(q))  # ... but a condition needs its sign
    assert not supported("泌尿道感染", q) and supported("泌尿道感染", q + "，最近尿痛")
    assert not supported("右肾错构瘤", q) and not supported("前列腺癌", q)
    assert unsupported_sites("左输尿管占位", question_sites("无精子症，想要孩子")) == {"ureter"}
    assert unsupported_sites("精索静脉曲张", question_sites("无精子症，想要孩子")) == set()


def test_negated_clauses_and_past_operations_are_no_reason():
    assert "scrotum" not in question_sites("左侧腰痛，B超说睾丸正常")
    assert "scrotum" in question_sites("左侧腰痛，B超提示睾丸鞘膜积液")
    assert not {"bladder", "prostate"} & question_sites("腰痛，没有尿频尿急")
    assert "bladder" in question_sites("无明显诱因出现尿频尿急")  # the cause is denied, not the symptom
    assert "ureter" not in question_sites("3年前做过输尿管镜手术")
    assert "ureter" in question_sites("3年前做过输尿管镜手术，现在输尿管又有结石")
    assert affirmed("没有发热，腰痛") == "腰痛"


def test_the_reply_test_is_stricter_than_the_selector_test():
    q = "右侧腰痛两天，尿频"
    assert not unsupported_sites("右输尿管结石伴膀胱炎", question_sites(q)) and supported("右输尿管结石", q)
    assert not supported("右肾囊肿", q)  # a kidney is pointed to, a cyst is not
    assert not unsupported_sites("右肾囊肿", question_sites(q))
    assert not supported("前列腺癌", "排尿困难") and supported("前列腺癌", "排尿困难，PSA升高")


def test_what_follows_an_operation_and_a_recent_operation_count():
    assert "bladder" in question_sites("髋关节手术后一个月以来反复尿潴留")
    assert "ureter" in question_sites("一周前接受了右输尿管下段结石的手术，想了解接下来的治疗")
    assert "ureter" not in question_sites("5年前接受了右输尿管结石的手术，现在想要孩子")
    assert "bladder" in question_sites("咳嗽时尿液不受控制地溢出")
    assert "bladder" in question_sites("CT提示左输尿管中段占位")  # an upper-tract tumour: the bladder is looked at


def test_an_operated_organ_under_follow_up_is_a_reason():
    q = "1年前做过左肾肿瘤切除术，术后4个月发现肿瘤复发了"
    assert "kidney" in question_sites(q) and supported("左肾肿瘤", q)
    assert "kidney" not in question_sites("1年前做过左肾肿瘤切除术，最近尿频")


def test_a_side_is_supported_only_where_the_question_affirms_it_for_that_organ():
    from rjua.sites import side_supported

    q = "CT示右肾积水，左侧输尿管上段结石，没有右侧腰痛"
    assert side_supported("左输尿管结石", q) and side_supported("右肾积水", q)
    assert not side_supported("右输尿管结石", q)  # the right side is named for the kidney only
    assert not side_supported("左肾结石", "右肾结石两个月")  # 两个月 is not both sides
    assert side_supported("左肾结石", "双肾多发结石") and side_supported("右侧睾丸鞘膜积液", "右侧阴囊肿大")
    assert side_supported("膀胱结石", "左侧腰痛")  # an organ without sides


def test_a_side_needs_the_items_condition_in_the_same_sentence():
    from rjua.sites import side_supported

    q = "左肾下极团块，反相位见脂肪信号。右肾也有一些微小囊性灶，较大者直径约7mm"
    assert side_supported("左肾错构瘤", q) and side_supported("右肾囊肿", q)
    assert not side_supported("右肾错构瘤", q)  # the right kidney has cysts, not the fat of an angiomyolipoma


def test_an_angiomyolipoma_needs_its_fat_and_a_malignancy_a_clause_about_its_organ():
    assert not supported("右肾错构瘤", "右肾上极1*2cm占位性病变，可能是肾癌")  # a mass alone may be a cancer
    assert supported("右肾错构瘤", "右肾上极占位，考虑血管平滑肌脂肪瘤") and supported("右肾错构瘤", "右肾富脂性病灶")
    assert not supported("右肾错构瘤", "右肾囊肿，轻度脂肪肝")
    q = "右侧输尿管中段受累，伴上游尿路积水，考虑腹膜后纤维化、淋巴瘤或转移待排除"
    assert not supported("脐尿管恶性肿瘤", q)  # the tumour hint is about the retroperitoneum, not the bladder
    assert supported("膀胱恶性肿瘤", "CT示膀胱占位，肉眼血尿")


def test_kidney_failure_pyelonephritis_and_a_partial_nephrectomy_need_their_own_signs():
    assert not supported("肾功能不全", "血清肌酐：73，小便很细") and supported("肾功能不全", "急查肌酐507")
    assert not supported("急性肾盂肾炎", "尿频尿急") and supported("急性肾盂肾炎", "尿频尿急，发热38.5度")
    # a fever beside clots and a retention, with no urinary infection's sign and no kidney sign, is no pyelonephritis
    assert not supported("急性肾盂肾炎", "血尿半月，2天前小便很困难，昨天开始发烧，血白细胞70.39")
    assert supported("急性肾盂肾炎", "发烧39度，左侧腰痛")
    # a normal urine white count is no sign
    assert supported("急性肾盂肾炎", "发热，尿白细胞++")
    assert supported("急性肾盂肾炎", "发热，尿白细胞15个/HP")
    for q in ("发热，尿白细胞不高", "发热，尿白细胞(-)", "发热，尿白细胞0-1/HP", "发烧，尿白细胞0-2个/HP",
              "发烧，尿白细胞3个/HP"):
        assert not supported("急性肾盂肾炎", q), q
    assert not supported("腹腔镜下右肾部分切除术", "右输尿管占位，右肾积水")
    assert supported("腹腔镜下右肾部分切除术", "右肾上极有一个约2cm的占位性病变")


def test_treatments_need_what_indicates_them():
    assert not supported("前列腺穿刺活检", "前列腺肥大，PSA正常") and supported("前列腺穿刺活检", "tPSA为16ng/ml")
    assert not supported("前列腺穿刺活检", "fPSA 0.4, tPSA 2.1") and supported("前列腺穿刺活检", "PSA值升高了")
    assert not supported("α1-受体阻滞剂", "血精1个月，无尿频尿急") and supported("坦索罗辛", "排尿困难")
    assert not supported("抗生素", "左侧睾丸肿大，没有疼痛") and supported("抗生素", "尿频尿痛，发热")
    # a hematospermia alone is no infection's sign
    assert not supported("抗生素", "59岁，有血精症状，小便正常，没有发热和尿痛") and supported("抗生素", "血精伴尿痛")
    assert not supported("经尿道膀胱电切术", "膀胱结石6cm") and supported("经尿道膀胱电切术", "膀胱内占位2cm")
    assert not supported("右肾铸型结石", "右肾小结石") and supported("右肾铸型结石", "右肾铸型结石，腰痛")


def test_a_biopsy_proven_malignancy_is_found_with_its_organ():
    from rjua.sites import proven_tumours

    assert proven_tumours("上个月进行了穿刺活检，结果显示右侧叶外周带为腺泡腺癌，ISUP分组为1级。") == {"prostate"}
    assert proven_tumours("医生给我做了龟头活检检查，他们怀疑我可能患有癌症") == {"penis"}
    assert proven_tumours("在贵院进行了前列腺穿刺术，病理结果显示前列腺组织增生伴间质慢性炎") == set()
    assert proven_tumours("PSA 105，担心是癌") == set()  # no biopsy: a worry, not a finding


def test_a_penile_rupture_needs_an_injury_bph_is_not_told_after_its_operation():
    assert not supported("阴茎白膜破裂", "26岁，备孕两年未孕，B超阴茎正常")
    assert supported("阴茎白膜破裂", "性交时外伤，阴茎肿胀")
    assert not supported("弱精子症", "结婚两年一直没有怀孕") and supported("弱精子症", "精液检查提示精子活力低")
    assert not supported("尿潴留", "女性，尿频尿急，下腹不适") and supported("尿潴留", "排尿困难，残余尿300ml")
    q = "一个月前接受了前列腺钬激光剜除术，现在排尿通畅，但起夜8次，排尿疼痛"
    assert not supported("前列腺增生", q) and supported("前列腺增生", "前列腺电切术后5年，增生复发，排尿困难")


def test_both_sides_need_both_sides_in_the_question():
    from rjua.sites import side_supported

    assert not side_supported("双肾结石", "右肾有小结石，膀胱也有结石")
    assert side_supported("双肾结石", "CT示双肾多发结石") and side_supported("双肾结石", "左肾结石，右肾也有小结石")


def test_phimosis_and_a_fertility_drug_need_their_signs():
    q = "备孕一年没有怀孕，B超说睾丸、附睾和阴茎都是正常的"
    assert not supported("包茎", q) and supported("包茎", "包皮口狭窄，龟头不能外露")
    assert not supported("左卡尼汀", q) and supported("左卡尼汀", "精液检查提示弱精")


def test_an_antibiotic_needs_a_sign_of_infection_not_urgency_or_another_organs_inflammation():
    assert not supported("抗感染治疗", "尿急，急迫性尿失禁，尿白细胞2.1/HP")
    assert not supported("左氧氟沙星", "既往阑尾炎，髋关节炎，尿频")
    assert supported("抗感染治疗", "尿白细胞升高，尿频") and supported("头孢", "尿痛两天")


def test_not_having_had_a_symptom_denies_it():
    assert "血尿" not in affirmed("目前我没有出现血尿、发热")
    assert "血尿" in affirmed("无明显诱因出现肉眼血尿")


def test_a_urachal_tumour_a_stent_change_and_a_washout_need_their_own_signs():
    q = "膀胱镜发现膀胱内多发占位，病理提示高级别尿路上皮癌"
    assert not supported("脐尿管恶性肿瘤", q) and supported("脐尿管癌", "脐下肿块，膀胱顶部占位")
    assert not supported("更换右DJ管", "右肾结石伴积水") and supported("拔除双J管", "输尿管镜术后留置双J管一个月")
    assert not supported("持续膀胱冲洗", "排尿困难") and supported("持续膀胱冲洗", "肉眼血尿伴血块")


def test_urodynamics_needs_a_voiding_sign_and_a_hydrocele_a_swelling():
    assert not supported("尿动力学检查", "体检发现左肾结石5mm，尿蛋白2+") and supported("尿动力学检查", "尿失禁半年")
    assert not supported("睾丸鞘膜积液", "发现左侧睾丸占位一月") and supported("睾丸鞘膜积液", "右侧阴囊肿大半年")


def test_an_operation_told_as_history_is_past():
    assert "膀胱恶性肿瘤" not in affirmed("我还有五年前膀胱恶性肿瘤经尿道膀胱电切术手术的历史")


def test_a_symptom_denied_again_stays_denied():
    assert "血尿" not in affirmed("碎石后未再出现血尿") and "血尿" not in affirmed("否认出现血尿")
    assert "尿潴留" not in affirmed("没有再出现尿潴留")


def test_a_diagnosis_needs_its_own_sign_in_the_question():
    trauma = "我从高处摔落后右侧腰背痛4小时，CT显示右肾包膜下少量血肿，白细胞计数为13.25"
    for item in ("右肾自体移植后", "右肾萎缩", "给与NaHCO3纠正酸中毒", "尿脓毒血症", "膀胱填塞", "右侧功能上的孤立肾",
                 "急性前列腺炎", "泌尿道感染", "尿道外伤", "尿道狭窄"):
        assert not supported(item, trauma), item
    assert supported("肾自体移植后", "5年前做过自体肾移植，右侧腰痛")
    assert supported("右肾萎缩", "CT示右肾萎缩，左侧腰痛") and supported("尿脓毒血症", "高热寒战，降钙素原 11")
    assert supported("膀胱填塞", "膀胱内血块形成") and supported("急性前列腺炎", "发热伴尿频尿痛")
    assert supported("泌尿道感染", "尿常规白细胞满视野") and supported("泌尿道感染", "血白细胞升高，尿频")
    assert supported("尿道狭窄", "之前尿道有过外伤，平时小便很细") and supported("尿道外伤", "骑跨伤后尿道口滴血")
    assert supported("代谢性酸中毒", "血气分析HCO3 15") and supported("孤立肾", "左肾切除术后，右侧腰痛")
    assert supported("孤立肾", "我只有一个肾，右肾结石1cm") and not supported("孤立肾", "2年前阑尾切除，右肾结石1cm")
    assert supported("右肾萎缩", "右肾体积偏小，功能差") and not supported("男性不育", "老婆怀孕3个月了")


def test_infertility_is_told_by_children_or_semen_even_where_the_question_denies_a_pregnancy():
    assert supported("男性不育", "结婚两年一直没有怀孕，B超正常")
    assert supported("男性不育", "想要孩子，精液常规异常")
    assert not supported("男性不育", "昨天性生活后出现了阴茎肿痛和血肿")
    assert not supported("他莫昔芬", "性生活后阴茎肿痛") and supported("他莫昔芬", "精子活力低")


def test_a_torn_tunica_is_a_rupture_the_question_tells():
    assert supported("阴茎白膜破裂", "性生活后阴茎肿痛，超声显示阴茎左侧白膜断裂")
    assert not supported("阴茎白膜破裂", "阴茎勃起时疼痛")


def test_a_urethral_discharge_is_no_sign_of_prostatitis():
    assert not supported("急性前列腺炎", "和女友发生性接触之后出现了尿道流脓")
    assert supported("急性前列腺炎", "尿道流脓，伴发热和会阴部疼痛")


def test_hormone_therapy_and_a_urinary_diversion_need_their_organ():
    assert not supported("内分泌治疗", "左肾盂占位，间断血尿") and supported("内分泌治疗", "前列腺癌骨转移")
    assert not supported("bricker术", "左肾盂占位，间断血尿") and supported("回肠代膀胱", "膀胱癌肌层浸润")


def test_a_prostate_named_without_its_size_or_voiding_is_no_sign_of_bph():
    assert not supported("前列腺增生", "69岁男性，血尿一个月，CT示前列腺和左侧精囊腺出血")
    assert supported("前列腺增生", "69岁男性，体检B超示前列腺体积增大")
    assert supported("前列腺增生", "69岁男性，夜尿3次")
    assert supported("前列腺增生", "术中发现我有前列腺增生")


def test_a_stone_the_question_places_in_one_organ_is_no_reason_for_a_stone_in_another():
    q = "48岁男性，右侧腰部疼痛半年，检查报告显示右肾下盏有结石"
    assert not supported("输尿管结石", q) and supported("右肾结石", q)
    assert supported("右输尿管结石", "右侧腰痛，CT示右肾结石，右输尿管上段扩张")  # the ureter is named
    assert supported("右输尿管结石", "右侧腰痛两天，伴恶心呕吐")  # no stone placed anywhere


def test_the_review_cases_of_bph_hints_and_placed_stones():
    assert not supported("前列腺增生", "男65岁，B超：前列腺大小形态未见异常，左侧阴囊肿痛3天")
    assert supported("前列腺增生", "男65岁，B超示前列腺体积约45ml")
    assert supported("左肾结石", "我妈妈有输尿管结石，我左侧腰痛")  # a relative's stone places none of the patient's
    assert supported("左肾结石", "以前有输尿管结石，现在左侧腰痛")
    assert supported("膀胱结石", "右肾结石，排尿时突然尿流中断，改变体位后又能排出")  # the bladder stone's own sign
    assert supported("左输尿管结石", "左肾结石伴左肾积水，左侧腰部绞痛")


def test_a_blood_white_count_points_to_no_organ_white_cells_in_the_urine_do():
    assert "prostate" not in question_sites("高处坠落后右侧腰背痛，血常规白细胞计数为13.25")
    assert {"bladder", "prostate"} <= question_sites("尿常规白细胞3+，没有其他不适")


def test_white_cells_in_the_urine_point_to_the_lower_tract_a_serum_uric_acid_is_no_hematuria():
    for q in ("化验白细胞尿，没有其他不适", "尿WBC 3+，没有其他不适"):
        assert "bladder" in question_sites(q), q
    assert "bladder" not in question_sites("血尿酸、白细胞偏高，腰背痛")


def test_an_abscess_needs_imaging_and_bright_echoes_support_a_stone():
    assert not supported("前列腺脓肿", "17岁，性接触之后出现了尿道流脓")
    assert supported("左肾脓肿", "体检发现左肾脓性占位") and supported("前列腺脓肿", "B超示前列腺脓肿，高热寒战")
    assert supported("膀胱结石", "彩超示膀胱内见多发强回声") and not supported("膀胱结石", "彩超示膀胱未见异常")


def test_a_mass_label_needs_a_sign_of_a_mass_in_its_organ_and_a_prostate_biopsy_a_reason():
    q = "血尿1月，盆腔增强示左侧输尿管下段有占位，可能是尿路上皮癌。前列腺和左侧精囊腺出血"
    assert not supported("膀胱占位", q) and supported("左输尿管占位", q)
    assert supported("阴茎肿物", "阴茎出现了肿大的情况")
    assert not supported("前列腺穿刺活检", q)
    assert supported("前列腺穿刺活检", "PSA 12ng/ml") and supported("前列腺穿刺活检", "直肠指检触及前列腺结节")


def test_review_mends_masses_told_by_their_echo_and_no_abscess_or_biopsy_from_another_organ():
    assert supported("膀胱占位", "B超示膀胱内见一个2cm低回声团块") and supported("睾丸肿物", "左侧睾丸摸到一个硬疙瘩")
    assert not supported("前列腺穿刺活检", "70岁，排尿困难，B超示前列腺增生，甲状腺结节")
    assert not supported("前列腺穿刺活检", "PSA不高") and supported("前列腺穿刺活检", "前列腺特异性抗原35ng/ml")
    assert not supported("前列腺脓肿", "不洁性生活后尿道口有脓性分泌物，尿痛")
    assert not supported("肾脓肿", "右腰痛，发热39度") and not supported("前列腺脓肿", "精液不液化")


def test_anuria_is_affirmed_and_no_dysuria_denied():
    assert "无尿" in affirmed("2天前开始无尿，没有发热") and "尿痛" not in affirmed("尿频，无尿痛")


def test_an_obstruction_and_an_incontinence_need_their_own_signs():
    q = "38岁女性，一个月来尿频、尿急，伴下腹部胀痛"
    assert not supported("尿路梗阻", q) and supported("尿路梗阻", "CT示右肾积水")
    assert not supported("急迫性尿失禁", q) and supported("急迫性尿失禁", "尿急，来不及上厕所就尿湿裤子")
    assert not supported("尿失禁", q) and supported("尿失禁", "咳嗽时漏尿")


def test_a_urethral_cause_of_a_thin_stream_leaves_the_prostate_without_a_reason():
    q = "男54岁，之前尿道有过外伤，平时小便很细，急诊说是尿道外口粘连"
    assert not supported("前列腺增生", q) and not supported("口服非那雄胺片", q) and supported("尿道狭窄", q)
    assert supported("口服a受体阻滞药物", q)  # an alpha-blocker is no prostate-only drug
    assert supported("前列腺增生", "尿道狭窄扩张术后，B超示前列腺增大") and supported("前列腺增生", "小便很细，夜尿多")


def test_a_low_pi_rads_score_is_no_reason_for_a_biopsy_and_a_normal_procalcitonin_no_sepsis():
    assert not supported("前列腺穿刺活检", "tPSA 1.65ng/ml，前列腺MRI考虑PI-RADS.2评分，建议随诊")
    assert supported("前列腺穿刺活检", "MRI示PI-RADS 4分") and supported("前列腺穿刺活检", "PIRADS 3")
    assert not supported("尿脓毒血症", "降钙素原＜0.02，白细胞13.08") and supported("尿脓毒血症", "降钙素原 1.32")


def test_a_feared_ruled_out_or_healed_urethral_cause_leaves_bph_its_reason():
    for tail in ("担心是尿道狭窄", "会不会是尿道狭窄？", "医生说要排除尿道狭窄", "20年前骑跨伤已治愈"):
        assert supported("前列腺增生", "70岁男性，排尿困难，夜尿4次，" + tail), tail


def test_a_pi_rads_version_is_no_score_and_a_low_procalcitonin_no_sepsis():
    assert supported("前列腺穿刺活检", "MRI：PI-RADS v2 评分5分")
    assert supported("前列腺穿刺活检", "PI-RADS v2.1评分4分")
    assert not supported("前列腺穿刺活检", "PI-RADS 2分") and not supported("尿脓毒血症", "发烧，PCT 0.15ng/ml")
    assert not supported("尿路梗阻", "右侧睾丸鞘膜积水") and not supported("急性肾盂肾炎", "尿频，睾丸鞘膜积水")


def test_a_prostatitis_on_an_image_is_no_infection_and_a_slow_stream_after_holep_a_stricture_sign():
    assert not supported("如左氧氟沙星", "前列腺平扫磁共振：前列腺增生，前列腺炎") and supported("左氧氟沙星", "尿痛")
    q = "9个月前接受了前列腺钬激光剜除术手术，最近一个月我发现排尿变得缓慢了"
    assert supported("前列腺术后尿道狭窄", q) and not supported("尿道狭窄", "排尿正常，夜尿2次")


def test_second_review_mends_pi_rads_versions_prostatitis_and_a_relatives_stricture():
    biopsy = "前列腺穿刺活检"
    assert not supported(biopsy, "PI-RADS v2.1 2分") and supported(biopsy, "PI-RADS v2.1评分4分")
    assert not supported(biopsy, "考虑PI-RADS.2评分") and not supported(biopsy, "PI-RADS：2分")
    assert supported("抗生素", "细菌性前列腺炎") and not supported("尿脓毒血症", "降钙素原不高")
    assert supported("前列腺增生", "父亲有尿道狭窄，我排尿困难，夜尿多")


def test_fluids_need_a_fever_a_sepsis_a_failing_kidney_or_a_loss_of_fluid():
    assert not supported("补液支持治疗", "尿道外伤，小便很细，血清肌酐：73，降钙素原＜0.02")
    assert supported("补液支持治疗", "发高烧39.8℃") and supported("补液支持治疗", "肌酐507")


def test_bilateral_adrenal_lesions_with_one_side_named_go_to_that_side():
    from rjua.sites import adrenal_side, side_supported

    q = "体检发现右肾上腺占位。CT示双侧肾上腺类圆形低密度影，其中右侧较大，直径约22mm"
    assert adrenal_side("左肾上腺肿瘤", q) == "右肾上腺肿瘤" and not side_supported("左肾上腺肿瘤", q)
    assert adrenal_side("腹腔镜下左肾上腺部分切除术", q) == "腹腔镜下右肾上腺部分切除术"
    both = "CT示双侧肾上腺结节，左侧1.5cm，右侧2cm"  # both sides named: each stays
    assert adrenal_side("左肾上腺肿瘤", both) == "左肾上腺肿瘤" and side_supported("左肾上腺肿瘤", both)


def test_an_adrenal_item_moves_only_where_both_adrenals_have_lesions():
    from rjua.sites import adrenal_side, side_supported

    plain = "双侧肾上腺结节，右边的肾上腺较大，约2cm"
    assert adrenal_side("左肾上腺肿瘤", plain) == "右肾上腺肿瘤" and not side_supported("左肾上腺肿瘤", plain)
    # one adrenal told: nothing moves (the side check alone judges the item)
    assert adrenal_side("左肾上腺肿瘤", "右肾上腺占位，约2cm") == "左肾上腺肿瘤"
    # an operation on the kidney and the adrenal together stays whole
    q = "体检发现右肾上腺占位。CT示双侧肾上腺类圆形低密度影，其中右侧较大"
    assert adrenal_side("腹腔镜下左肾根治性切除+左肾上腺切除术", q) == "腹腔镜下左肾根治性切除+左肾上腺切除术"


def test_the_sampled_side_decides_and_a_side_told_clear_has_no_lesion():
    from rjua.sites import adrenal_side, side_supported

    q = "双侧肾上腺结节，右侧较大，肾上腺静脉采血：左侧为优势侧"
    assert adrenal_side("腹腔镜下左肾上腺切除术", q) == "腹腔镜下左肾上腺切除术" and side_supported("左肾上腺腺瘤", q)
    q = "CT：右肾上腺占位2cm，左侧肾上腺未见异常"
    assert not side_supported("左肾上腺腺瘤", q) and side_supported("右肾上腺腺瘤", q)
    assert not side_supported("左肾上腺腺瘤", "双侧肾上腺未见异常，右肾上腺区见占位")
    assert side_supported("左肾结石", "左肾未见积水，左肾结石5mm")


def test_second_review_mends_of_the_sides_and_the_signs():
    from rjua.sites import adrenal_side, side_supported

    q = "双侧肾上腺结节，左侧较大，AVS提示右侧优势"
    assert adrenal_side("腹腔镜下左肾上腺切除术", q) == "腹腔镜下右肾上腺切除术"
    assert not side_supported("左肾上腺腺瘤", q)
    # a clear side is one told clear as a whole clause, not one without a single finding
    for item, q in (("左肾囊肿", "左肾没有结石但是有个5cm的囊肿"), ("左肾结石", "左肾未见积水，下盏见结石"),
                    ("右侧睾丸肿瘤", "右侧睾丸没有疼痛，但是摸到一个硬块")):
        assert side_supported(item, q), q
    # a fever or a procalcitonin given as a value is an infection's sign
    assert supported("抗感染治疗", "左输尿管结石伴积水，体温38.9℃，降钙素原2.1")
    assert not supported("抗感染治疗", "左输尿管结石伴积水，体温36.8") and not supported("抗生素", "降钙素原0.02")
    for q in ("尿常规白细胞50.8/ul", "C反应蛋白 197"):
        assert supported("抗生素", q), q
    for q in ("血常规白细胞4.57", "白细胞 13.82，中性粒细胞占比 83%", "尿白细胞 5/ul", "C反应蛋白 6.17"):
        assert not supported("抗生素", q), q
