"""The pictures of rjua.pictures, read from the module itself (rjua.guidance re-exports them)."""
import rjua.guidance as guidance
from rjua.pictures import aftercare, biopsy_first, syndromes


def test_guidance_re_exports_the_pictures():
    assert guidance.syndromes is syndromes and guidance.aftercare is aftercare
    assert guidance.biopsy_first is biopsy_first


def test_each_picture_and_its_absence():
    assert syndromes("74岁女性，每当咳嗽时尿液就会不受控制地溢出") == ["压力性尿失禁"]
    assert syndromes("尿频尿急，没有漏尿") == []
    assert aftercare("3天前做了输尿管镜碎石取石") and not aftercare("3年前做了输尿管镜碎石取石")
    assert biopsy_first("MRI示PI-RADS 4分") and not biopsy_first("MRI示PI-RADS 2分")


def test_a_proven_cystitis_glandularis_gets_its_follow_up():
    q = "上个月我进行了经尿道膀胱肿物电切手术，病理诊断为腺性膀胱炎伴肠型上皮化生"
    assert "定期复查膀胱镜" in aftercare(q)
    assert aftercare("膀胱镜发现膀胱颈口滤泡样新生物，医生怀疑腺性膀胱炎，准备做电切") == ""


def test_pictures_read_across_line_breaks():
    q = "上周发现膀胱右侧开口旁新生物，对其进行活检。\n\n术后的病理结果显示新生物，并诊断为腺性膀胱炎。"
    assert "定期复查膀胱镜" in aftercare(q)


def test_poor_erections_paint_erectile_dysfunction():
    assert syndromes("71岁男性，勃起硬度不佳，性生活中途会变得疲软") == ["勃起功能障碍"]
    assert syndromes("勃起正常，想咨询包皮过长") == []
    assert syndromes("勃起困难半年", candidates=["男性勃起障碍"]) == ["男性勃起障碍"]


def test_no_cystitis_glandularis_follow_up_beside_a_cancer_a_plan_or_a_denial():
    assert aftercare("膀胱镜活检病理：腺性膀胱炎伴局灶浸润性尿路上皮癌，请问下一步怎么办") == ""
    assert aftercare("医生诊断可能是腺性膀胱炎，准备做电切") == ""
    assert aftercare("5年前阑尾切除，B超诊断考虑腺性膀胱炎") == ""
    assert aftercare("病理诊断排除腺性膀胱炎，膀胱活检为慢性炎症") == ""
    settled = "CT提示可能存在膀胱癌，后行膀胱肿物电切，病理诊断为腺性膀胱炎"  # a suspicion the pathology settled
    assert aftercare(settled) != ""


def test_an_enhancing_kidney_nodule_a_ureteral_filling_defect_and_a_urachal_cancer_are_pictures():
    enhancing = "增强CT示右肾中部一直径约3cm的结节，密度不均，增强明显不均强化"
    assert syndromes(enhancing) == ["肾占位"]
    assert syndromes("右肾中部结节，增强未见强化，考虑复杂囊肿") == []
    assert syndromes(enhancing, ["右肾癌"]) == []  # named already
    assert syndromes("右侧输尿管中下段有可疑充盈缺损伴上游尿路扩张") == ["输尿管占位"]
    assert syndromes("CTU示右肾盂充盈缺损") == ["肾盂占位"]
    assert syndromes("CTU示双侧输尿管未见充盈缺损") == []
    assert syndromes("术后病理为低分化腺癌，可符合脐尿管腺癌") == ["脐尿管癌"]
    assert syndromes("B超示脐尿管囊肿") == []


def test_review_cases_of_the_new_pictures():
    for q in ("右肾结石，CT示肝右叶结节，动脉期明显强化",
              "双肾未见结节，肝脏结节明显强化，考虑肝血管瘤",
              "肾脏未见明显异常，脾脏团块强化",
              "右肾旁结节，明显强化，考虑肾上腺来源",
              "膀胱顶壁肿物，电切病理为高级别尿路上皮癌，已排除脐尿管癌",
              "我父亲曾患脐尿管癌，我现在尿频尿急",
              "不考虑脐尿管癌",
              "脐尿管癌待排",
              "左输尿管开口处膀胱壁充盈缺损，肉眼血尿",
              "右侧腰痛，CTU示右输尿管下段充盈缺损，考虑阴性结石"):
        assert syndromes(q) == [], q
    for q in ("左肾下极见一类圆形低密度影，约3cm，增强后明显强化",
              "右肾中部混杂密度影，增强扫描明显强化",
              "左肾病灶，增强后明显强化"):
        assert syndromes(q) == ["肾占位"], q


