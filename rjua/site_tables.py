"""The tables of the site model (:mod:`rjua.sites`): which words name a site, which signs point to one, what
each condition needs in the question. Data only; :mod:`rjua.sites` reads them and re-exports them.

>>> ORGANS["ureter"].split("|")[0], REGIONS["prostate"], "kidney" in POINTERS[0].sites
('输尿管', 'lower', True)
>>> sorted(c for c in CONDITIONS if c in TREATMENTS)[:2]
['alpha_blocker', 'antibiotic']
"""
from __future__ import annotations

from typing import NamedTuple

__all__ = ["BOTH_ADRENALS", "CONDITIONS", "EXPLAINED", "FEARED", "HEALED", "ORGANS", "POINTERS", "Pointer",
           "REGIONS", "SITES", "TREATED", "TREATMENTS", "UNSURE", "WBC_UP"]

# site -> words that name it (a regex); 肾 is the kidney except in 肾上腺 (adrenal); 经尿道 is an access route
ORGANS: dict[str, str] = {
    "kidney": r"肾(?!上腺)|肾盂|肾盏|肾脏|肾实质|肾小球|肾功能|肾衰|肾积水|肾绞痛|输尿管肾盂|PN?CL|PNL|肾镜|肾切除",
    "ureter": r"输尿管|肾盂输尿管|UPJ|D-?J管|双J管",
    "bladder": r"膀胱|脐尿管|逼尿肌|尿失禁|尿潴留|TURBT",
    "prostate": r"前列腺|PSA|PI-?RAD[Ss]|TURP|HoLEP|(?<!肿瘤)汽化术|非那雄胺|度他雄胺|5-?[αa]-?还原酶|坦索罗辛|"
                r"特拉唑嗪",
    "urethra": r"(?<!经)尿道(?!感染|镜)|淋病|淋球菌",
    "penis": r"阴茎|包皮|包茎|龟头|勃起|阳痿|早泄|白膜|西地那非|他达拉非",
    "scrotum": r"阴囊|睾丸|附睾|精索|鞘膜|隐睾",
    "seminal": r"精囊|射精管|血精|精液|精子|不育|输精管",
    "adrenal": r"肾上腺(?!素)|醛固酮|库欣|皮质醇|嗜铬细胞瘤|儿茶酚胺",
    "retroperitoneum": r"腹膜后",
}
SITES: tuple[str, ...] = tuple(ORGANS)
# organs treated together: an operation on one region does not treat a condition of another
REGIONS: dict[str, str] = {"kidney": "upper", "ureter": "upper", "retroperitoneum": "upper", "adrenal": "adrenal",
                           "bladder": "lower", "prostate": "lower", "urethra": "lower",
                           "penis": "genital", "scrotum": "genital", "seminal": "genital"}



class Pointer(NamedTuple):
    """One row of :data:`POINTERS`: words of a question (a regex) and the sites they point to. ``whole``: read
    the whole question, not only what it affirms (infertility is told by what does not happen: 一直没有怀孕).
    ``shared``: a sign of many organs (血尿, 发热, 占位) — when the question names an organ, a site only such a
    sign points to is outranked by it (:func:`outranked`)."""

    pattern: str
    sites: tuple[str, ...]
    whole: bool = False
    shared: bool = False


# words of a question -> the sites they point to
_LOWER = ("bladder", "prostate", "urethra")
_TRACT = ("kidney", "ureter", "bladder", "prostate", "urethra")
_FERTILITY = ("scrotum", "seminal", "prostate", "penis")
POINTERS: tuple[Pointer, ...] = (
    Pointer(r"腰痛|腰疼|腰酸|腰部|腰背|肋腹|侧腹|肋脊角|叩击痛|绞痛", ("kidney", "ureter", "retroperitoneum")),
    Pointer(r"腹痛|肚子痛|下腹|小腹|结石|积水|梗阻|泌尿系|尿路|致密影", ("kidney", "ureter", "bladder"), shared=True),
    Pointer(r"血尿(?!酸|素|素氮)|尿血|尿中带血|尿色发?红|洗肉水|尿潜血|隐血|红细胞", _TRACT, shared=True),
    Pointer(r"尿频|尿急|尿痛|排尿|小便|夜尿|起夜|尿等待|尿线|尿分叉|尿不尽|尿不出|憋不住|漏尿|尿失禁|尿潴留|尿流|残余尿|"
     r"尿路感染|泌尿道感染|尿[^，,。；;、]{0,6}(?:白细胞|WBC)|白细胞尿|脓尿", _LOWER),  # a blood count points nowhere
    Pointer(r"溢尿|尿液.{0,10}(?:溢出|漏出|流出)|不受控制地?(?:漏|溢|流)", ("bladder", "urethra")),
    Pointer(r"(?:输尿管|肾盂).{0,12}(?:占位|肿瘤|癌|肿物|新生物|团块|软组织)|尿路上皮", ("bladder",)),
    Pointer(r"会阴|耻骨上|肛门|直肠指检|指诊", ("bladder", "prostate")),
    Pointer(r"肌酐|尿素|肾小球滤过|eGFR|少尿|无尿|浮肿|水肿|蛋白尿|泡沫尿|透析", ("kidney", "ureter")),
    Pointer(r"低血钾|低钾|血钾|满月脸|向心性肥胖|多毛|阵发性(?:高血压|血压)|肾素|继发性高血压|难治性高血压",
     ("adrenal",)),
    Pointer(r"不育|不孕|备孕|怀孕|避孕|要孩子|要小孩|生育|精子|精液|性生活|同房|射精|血精", _FERTILITY, whole=True),
    Pointer(r"勃起|阳痿|早泄|硬度|性功能", ("penis", "prostate")),
    Pointer(r"尿道口|分泌物|流脓|滴白|冶游|不洁性", ("urethra", "prostate")),
    Pointer(r"阴囊|蛋蛋|睾丸|腹股沟|坠胀", ("scrotum", "seminal")),
    Pointer(r"包块|肿块|占位|肿瘤|癌|转移", ("kidney", "adrenal", "retroperitoneum"), shared=True),
    Pointer(r"发热|发烧|高烧|寒战", ("kidney", "prostate", "scrotum"), shared=True),
)

# what a diagnosis says is there: condition -> (the words naming it in an item, what in the question points to it);
# the operations (nephrectomy, partial_nephrectomy) name no condition of their own: only the question's hint counts
# a fever or an infection's lab sign given as a value (体温38.9℃, 降钙素原2.1, 亚硝酸盐阳性, a urine white count
# of 20/ul or more, a CRP of 20 mg/L or more; not a blood white count alone: a bleed or a retention raises it)
_FEVER_SIGNS = (r"体温[^，,。；;\d]{0,4}3(?:[89]|7\.[5-9])|3[89](?:\.\d)?\s*(?:℃|度)|"
                r"尿[^，,。；;\d]{0,6}白细胞[^，,。；;\d]{0,4}(?<![\d.])(?:[2-9]\d|\d{3,})(?:\.\d+)?\s*/\s*[uμµ]l|"
                r"C反应蛋白[^，,。；;\d]{0,4}(?<![\d.])(?:[2-9]\d|\d{3,})|"
                r"降钙素原[^，,。；;\d]{0,6}(?:[1-9]|0\.[5-9])|亚硝酸盐[^，,。；;]{0,4}(?:阳性|\+)")