def test_scrotal_pain_and_a_narrowed_ureteropelvic_junction_are_pictures():
    assert syndromes("30岁，右侧阴囊肿痛，2-3小时后自行缓解") == ["阴囊疼痛"]
    assert syndromes("右侧阴囊肿痛", ["右侧附睾炎"]) == [] and syndromes("阴囊没有疼痛，尿频") == []
    upj = "CTU示左侧肾盂输尿管移行处区狭窄伴左肾积水"
    assert syndromes(upj) == ["肾盂输尿管连接部狭窄"]
    named = syndromes(upj, candidates=["左肾盂输尿管移行处结石", "左侧肾盂输尿管移行处狭窄"])
    assert named == ["左侧肾盂输尿管移行处狭窄"]  # a stone there is no narrowing


def test_a_cancer_resected_months_ago_gets_its_follow_up_not_another_operation():
    q = ("2个月前接受了脐尿管肿瘤及膀胱部分切除术。病理诊断结果为脐尿管恶性肿瘤，考虑为高级别尿路上皮癌。"
         "术后接受了膀胱灌注治疗（BCG）")
    assert "一般无需再次手术" in aftercare(q)
    assert aftercare(q + "。最近复查膀胱镜发现肿瘤复发") == ""
    assert aftercare("3年前行膀胱部分切除术，病理为尿路上皮癌，术后一直复查") == ""


def test_a_swollen_penis_is_a_mass_and_pus_in_a_kidney_an_abscess():
    assert syndromes("64岁，我发现自己的阴茎出现了肿大的情况，并且排尿也变得困难") == ["阴茎肿物"]
    for q in ("性生活时听到响声，阴茎肿胀", "阴茎勃起时肿胀疼痛", "阴茎没有肿胀"):
        assert "阴茎肿物" not in syndromes(q), q
    assert syndromes("体检发现左输尿管结石伴感染, 左肾脓性占位") == ["肾脓肿"]
    assert "肾脓肿" not in syndromes("左肾结石，没有脓肿")


def test_review_mends_no_penile_mass_for_a_foreskin_and_no_abscess_ruled_out():
    for q in ("包皮上翻后回不去，阴茎头肿胀", "包皮环切术后阴茎肿胀", "被蚊子叮咬后阴茎肿胀"):
        assert "阴茎肿物" not in syndromes(q), q
    for q in ("CT示左肾占位，排除肾脓肿", "左肾脓肿待排", "担心是不是肾脓肿"):
        assert "肾脓肿" not in syndromes(q), q


def test_a_lump_on_the_glans_or_foreskin_is_a_penile_mass_and_its_follow_up_is_not():
    for q in ("龟头菜花样肿物", "龟头新生物半年", "包皮上长了菜花样的东西"):
        assert syndromes(q) == ["阴茎肿物"], q
    for q in ("包皮上翻后回不去了，龟头和阴茎肿胀疼痛", "龟头肿物切除术后1年，复查", "阴茎肿物切除术后1年，复查"):
        assert "阴茎肿物" not in syndromes(q), q


def test_a_growth_in_the_ureter_is_a_tumour_and_echoes_in_the_bladder_are_stones():
    assert syndromes("输尿管镜发现左侧输尿管下端有菜花样的占位性病变，并进行了活组织检查") == ["输尿管肿瘤"]
    assert "输尿管肿瘤" not in syndromes("膀胱镜见左输尿管开口旁有一个5cm的菜花样肿物")  # a bladder tumour
    assert syndromes("彩超示膀胱内见多发强回声，最大直径12mm") == ["膀胱结石"]
    assert syndromes("彩超示膀胱内未见异常，右肾强回声") == []


def test_a_high_psa_is_read_past_a_comma_and_spelled_out_but_not_a_relatives():
    from rjua.pictures import own_written
    assert biopsy_first("MR示左侧叶外周带占位。我前段时间又复查了一次PSA，结果显示为113 ng/mL")
    assert biopsy_first("前列腺特异性抗原25ng/ml，尿潴留") and biopsy_first("PSA 100以上，排尿困难")
    assert not biopsy_first("PSA正常，肌酐120") and not biopsy_first("PSA，结果是2.5ng/ml")
    assert not biopsy_first("我今年45岁，父亲PSA 30ng/ml，我需要查PSA吗")
    assert biopsy_first("我父亲今年80岁，PSA 113ng/ml，排尿困难")  # the father is the patient
    assert own_written("结婚3年。老婆一直没有怀孕") == "结婚3年。老婆一直没有怀孕"  # the couple's, kept


def test_a_filling_defect_is_named_beside_a_bladder_cancers_urothelial_label():
    q = "膀胱根治性切除术后，右侧输尿管中下段有可疑充盈缺损伴上游尿路梗阻性扩张"
    assert syndromes(q, ["尿路上皮癌"]) == ["输尿管占位"]
    assert syndromes(q, ["右输尿管尿路上皮癌"]) == []


def test_a_suspicion_only_a_biopsy_settles_leads_as_a_suspected_cancer():
    from rjua.pictures import SUSPECTED_PROSTATE_CANCER
    q = "85岁，MR示左侧叶外周带有占位，复查PSA，结果显示为113 ng/mL"
    assert syndromes(q, ["前列腺增生"]) == [SUSPECTED_PROSTATE_CANCER]
    assert syndromes(q, ["前列腺癌"]) == [] and syndromes("PSA 1.2ng/ml，排尿困难", ["前列腺增生"]) == []
    assert syndromes(q + "。穿刺病理示前列腺腺癌", ["前列腺增生"]) == []


def test_a_ureteral_mass_is_read_in_its_own_clause():
    assert syndromes("盆腔增强示左侧输尿管下段有占位，可能是尿路上皮癌") == ["输尿管肿瘤"]
    assert "输尿管肿瘤" not in syndromes("体检发现左输尿管结石伴感染, 左肾脓性占位")


def test_a_discharging_scrotal_lump_is_a_skin_infection_and_no_hydrocele():
    from rjua.sites import supported
    q = "阴囊右侧根部有个疙瘩，越来越大，而且开始痛，外表开始流出一些液体"
    assert syndromes(q) == ["阴囊皮肤感染"] and supported("阴囊皮肤感染", q)
    assert not supported("睾丸鞘膜积液", q) and supported("睾丸鞘膜积液", "阴囊右侧有个疙瘩，越来越大")
    assert syndromes("阴囊右侧有个疙瘩，越来越大") == []


def test_review_mends_a_high_psa_is_the_psas_own_and_above_its_bound():
    for q in ("左睾丸实性占位，PSA正常，AFP 30ng/ml", "PSA正常，睾酮350ng/dl", "PSA低于20ng/ml，具体是8.5",
              "PSA没有超过20ng/ml", "PSA<20ng/ml", "PSA 35ng/ml，疑似前列腺癌",
              "我今年62岁，PSA 35ng/ml。我父亲死于前列腺癌"):
        assert biopsy_first(q) == ("疑似" in q or "父亲" in q), q
    assert biopsy_first("我今年65岁，孩子们都在外地，PI-RADS 5分，排尿困难")  # a child named is no other patient


def test_review_mends_no_ureteral_tumour_ruled_out_feared_pressed_or_at_the_orifice():
    for q in ("排除左输尿管占位", "担心是输尿管肿物", "左输尿管下段受盆腔占位压迫，左肾积水", "右输尿管旁肿物",
              "左输尿管占位可能性小，考虑结石", "左侧输尿管肿物切除术后2年，复查",
              "膀胱镜示左侧输尿管口上方见一菜花样肿物约2cm"):
        assert "输尿管肿瘤" not in syndromes(q), q
    assert syndromes("CT示左输尿管下段占位") == ["输尿管肿瘤"]


def test_review_mends_no_bladder_stone_from_a_stent_a_balloon_or_a_fixed_echo_and_no_mass_for_an_infection():
    for q in ("B超示膀胱内见双J管强回声", "膀胱内见导尿管球囊强回声", "B超示膀胱内强回声，不随体位移动，附着于膀胱壁"):
        assert "膀胱结石" not in syndromes(q), q
    for q in ("25岁，不洁性生活后一周，龟头出现溃疡，不痛", "包皮龟头炎，龟头溃烂，红肿瘙痒",
              "包皮环切术后第5天，包皮切口溃烂流脓"):
        assert "阴茎肿物" not in syndromes(q), q
    assert syndromes("龟头有个硬结，半年了") == ["阴茎肿物"]


def test_an_incidental_high_psa_does_not_lead_before_another_organs_problem():
    q = "58岁男性，左肾结石1.5cm，左腰痛，伴积水。体检PSA 25ng/ml"
    assert syndromes(q, ["左肾结石"]) == [] and syndromes("70岁男性，MRI示PI-RADS 5分，排尿困难", ["前列腺增生"])


def test_pus_from_the_flank_is_a_renal_abscess_and_voiding_troubled_after_spine_surgery_a_neurogenic_bladder():
    assert "肾脓肿" in syndromes("7个月前诊断右肾结石，右腰出现流脓现象，右GFR 5.9")
    assert "肾脓肿" not in syndromes("尿道口流脓三天") and "肾脓肿" not in syndromes("担心腰部会流脓")
    q = "75岁女性，最近做了腰椎骨折的手术，手术后我发现自己排尿不畅"
    assert syndromes(q) == ["神经源性膀胱"]
    assert "神经源性膀胱" not in syndromes("十年前做过腰椎手术，最近尿频尿急")
    assert "神经源性膀胱" not in syndromes("腰椎骨折手术后恢复良好，排尿正常")
    assert "残余尿" in guidance.path_for(["神经源性膀胱"]) and "引流" in guidance.path_for(["右肾脓肿"])