# a raised white count, or white cells in the urine: a count written without either is no sign of infection
WBC_UP = r"尿[^，,。；;]{0,6}白细胞|白细胞[^，,。；;]{0,8}(?:升高|增高|偏高|增多|阳性|\+|满视野)"
CONDITIONS: dict[str, tuple[str, str]] = {
    "stone": (r"结石|取石|碎石", r"结石|石|绞痛|致密影|强回声|腰痛|腰部.{0,4}痛"),
    "cyst": (r"囊肿|去顶", r"囊肿|囊性|囊"),
    # an abscess is told by imaging (a fever alone is a prostatitis' or a pyelonephritis'), not by a urethral
    # discharge (流脓, 脓性分泌物)
    "abscess": (r"脓肿", r"脓肿|(?<!尿道口有)脓性(?!分泌物)|积脓|脓腔|(?<!不)液化|"
                       r"腰[^，,。；;]{0,6}(?:流脓|溢脓|渗脓|窦道)"),
    "hydronephrosis": (r"积水", r"积水|扩张|梗阻"),
    # an angiomyolipoma is told by its fat (or its name), not by any mass: a mass alone may be a cancer
    "angiomyolipoma": (r"错构瘤|血管平滑肌脂肪瘤", r"错构瘤|平滑肌脂肪瘤|富脂|含脂|脂肪(?!肝|浸润|变性)|AML"),
    "nephrectomy": (r"(?<!输尿管)肾切除", r"萎缩|无功能|失功能|功能丧失|"
                                          r"肾(?!上腺)[^，,。；;]{0,16}(?:癌|恶性|肿瘤|占位|肿物|肿块)"),
    # a mass of the kidney itself, not of the ureter or the adrenal beside it
    "partial_nephrectomy": (r"肾部分切除|肾[^，,。；;]{0,6}剜除",
                            r"肾(?!上腺)[^，,。；;输]{0,16}(?:癌|恶性|肿瘤|瘤|占位|肿物|肿块|新生物|结节|包块|强化)"),
    "staghorn": (r"铸型|鹿角", r"铸型|鹿角|充满"),
    "bladder_resection": (r"膀胱[^，,。；;]{0,4}电切|TURBT",
                          r"膀胱[^，,。；;]{0,12}(?:占位|肿瘤|肿物|新生物|癌|增厚|隆起|结节)|TURBT"),
    "renal_insufficiency": (r"肾功能不全|肾功能衰竭|肾衰|肾功能损害|保肾",
                            r"肾功能不全|肾衰|尿毒症|透析|少尿|无尿|肾功能(?:异常|损害|下降|减退)|"
                            r"肌酐[^，,。；;\d]{0,10}(?:升高|增高|偏高|上升|异常|[1-9]\d{2,})"),
    # a pyelonephritis needs a sign at the kidney, or a fever with a urinary infection's signs: a fever beside clots
    # or a retention alone may be a prostatitis'
    "pyelonephritis": (r"肾盂肾炎", r"腰痛|腰酸|腰部[^，,。；;]{0,4}痛|叩击痛|叩痛|肾区|肾盂肾炎|(?<!鞘膜)积水|肾周|"
                                 r"肋脊角|"
                                 r"(?=[\s\S]*(?:发热|发烧|高烧|寒战|高热|体温))(?=[\s\S]*(?:尿频|尿急|尿痛|脓尿|尿[^，,。；;]{0,4}白细胞"
                                 r"(?![^，,。；;]{0,6}(?:正常|阴性|未见|不高|不多|没有?(?:升高|增高)|[(（][-−][)）]|"
                                 r"(?<!\d)[0-5](?:[-~～][0-5])?个?/HP))))"),
    # an obstruction of the urinary tract needs a sign of one; an incontinence needs a leak
    "obstruction": (r"尿路梗阻", r"梗阻|(?<!鞘膜)积水|(?<!输精管)扩张|排尿困难|排尿费力|尿不出|排不出|尿潴留|"
                               r"残余尿(?![^，,。；;\d]{0,4}0\s*[mM][lL])|"
                               r"(?:尿线|小便|尿流)[^，,。；;]{0,2}细|尿等待"),
    "incontinence": (r"尿失禁", r"尿失禁|失禁|漏尿|溢尿|憋不住|控制不住|不受控制|尿湿|湿裤|遗尿|尿床|"
                               r"来不及[^，,。；;]{0,4}(?:尿|厕所)|尿液?[^，,。；;]{0,10}(?:溢出|流出|漏出)"),
    "phimosis": (r"包茎|包皮过长", r"包茎|包皮|龟头|尿道口"),
    "rupture": (r"破裂|折断|断裂", r"外伤|受伤|损伤|撞击|弯折|折断|破裂|断裂|响声|骑跨|摔|坠落|挫伤|血肿"),
    "retention": (r"尿潴留|尿储留", r"尿潴留|尿储留|尿不出|排不出|残余尿|排尿困难|憋胀|膀胱充盈|导尿"),
    "semen": (r"弱精|少精|无精|畸形精子|精子", r"精液|精子|精检"),
    # infertility needs the question to speak of children or semen; a past operation or a graft of another
    # patient (自体移植后), a shrunken kidney and an acidosis need their own words in the question
    "infertility": (r"不育|不孕", r"不育|不孕|未孕|怀不上|"
                                  r"(?:没有?|未能?|不能|一直没)[^，,。；;]{0,4}(?:怀孕|怀上|小孩|孩子)|"
                                  r"没有?避孕|未避孕|生育|备孕|要孩子|要小孩|精液|精子|精检"),
    "transplant": (r"移植", r"移植"),
    "atrophy": (r"萎缩", r"萎缩|缩小|体积[^，,。；;]{0,2}小|偏小|无功能|失功能|功能差"),
    # a urethral injury or stricture needs urethral signs, a clot tamponade clots, a sepsis its signs, a solitary
    # kidney the other kidney lost
    "urethral_injury": (r"尿道(?:外伤|损伤|断裂)",
                        r"尿道[^，,。；;]{0,6}(?:外伤|损伤|断裂|出血|滴血)|骑跨|尿道口[^，,。；;]{0,4}血"),
    "urethral_stricture": (r"尿道[^，,。；;]{0,4}狭窄",
                           r"狭窄|(?:尿线|小便|尿流)[^，,。；;]{0,2}细|尿细|排尿困难|排尿费力|尿不出|排不出|尿潴留|尿道扩张|"
                           r"排尿[^，,。；;]{0,4}(?:缓慢|变慢|变细|不畅)|尿流[^，,。；;]{0,2}(?:变慢|无力)"),
    # a prostatitis needs voiding, pelvic, ejaculatory or febrile signs (or the prostate named), not pain elsewhere
    "prostatitis": (r"前列腺炎", r"前列腺|会阴|盆腔|下腹|小腹|睾丸|阴囊|射精|精液|尿频|尿急|尿痛|排尿|小便|滴白|"
                                 r"发热|发烧|高烧|寒战"),
    "tamponade": (r"填塞", r"血块|填塞|血凝块"),
    "sepsis": (r"脓毒|败血", r"脓毒|败血|休克|"
                             r"(?:降钙素原|PCT)(?![^，,。；;\d]{0,6}(?:[<＜]|正常|阴性|不高|未见升高|0\.[0-4]))|"
                             r"寒战|高热|高烧|血压下降"),
    "solitary_kidney": (r"孤立肾|独肾", r"孤立肾|独肾|只有一[个侧]肾|缺如|缺失|萎缩|无功能|失功能|移植|"
                                       r"肾[^，,。；;]{0,6}切除|切除[^，,。；;]{0,4}肾"),
    # hormone therapy is for a prostate cancer; a urinary diversion follows a removed bladder
    "hormone_therapy": (r"内分泌治疗|去势|抗雄|ADT",
                        r"前列腺[^，,。；;]{0,10}(?:癌|恶性)|Gleason|ISUP|内分泌治疗|去势|ADT|比卡鲁胺|阿比特龙"),
    # a cystitis glandularis needs its own name (a biopsy finding); an adenocarcinoma is none
    "cystitis_glandularis": (r"腺性膀胱炎", r"腺性"),
    "diversion": (r"[Bb]ricker|回肠代膀胱|尿流改道|输尿管皮肤造口|新膀胱", r"膀胱"),
    "acidosis": (r"酸中毒|NaHCO3|碳酸氢钠", r"酸中毒|HCO3|碳酸氢|碱剩余|二氧化碳结合力"),
    "hematuria": (r"血尿", r"血尿|尿血|尿中带血|尿色发?红|洗肉水|红细胞|隐血|潜血"),
    "hematospermia": (r"血精", r"血精|精液.{0,6}(?:红|血|褐)|射精.{0,6}血"),
    # an enlarged prostate is told by voiding (or the prostate, its PSA named), not by erections or the scrotum
    "bph": (r"前列腺增生|前列腺肥大|汽化术|前列腺.{0,4}(?:电切|剜除)|经尿道前列腺",
            r"排尿|尿频|尿急|夜尿|起夜|尿等待|尿线|尿流|尿不尽|尿不出|排不出|尿潴留|残余尿|滴沥|小便|"
            r"前列腺增生|良性前列腺|前列腺[^，,。；;未无没不]{0,6}(?:增大|肥大|突入)|"
            r"前列腺[^，,。；;]{0,4}(?:体积|大小)[^，,。；;未无没不]{0,4}\d|PSA"),
    "urinary_infection": (r"泌尿道感染|尿路感染|泌尿系感染|膀胱炎|尿道炎",
                          r"感染|炎|发热|发烧|高烧|寒战|尿频|尿急|尿痛|脓|排尿不适|灼热|刺痛|分泌物|" + WBC_UP),
    "inflammation": (r"感染|(?<!增生)炎", r"感染|炎|发热|发烧|高烧|寒战|尿频|尿急|尿痛|脓|排尿不适|灼热|刺痛|分泌物|"
                                         r"肿痛|红肿|肿胀|疼痛|压痛|触痛|破溃|渗液|流出[^，,。；;]{0,6}液|"
                                         rf"{_FEVER_SIGNS}|" + WBC_UP),
    # tests and treatments, each with what in the question indicates it
    "prostate_biopsy": (r"前列腺[^，,。；;]{0,6}(?:穿刺|活检)",
                        # (a nodule, a lesion or a cancer of the prostate, not of another organ)
                        r"(?:PSA|前列腺特异性?抗原)[^，,。；;\d]{0,10}(?:升高|增高|偏高|(?<!不)高|异常|[4-9]|\d{2,})|"
                        r"PI-?RADS(?![.:：]?[^，,。；;\dvV.]{0,4}(?:[vV]\d(?:\.\d)?[^，,。；;\dvV.]{0,4})?[12](?![\d.]))|外周带|"
                        r"(?:前列腺|指检|指诊|肛诊)[^，,。；;]{0,20}(?:结节|硬结|质硬|癌|恶性|肿瘤|可疑|异常信号|占位)"),
    "alpha_blocker": (r"[αa]1?-?受体阻滞|坦索罗辛|坦洛新|赛洛多辛|西洛多辛|特拉唑嗪|多沙唑嗪|阿夫唑嗪",
                      r"排尿|尿频|尿急|夜尿|起夜|尿等待|尿线|尿流|尿不尽|尿不出|排不出|尿潴留|残余尿|滴沥|小便|结石|石|绞痛|"
                      r"会阴|盆腔|前列腺|下腹"),
    # intravenous fluids for a fever, a sepsis, a failing kidney or a loss of fluid
    "fluids": (r"补液", r"发热|发烧|高烧|高热|寒战|脓毒|休克|血压下降|脱水|呕吐|腹泻|少尿|无尿|"
                       r"肾功能(?:不全|异常|损害|下降)|肌酐[^，,。；;\d]{0,10}(?:升高|增高|偏高|[1-9]\d{2,})"),
    "fertility_drug": (r"卡尼汀|辅酶Q|他莫昔芬|克罗米芬|氯米芬", r"精液|精子|弱精|少精"),
    # a urachal tumour needs the urachus or the navel: a bladder cancer is not one
    "urachus": (r"脐尿管", r"脐尿管|脐"),
    # a stent changed or removed needs a stent in place; a bladder washout needs bleeding or clots
    "stent_change": (r"(?:更换|拔除|取出|拔出|拔)[^，,。；;]{0,4}(?:DJ|双J|D-J|支架)", r"DJ|双J|D-J|支架|置管|内引流"),
    "irrigation": (r"膀胱冲洗", r"血块|血尿|出血|冲洗|尿色[^，,。；;]{0,4}红"),
    # urodynamics for a voiding or continence problem; a hydrocele is told by a swelling, not by a solid mass
    "urodynamics": (r"尿动力", r"排尿|尿频|尿急|夜尿|尿失禁|漏尿|尿不尽|尿线|尿流|残余尿|神经源|憋不住"),
    # (a lump that discharges or breaks open is in the skin: no hydrocele does)
    "hydrocele": (r"鞘膜积液", r"(?s)\A(?!.*(?:流出[^，,。；;]{0,6}(?:液|脓|水)|流脓|流水|破溃|渗液|渗出液))"
                             r".*(?:积液|肿大|增大|越来越大|变大|疙瘩|鼓包|囊性|透光|肿胀|坠胀|鞘膜)"),
    # an antibiotic needs a sign of infection: urgency or frequency alone, a normal white count, another organ's
    # inflammation (阑尾炎, 关节炎) or a hematospermia alone is none
    "antibiotic": (r"抗生素|抗菌|抗感染|沙星|头孢|青霉素|呋喃妥因|磷霉素",
                   # (a prostatitis an image names is mostly no bacterial one)
                   r"感染|(?<!阑尾)(?<!关节)(?<!胆囊)(?<!食管)(?<!前列腺)(?<![肺胃肠肝咽鼻皮])炎|(?:细菌性|急性)前列腺炎|发热|发烧|高烧|寒战|尿痛|"
                   r"白细胞[^，,。；;]{0,8}(?:升高|增高|偏高|增多|阳性|\+)|脓|排尿不适|灼热|刺痛|分泌物|红肿|压痛|触痛|肿痛|"
                   rf"{_FEVER_SIGNS}"),
}
# lesions of both adrenals told (双侧肾上腺结节, 两个肾上腺都有低密度影)
BOTH_ADRENALS = r"(?:双侧|两侧|双|两个)肾上腺[^，,。；;未无没]{0,20}(?:结节|腺瘤|占位|增生|肿瘤|肿物|低密度|病灶)"
# a clause that fears what it names (担心尿潴留, 怕是结石, 会不会出血)
FEARED = r"担心|害怕|(?<!哪)怕(?!冷|热)|会不会"
# a clause that fears, asks about or rules out what it names (会不会是结石, 排除尿道狭窄) tells none of it
UNSURE = rf"{FEARED}|是不是|是否|有没有|排除|除外|待排|吗(?!啡)|[?？]"
# a clause that tells its trouble healed (骑跨伤已治愈)
HEALED = r"已治愈|治愈了|已经好了|已好转|恢复正常"
# a site -> another cause the question tells of the symptoms that point to it -> the site's own words, which an
# item of the site then needs: a thin stream after a urethral injury is the urethra's, no BPH (nor its drug) unless
# the prostate is named
EXPLAINED: dict[str, tuple[str, str]] = {
    "prostate": (r"尿道(?:外口)?[^，,。；;]{0,6}(?:外伤|损伤|受伤|断裂|狭窄|粘连)|骑跨伤",
            r"前列腺|PSA|前列腺特异性?抗原"),
}
# a condition -> an operation in the question that removed it: no BPH a month after the prostate was enucleated,
# unless the question tells of a recurrence
TREATED: dict[str, str] = {"bph": r"前列腺[^，,。；;]{0,10}(?:电切|剜除|激光|汽化|切除)|TURP|HoLEP|前列腺增生手术"}
# the rows of CONDITIONS that name an operation, a test or a treatment rather than a condition of the patient
TREATMENTS = frozenset({"nephrectomy", "partial_nephrectomy", "bladder_resection", "prostate_biopsy", "alpha_blocker",
                        "antibiotic", "fertility_drug", "fluids", "stent_change", "irrigation", "urodynamics",
                        "hormone_therapy", "diversion"})