def test_a_frequency_at_night_is_no_infection_and_an_urgency_that_leaks_is_an_overactive_bladder():
    q = "88岁男性，夜间尿频增多，白天的尿频并不明显，也没有尿急，尿流分叉，有时尿痛，一直服用非那雄胺"
    assert "泌尿道感染" not in syndromes(q) and "泌尿道感染" in syndromes("尿频、尿痛三天")
    assert "膀胱过度活动症" in syndromes("71岁，前几年做过电切，目前主要是尿急尿频和急迫性尿失禁")
    assert "膀胱过度活动症" in syndromes("尿急，来不及上厕所就尿湿裤子")
    assert "膀胱过度活动症" not in syndromes("尿急，没有漏尿") and "膀胱过度活动症" not in syndromes("咳嗽时漏尿")
    assert "M受体拮抗剂" in guidance.path_for(["急迫性尿失禁"])


def test_a_psa_in_micrograms_per_litre_or_about_twenty_is_high():
    assert biopsy_first("PSA 30μg/L，排尿困难") and biopsy_first("PSA 30 ug/L") and biopsy_first("PSA 20左右")
    assert not biopsy_first("PSA 2.0ng/ml") and not biopsy_first("PSA低于20ng/ml") and not biopsy_first("PSA 20%")


def test_review_mends_the_new_pictures():
    for q in ("70岁男性，前列腺增生，排尿困难，残余尿300ml，尿急，经常漏尿", "尿急，一直担心会漏尿",
              "尿急尿痛，发烧，有时来不及上厕所"):
        assert "膀胱过度活动症" not in syndromes(q), q  # an overflow, a fear, an infection
    assert syndromes("尿急，咳嗽时漏尿") == ["压力性尿失禁"] and "膀胱过度活动症" in syndromes("尿急，一着急就尿裤子")
    for q in ("腰椎手术后排尿不畅", "腰椎术后尿不出来", "脊髓损伤后排尿困难", "车祸导致腰椎骨折，伤后小便解不出"):
        assert syndromes(q) == ["神经源性膀胱"], q
    for q in ("准备做腰椎手术，术后会不会尿潴留", "72岁男性，5年前腰椎骨折做了手术，之后一直很好，最近2个月排尿困难",
              "腰椎手术以后排尿困难，现在已经好了"):
        assert "神经源性膀胱" not in syndromes(q), q
    for q in ("腰部毛囊炎，现在腰上流脓了", "腰椎结核，腰部有窦道流脓", "我很担心我的腰部流脓"):
        assert "肾脓肿" not in syndromes(q), q
    assert syndromes("右腰部流脓，CT示右肾脓肿") == ["肾脓肿"]  # two pictures of one diagnosis: said once
    assert "糖尿病" in guidance.path_for(["神经源性膀胱"])  # the course is no spine patient's only


def test_second_review_mends_the_overactive_bladder_picture():
    assert "膀胱过度活动症" not in syndromes("咳嗽打喷嚏时憋不住，尿湿裤子")
    assert "膀胱过度活动症" in syndromes("尿急，来不及上厕所就尿湿，残余尿10ml")


def test_an_old_spine_injury_counts_only_with_voiding_trouble_ever_since():
    assert syndromes("10年前腰椎骨折后一直排尿困难，需要导尿", [], []) == ["神经源性膀胱"]
    for q in ("10年前腰椎骨折后一直没事，现在排尿困难", "10年前腰椎手术后一直腰痛，现在排尿困难"):
        assert syndromes(q, [], []) == [], q


def test_a_skin_lesion_blocks_a_renal_abscess_only_on_the_flank():
    assert "肾脓肿" in syndromes("脸上长痘，右肾结石，右腰部流脓", [], [])
    assert "肾脓肿" in syndromes("右肾结石，右腰部流脓，不是痘", [], [])
    assert "肾脓肿" in syndromes("腿上有毛囊炎，右肾结石，右腰部流脓", [], [])
    for q in ("右腰部长了个痘，流脓，右肾结石", "右肾结石，腰上的脓包破了流脓", "右肾结石，右腰部流脓，医生说是毛囊炎",
              "背上长了个疖子，右肾积水，右腰部流脓"):
        assert "肾脓肿" not in syndromes(q, [], []), q


def test_a_psa_is_read_in_any_unit_a_patient_writes():
    # no PSA reaches micrograms per millilitre: 25微克/毫升 is a slip for 25 ng/ml
    for q in ("PSA 25微克/升，排尿困难", "PSA 25ng/ml", "PSA 25 微克每升", "PSA 25微克/毫升，排尿困难", "PSA 25ug/ml"):
        assert biopsy_first(q), q
    assert not biopsy_first("PSA 2.5ug/ml") and not biopsy_first("PSA 2.5微克/升")
