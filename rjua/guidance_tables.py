"""The tables of the clinical steps (:mod:`rjua.guidance`): what a sign calls for first, what an operation needs in
the question, which examinations its results make moot and which a finding needs. Data only; :mod:`rjua.guidance`
reads them and re-exports them.

>>> FIRST_STEPS[0][1], [row[1] for row in DONE][:1][0].pattern[:5]
('question', '(?:穿刺')
>>> bool(ADRENAL_MASS.search("左肾上腺结节")), bool(ADRENAL_MASS.search("左肾上腺转移瘤"))
(True, False)
"""
from __future__ import annotations

import re

from .pictures import BENIGN_BIOPSY, HIGH_PSA, PI_RADS_HIGH
from .site_tables import BOTH_ADRENALS

__all__ = ["ADRENAL_MASS", "AML", "AML_INDICATED", "AML_TREATMENT", "ARI_ONLY", "BENIGN_BIOPSY", "BPH_DRUG_TAKEN",
           "DONE", "FIRST_STEPS", "INDICATED", "NO_LUTS", "OPERATE_WHEN", "STORAGE_ONLY", "STREAM_FINE",
           "WORKUP"]

_FEVER = r"发热|发烧|高烧|寒战|高热|体温\s*3[89]"
# infection told by the tests: raised inflammatory markers or white cells, pus in the urine
_LAB_INFECTION = (r"(?:C反应蛋白|CRP|白细胞|降钙素原|PCT)[^，,。；;]{0,12}(?:升高|增高|偏高|增多|阳性)|"
                  r"脓尿|尿[^，,。；;]{0,4}白细胞[^，,。；;]{0,4}\+")

# a sign -> the first step; read in one sentence's affirmed part ("sentence"), in the sentence as written, its
# negation being the sign ("written": 10个小时没有小便), or in the whole affirmed question ("question")
FIRST_STEPS: tuple[tuple[re.Pattern, str, str], ...] = (
    (re.compile(rf"(?s)(?=.*(?:{_FEVER}))(?=.*(?:积水|梗阻|输尿管结石|肾盂扩张))"), "question",
     "{who}目前存在尿路梗阻合并发热，应尽快到医院急诊，行输尿管支架置入或经皮肾造瘘引流尿液，并使用抗生素控制感染，"
     "待感染控制后再处理梗阻的原因。"),
    (re.compile(rf"(?s)(?=.*(?:积水|梗阻|输尿管[^，,。；;]{{0,12}}结石|肾盂扩张|铸型))(?=.*(?:{_LAB_INFECTION}))"),
     "question",
     "{who}存在结石或尿路梗阻，检查又提示可能合并感染，应先做尿培养，在医生指导下使用抗生素控制感染，必要时先行输尿管"
     "支架置入或经皮肾造瘘引流，待感染控制后再处理结石。"),
    (re.compile(r"(?s)(?=.*积水)(?=.*(?:肾功能(?:减退|下降|不全|损害)|肌酐(?:升高|增高|上升)|肌酐[^，,。；;\d]{0,6}[2-9]\d{2}))"),
     "question", "{who}目前存在尿路梗阻并影响肾功能，应尽快行输尿管支架置入或经皮肾造瘘引流尿液，保护肾功能。"),
    # a ureteral stent with stone on it (encrusted): cleared and changed before it blocks
    (re.compile(r"(?:支架管?|DJ管|双J管)[^。；;]{0,8}(?:表面|两端|附着)[^，,。；;]{0,6}(?:结石|结壳|钙化|结垢)|"
                r"(?:支架管?|DJ管|双J管)[^，,。；;]{0,4}(?:结壳|钙化|结垢)", re.IGNORECASE), "sentence",
     "{who}的输尿管支架管表面已有结石形成（结壳），需尽早处理：根据结壳程度选择体外冲击波碎石、输尿管镜或经皮肾镜碎石后"
     "取出或更换支架管，之后按期更换，不宜长期不换。"),
    # a catheter that cannot come out: a trial without it on an alpha-blocker, then the obstruction relieved (said
    # with no 留置导尿管: a drained patient's rows are skipped)
    (re.compile(r"(?:无法|不能|没法|未能)拔除?[^，,。；;]{0,2}(?:尿管|导尿管)"), "written",
     "{who}目前仍无法拔除导尿管，可在医生指导下服用α受体阻滞剂后再次试行拔管；仍不能自行排尿时，需针对梗阻原因手术解除梗阻"
     "（如经尿道前列腺电切术，合并膀胱结石时可同时碎石取石），不宜手术者可长期保留尿管或行耻骨上膀胱造瘘。"),
    # an acute retention drained by a catheter days or weeks ago, the catheter not told out: a trial without it first
    (re.compile(r"(?s)\A(?!.*(?:拔除|拔掉|拔了|拔管|已拔|造瘘|自行排尿))"
                r"(?=.*尿潴留[^。；;]{0,10}(?:留置|插|置入)[^。；;]{0,4}(?:导尿|尿管))"), "question",
     "{who}因急性尿潴留留置导尿后，可在医生指导下服用α受体阻滞剂数天后试行拔管；拔管后仍不能自行排尿或反复尿潴留时，"
     "再考虑手术解除梗阻。"),
    (re.compile(r"血块|膀胱填塞"), "sentence",
     "{who}膀胱内有血块，应尽快留置三腔导尿管冲洗膀胱、清除血块，必要时手术止血。"),
    (re.compile(r"尿潴留|尿储留|尿不出|排不出尿|残余尿[^，,。；;\d]{0,10}(?:[3-9]\d{2}|\d{4})|残余尿[^，,。；;]{0,6}超过"),
     "sentence", "{who}目前存在尿潴留，应先留置导尿管引流尿液（导尿困难时可行耻骨上膀胱穿刺造瘘），保护膀胱和肾功能，"
                 "再考虑后续治疗。"),
    (re.compile(r"(?:\d+|[几十]+)个?多?小时[^，,。；;]{0,4}(?:没|未|无法|不能)[^，,。；;]{0,6}(?:小便|排尿|尿)"),
     "written",
     "{who}目前排尿不出，应先留置导尿管引流尿液（导尿困难时可行耻骨上膀胱穿刺造瘘），保护膀胱和肾功能，再考虑后续治疗。"),
)

# a diagnosis -> the signs that make an operation for it worth offering: read in what the question affirms, or
# (third column) in the question as written, where a failure is told by its negation (效果不明显, 没有改善)
_FAILED = (r"(?:药|效果|治疗|训练|锻炼)[^，,。；;？?]{0,8}"
           r"(?:不(?:太|够|是很)?(?:明显|佳|好|理想)|无效|差|没有?改善|改善不)|"
           r"(?:药|嗪|辛|胺|治疗)后[^。；;？?]{0,14}(?:并?没有?(?:明显)?(?:改善|好转)|不见好)")
_BPH_DRUG = r"罗辛|多辛|坦洛新|哈乐|雄胺|保列治|安福达|唑嗪|可多华|爱普列特"
# a 5-alpha-reductase inhibitor taken with no alpha-blocker: the alpha-blocker comes before an operation
_ALPHA_BLOCKER = r"罗辛|多辛|坦洛新|哈乐|唑嗪|可多华|[αa]1?-?受体阻滞"
ARI_ONLY = rf"(?=.*(?:雄胺|保列治|安福达|爱普列特))(?!.*(?:{_ALPHA_BLOCKER}))"
# BPH drugs told taken (服用坦索罗辛, 一直在吃药)
BPH_DRUG_TAKEN = (rf"(?:服|吃|口服|使用|用)(?:了|过|着)?[^，,。；;？?]{{0,8}}(?:{_BPH_DRUG})|"
                  r"(?:一直|长期|正在|已经)[^，,。；;？?]{0,6}(?:服药|吃药|用药|药物治疗)")
_LUTS = (r"(?:尿频|尿急|夜尿|起夜|排尿困难|排尿费力|排尿不畅|尿线|尿等待|尿不尽|尿流|滴沥|"
         r"小便[^，,。；;]{0,4}(?:细|慢|费力))")
# the stream told good (排尿还算通畅, 尿线可): storage symptoms, no obstruction to operate on
# (in one clause that is no past, no wish, no relative's and no question: 以前排尿还算通畅, 希望排尿能通畅)
STREAM_FINE = (r"(?:^|(?<=[，,。；;]))"
               r"(?:(?!以前|之前|过去|曾|希望|想|盼|父亲|母亲|爸|妈|能否|能不能|会不会|吗)[^，,。；;])*?"
               r"(?:排尿[^，,。；;不没无未]{0,4}(?:通畅|顺畅|尚可|还可以|正常)|"
               r"尿线[^，,。；;不没无未]{0,2}(?:正常|有力|(?<!时)粗(?!细))|尿流[^，,。；;不没无未]{0,2}(?:正常|有力))")
# storage symptoms; voiding ones (a storage-only picture on drugs gets bladder drugs before an operation)
_STORAGE = r"尿频|尿急|夜尿|起夜"
_VOIDING = (r"排尿[^，,。；;]{0,4}(?:困难|费力|不畅|缓慢|变慢|无力|中断|分叉|等待)|尿线|尿流|尿等待|尿不尽|排不尽|"
            r"滴沥|尿潴留|尿不出|排不出|小便[^，,。；;]{0,4}(?:细|慢|费力|困难|不畅)|残余尿")
STORAGE_ONLY = rf"(?=.*(?:{_STORAGE}))(?!.*(?:{_VOIDING}))"
# a complication of BPH (retention, a large residual, a bladder stone, hematuria, kidneys harmed)
_BPH_COMPLICATION = (r"尿潴留|尿储留|尿不出|排不出|残余尿[^，,\d]{0,8}(?:[1-9]\d{2,}|增多|增加|较多)|导尿|"
                     r"膀胱[^，,]{0,4}结石|双[侧肾][^，,]{0,4}积水|血尿|憩室|肾功能(?:不全|减退|下降|损害)|"
                     r"肌酐[^，,]{0,6}(?:升高|增高)|反复[^，,]{0,8}感染")
# a prostate found by chance (体检发现, CT顺便发现前列腺增大伴钙化) with no urinary symptom in any wording, no
# complication, no drug, no sign of a cancer and no PSA other than a normal one (正常, 0.8ng/ml)
# (read in what the question affirms, where 尿没尿完 leaves a bare 尿: a trouble told)
_FOUND_BY_CHANCE = r"体检|查体|顺便|偶然|偶尔发现|无意|检查发现|复查发现|术中发现|发现[^，,。；;]{0,3}前列腺"
_PSA_WORD = r"(?:(?i:PSA)|前列腺特异性?抗原)"
_ANY_COMPLAINT = (r"排尿|小便|尿尿|撒尿|解手|厕所|起来|起夜|夜里|晚上|夜间|次数|尿频|尿急|尿失禁|漏尿|憋不住|憋尿|"
                  r"尿不干净|尿不尽|尿完|滴答|射程|尿细|尿血|血尿|尿里有血|尿色红|洗肉水|尿痛|排尿[^，,。；;]{0,2}痛|"
                  r"会阴|下腹|小腹|感染|费劲|使劲|用力|灼|烧|等好久|要等|尿得|尿不完|尿(?=[，,。；;]|$)|\d+次|几次|症状|不适|难受|"
                  r"(?i:IPSS)|评分|小梁|突入膀胱|结节|硬结|质硬|质地硬|"
                  r"(?i:PI-?RADS)[^，,。；;]{0,4}[345]|肌酐[^，,。；;\d]{0,4}[1-9]\d{2}|前列康|普适泰|中药|吃药|服药|用药|"
                  rf"{_PSA_WORD}(?![^，,。；;]{{0,6}}(?:正常|不高|阴性))(?![^，,。；;\d]{{0,8}}[0-3](?:\.\d+)?(?![\d.]))")
NO_LUTS = (rf"(?s)\A(?=.*(?:{_FOUND_BY_CHANCE}))"
           rf"(?!.*(?:{_LUTS}|{_VOIDING}|{_BPH_COMPLICATION}|{BPH_DRUG_TAKEN}|{_ANY_COMPLAINT}))")
_BPH = re.compile(r"前列腺增生|前列腺肥大|前列腺增大")
# a stone that medical expulsion did not pass
_STONE_STAYED = re.compile(r"排石[^，,。；;]{0,6}(?:无效|失败|不出|没有?排出)|"
                           r"(?:药|自行|一直)[^，,。；;]{0,8}(?:没有?|未)排出")
# a stone of 5 mm or more; a kidney stone's own trouble
# (the first of several dimensions counts: 6×4mm)
_BY = r"\s*(?:[×xX*]\s*\d+(?:\.\d+)?\s*)*"
STONE_5MM = (rf"(?<![\d.])(?:[5-9]|\d{{2,}})(?:\.\d+)?{_BY}(?:mm|毫米)|"
             rf"(?<![\d.])(?:0\.[5-9]|[1-9]\d*(?:\.\d+)?){_BY}(?:cm|厘米|公分)")
_STONE_TROUBLE = (r"(?<!鞘膜)积水|梗阻|(?:肾[盂盏]|输尿管)[^，,。；;]{0,8}扩张|绞痛|发热|发烧|高烧|寒战|"
                  r"(?<![肺胃肠肝咽鼻皮菌])感染|肾盂肾炎|脓尿|"
                  r"嵌顿|铸型|鹿角")
OPERATE_WHEN: tuple[tuple[re.Pattern, re.Pattern | None, re.Pattern | None], ...] = (
    # BPH: a complication, drugs that failed, or drugs taken with voiding symptoms still told; symptoms alone call
    # for drugs first (the treatment path), drugs taken without symptoms told are working, a question about drugs
    # is no drug taken
    (_BPH, re.compile(_BPH_COMPLICATION),
     re.compile(rf"(?s)(?!{ARI_ONLY})(?:{_FAILED}|(?=.*(?:{BPH_DRUG_TAKEN}))"
                rf"(?=.*(?:仍|还是|依然|还有|还要|但|现在有|目前有|现在还)[^。；;不没无]{{0,10}}{_LUTS}))")),
    # ... and not where the stream is told good, or only storage symptoms are told, without a complication: the
    # storage symptoms are treated first
    (_BPH, re.compile(rf"(?s){_BPH_COMPLICATION}|\A(?!.*(?:{STREAM_FINE}))(?!{STORAGE_ONLY})"), None),
    # a kidney stone: an operation only where it hurts, obstructs, bleeds or infects, or has a size to weigh
    (re.compile(r"肾(?!上腺)[^，,。；;]{0,6}结石"),
     re.compile(rf"{_STONE_TROUBLE}|腰[^，,。；;]{{0,4}}(?:痛|疼|酸|胀)|血尿|"
                rf"结石(?:[^，,。；;]{{0,12}}|[^，,。；;]{{0,6}}[，,](?:大小|最大|直径|长径|约)[^，,。；;]{{0,6}})"
                rf"(?:{STONE_5MM})|"
                rf"(?:{STONE_5MM})[^，,。；;]{{0,6}}结石", re.IGNORECASE), _STONE_STAYED),
    # a small stone: an operation only where it obstructs, infects, keeps colicking or did not pass
    (re.compile(r"(?:微|细)?小结石"),
     re.compile(rf"{_STONE_TROUBLE}|反复[^，,。；;]{{0,6}}(?:发作|疼痛|腰痛)"), _STONE_STAYED),
    # urinary incontinence: an operation after pelvic-floor training or drugs failed
    (re.compile(r"尿失禁"), None, re.compile(_FAILED)),
    (re.compile(r"血精"), re.compile(r"精囊[^，,]{0,8}(?:结石|囊肿|梗阻|扩张)|射精管[^，,]{0,6}(?:梗阻|囊肿)"), None),
)
# an examination the question's results make moot -> those results: no biopsy "to clarify" a proven cancer
# an examination -> the result in the question that answers it -> whether that result is read in the question as
# written (a normal result answers a test as well as an abnormal one) or only in what it affirms; a benign biopsy of
# the patient's own that is not years old answers a prostate biopsy too (a repeat one is WORKUP's targeted biopsy);
# a follow-up (复查, 定期) is never done already
_NOT_FOLLOW_UP = r"^(?!.*(?:复查|定期|随访|监测|动态))"
# an ultrasound the question reports with its result, normal or not, in a sentence of its own that names the organs
# scanned (not the heart's, not one years old, planned or advised): the same scan is not advised again
_RESULT_WORDS = r"(?:提示|显示|示|未见|正常|异常|发现|结果|见|说|[:：])"
# an MRI not of the spine, the head, a joint or a breast
_NOT_URO_MRI = "".join(f"(?<!{w})" for w in ("椎", "颅", "脑", "头部", "关节", "乳腺", "垂体", "椎的", "头的", "脑部",
                                             "颈部", "肝脏", "骶部", "椎做了", "椎做的"))
# an MRI told (增强MR, outside MR)
_MRI = rf"{_NOT_URO_MRI}(?:MRI|磁共振|核磁|(?<![A-Za-z])MR(?![A-Za-z]))|前列腺[^，,。；;]{{0,2}}(?:平扫|增强)"
# an MRI the question reports with a result, in a clause of its own that names no other body part and tells no
# plan, no test still to do and no question (建议做前列腺磁共振, 磁共振还没做, 需要做核磁吗, 腰椎的MRI)
_MRI_REPORTED = (r"(?:^|(?<=[，,。；;！？!?\n]))"
                 r"(?![^，,。；;！？!?\n]*(?:建议|还没|没做|没有做|没查|未做|预约|下周|要做|需要做|吗|年前|准备|计划|打算|"
                 r"椎|颅|脑|头部|头的|颈|肝|上腹|腰骶|关节|乳腺|垂体))"
                 rf"[^，,。；;！？!?\n]*?(?:{_MRI})[^。；;！？!?\n]{{0,40}}"
                 r"(?:提示|显示|示|未见|正常|异常|发现|结果|见|考虑|[:：]|PI-?RADS)")
_SCAN = r"(?<!心)(?<!心脏)(?:B超|超声|彩超)(?:检查)?[^。；;！？!?\n]{0,40}" + _RESULT_WORDS


def _told(test: str, organ: str = "") -> str:
    """A sentence of the question that reports ``test`` with a result (about ``organ``, when given): not one years
    old, planned, pending or of a wife or fetus, not a test told not done or still to do (没做…, 要做…, 建议做…)."""
    about = rf"(?=[^。；;！？!?\n]*(?:{organ}))" if organ else ""
    planned = r"年前|准备|计划|打算|拟|妻子|老婆|爱人|胎儿|明天|还没出|未出|等结果"
    not_done = "".join(f"(?<!{w})" for w in ("没做", "没有做", "未做", "没查", "没有查", "要做", "需做", "再做",
                                                 "建议做"))
    return rf"(?:^|(?<=[。；;！？!?\n]))(?![^。；;！？!?\n]*(?:{planned})){about}[^。；;！？!?\n]*?{not_done}{test}"


_SCAN_SENTENCE = _told(_SCAN, "{organ}")
_SCROTUM = r"阴囊|睾丸|附睾|精索"
_UNSCANNED = r"(?:脏|B超|超声|彩超)?[的也那边还暂]{0,3}(?:没有?|未)(?:检?查|做|看)(?!出|到|见)"
_URINARY = rf"(?:肾|输尿管|膀胱|泌尿)(?!{_UNSCANNED})"
_START = r"(?:^|(?<=[。；;！？!?\n]))"
# a urinary scan told: one that names the urinary organs, or the prostate when it is no transrectal or prostate scan
_SENT_TEXT = r"[^。；;！？!?\n]"
_PROSTATE_SCAN = r"经直肠|前列腺(?:B超|超声|彩超)"
_URINARY_ORGANS = rf"{_URINARY}|前列腺(?!{_SENT_TEXT}{{0,2}}(?:B超|超声|彩超))"
# (not one whose sentence tells the kidneys not scanned: 超声：前列腺增大，双肾没查)
# (the kidneys' scan, not the adrenal's, renal function's, renogram's or a renal biopsy's: 肾上腺没查)
_KIDNEY_UNSCANNED = rf"(?!{_SENT_TEXT}*肾{_UNSCANNED})"
_URINARY_SCAN = _SCAN_SENTENCE.replace("{organ}", _URINARY_ORGANS).replace(
    _START, _START + _KIDNEY_UNSCANNED + rf"(?:(?!{_SENT_TEXT}*(?:{_PROSTATE_SCAN}))|(?={_SENT_TEXT}*(?:{_URINARY})))",
    1)
_OTHER_SCAN = r"经直肠|前列腺|心|造影|多普勒|血管|肝|胆|甲状腺|妇科|子宫|乳腺"
DONE: tuple[tuple[re.Pattern, re.Pattern, bool], ...] = (
    (re.compile(r"穿刺|活检"), re.compile(r"(?:穿刺|活检|病理)[^。；;]{0,40}(?:腺癌|癌)|Gleason|ISUP", re.IGNORECASE),
     False),
    # a benign biopsy answers a biopsy too: a repeat one is the targeted biopsy of WORKUP, not the same advice again
    (re.compile(r"前列腺[^，,。；;]{0,6}(?:穿刺|活检)|^(?:穿刺活检|穿刺|活检)$"), re.compile(BENIGN_BIOPSY), True),
    # (a scan of the prostate alone, transrectal or named so, does not image the kidneys)
    (re.compile(rf"{_NOT_FOLLOW_UP}(?!.*(?:{_SCROTUM}|{_OTHER_SCAN})).*(?:B超|超声|彩超)"),
     re.compile(_URINARY_SCAN), True),
    (re.compile(rf"{_NOT_FOLLOW_UP}(?=.*(?:{_SCROTUM}))(?!.*(?:{_OTHER_SCAN})).*(?:B超|超声|彩超)"),
     re.compile(_SCAN_SENTENCE.replace("{organ}", _SCROTUM)), True),
    # a blood count told with its values (a urine white count is no blood count)
    (re.compile(r"^血常规(?:检查)?$"),
     re.compile(_told(r"(?<!尿)(?<!镜检)(?:血常规|白细胞|中性粒细胞|血红蛋白)[^。；;！？!?\n\d]{0,8}\d")), True),
    (re.compile(r"^(?:前列腺|盆腔)?(?:多参数|增强)?(?:MRI|MR|磁共振|核磁共振?)(?:检查|增强)?$", re.IGNORECASE),
     re.compile(_MRI_REPORTED, re.IGNORECASE), True),
    # a urinalysis told with its findings (a bare 尿常规异常 is repeated to read them)
    (re.compile(r"^(?:尿常规|尿液分析|尿检)(?:检查)?$"),
     re.compile(_told(r"(?:尿常规|尿液分析|尿检)[^。；;！？!?\n]{0,20}"
                      r"(?:正常|未见|白细胞|红细胞|潜血|隐血|蛋白|阳性|阴性|\d|\+)")), True),
    (re.compile(_NOT_FOLLOW_UP + r"(?!.*(?:游离|f-?PSA|比值))(?:.*PSA|.*前列腺特异)", re.IGNORECASE),
     re.compile(r"(?<!没有查)(?<!没查)(?<!未查)(?<!没有查过)(?<!没查过)(?:PSA(?:检查|检测|值|水平)?(?:结果)?"
                r"[^。；;\d]{0,12}?(?:为|是|:|\s)|前列腺特异性?抗原[^。；;\d]{0,12}?)\s*\d|"
                r"PSA[^，,。；;]{0,6}(?:正常|不高|升高|偏高)", re.IGNORECASE),
     True),
)

# a size of at least 2 (4) cm; a number is read whole (0.8cm is no 8cm)
_DIMS = r"(?:\.\d+)?\s*(?:[×xX*]\s*\d+(?:\.\d+)?\s*)*"  # 2.3×1.5cm: the first dimension counts
_CM2 = rf"(?<![\d.])(?:(?:[2-9]|[1-9]\d+){_DIMS}(?:cm|厘米)|(?:[2-9]\d|[1-9]\d{{2,}}){_DIMS}(?:mm|毫米))"
_CM4 = rf"(?<![\d.])(?:(?:[4-9]|[1-9]\d+){_DIMS}(?:cm|厘米)|(?:[4-9]\d|[1-9]\d{{2,}}){_DIMS}(?:mm|毫米))"
# an operation -> what one sentence of the question must tell for it -> what the question must also tell (None:
# nothing more): a large cyst is unroofed when it grows, presses or gives pain, not for its size alone
# (read in one sentence: the cyst presses or grows in its own clause, or in the next one that names no organ)
_GROWS = r"(?:增大|变大|长大)"
_CYST_TROUBLE = (rf"囊[^。；;]{{0,30}}(?:压迫|受压|积水)|囊[^，,。；;]{{0,12}}{_GROWS}|"
                 rf"囊[^。；;]{{0,30}}[，,][^，,。；;前肾膀输尿睾附精阴]{{0,12}}{_GROWS}|{_GROWS}[^，,。；;]{{0,6}}囊|"
                 rf"腰痛|腰酸|腰部[^，,。；;]{{0,4}}(?:痛|胀|不适)|腰[^，,。；;]{{0,2}}胀痛")
# an angiomyolipoma treated (enucleated, partly resected, embolised) when one clause tells it 4 cm or more, bleeding or
# growing; a smaller one is followed up
AML = re.compile(r"错构瘤|血管平滑肌脂肪瘤")
AML_TREATMENT = re.compile(r"肾[^，,。；;]{0,12}(?:剜除|部分切除|栓塞)|(?:剜除|部分切除|栓塞)[^，,。；;]{0,6}肾")
AML_INDICATED = re.compile(rf"{_CM4}|(?<!会)(?:出血|破裂|增大|变大|长大)", re.IGNORECASE)
INDICATED: tuple[tuple[re.Pattern, re.Pattern, re.Pattern | None], ...] = (
    (re.compile(r"经皮肾镜|PCN?L|PNL", re.IGNORECASE),
     re.compile(rf"铸型|鹿角|石[^，,。；;]{{0,15}}(?:{_CM2})|(?:{_CM2}|巨大|较大)[^，,。；;]{{0,8}}结石",
                re.IGNORECASE),
     None),
    # a flexible ureteroscopy for a kidney stone: a stone of 5 mm or more, or one that hurts, obstructs, bleeds,
    # infects or grows (small residual fragments are watched)
    (re.compile(r"软镜|FURS|RIRS", re.IGNORECASE),
     re.compile(rf"{STONE_5MM}|痛|积水|梗阻|感染|发热|血尿|增大|变大|鹿角|铸型", re.IGNORECASE),
     None),
    (re.compile(r"去顶"),
     re.compile(rf"囊[^，,。；;]{{0,20}}(?:{_CM4}|增大|压迫|积水|受压)|(?:{_CM4}|巨大|较大)[^。；;]{{0,10}}囊",
                re.IGNORECASE), re.compile(_CYST_TROUBLE)),
)

# an adrenal mass, not an adrenal area an image names (右侧肾上腺区…高密度灶，可能是囊肿) or a metastasis to it
ADRENAL_MASS = re.compile(r"肾上腺(?![^。；;]{0,20}转移)[^，,。；;及和与、肾]{0,8}"
                          r"(?:肿瘤|占位|结节|腺瘤|肿物|包块|增生|瘤)|醛固酮|嗜铬|库欣|皮质醇增多")

# (a PI-RADS score or a 5-alpha-reductase inhibitor has its own line)
_PSA_UP = (r"(?!.*(?:PI-?RADS|雄胺|保列治|安福达|5-?[αa]-?还原酶))"
           r"(?:.*PSA[^，,。；;\d]{0,10}(?:升高|增高|偏高|异常)|.*PSA[^，,。；;\d]{0,10}(?:[4-9]\.\d*[1-9]|[5-9]|[1-9]\d+))")
_BIOPSY_TOLD = r"(?:穿刺|活检)[^，,。；;]{0,10}(?:病理|结果)|前列腺癌|前列腺恶性"
# a finding (in the diagnoses or the question) -> an examination it needs before treatment, unless the answer's
# own examinations or the question's reported results (the second column) already name it -> the sentence ->
# ``whole``: the finding is read in the question as written (infertility is told by what does not happen:
# 一直没有怀孕); the hematuria row is for adults only (a child's hematuria is worked up otherwise)
_NODULE = r"[^，,。；;未无没]{0,20}(?:结节|腺瘤|占位|增生|肿瘤|肿物|低密度)"
_BOTH_ADRENAL = BOTH_ADRENALS
# an aldosteronism excluded, found normal or doubted (是不是原醛), or a pheochromocytoma told (not ruled out): no
# venous sampling, unless the question gives the raised aldosterone or the diagnosis made
_PA = r"(?:醛固酮|原醛)"
_PA_CONFIRMED = (rf"(?=.*{_PA}(?![^，,。；;]{{0,12}}(?:正常|不高|阴性))[^，,。；;]{{0,8}}(?:升高|增高|偏高|↑|\d)|"
                 rf".*(?:确诊|诊断为?)[^，,。；;]{{0,6}}(?:原醛|原发性醛固酮))")
_RULED_OUT = r"(?<!不能)(?<!无法)(?<!未能)(?:排除|除外)(?!不了)|不是|非|阴性|正常|没有|无(?!法)"
_PHEO_SUSPECTED = (rf"(?!.*(?:^|[，,。；;])(?:(?![^，,。；;]*(?:{_RULED_OUT}))|"
                   r"(?=[^，,。；;]*(?:待排|不能排除|无法排除|担心|怀疑|可能)))[^，,。；;]*嗜铬)")
_NO_PA = (rf"{_PHEO_SUSPECTED}(?:{_PA_CONFIRMED}|(?!.*(?:排除|除外|待排|不是|没有|无)[^，,。；;]{{0,8}}{_PA})"
          rf"(?!.*{_PA}[^，,。；;\d]{{0,8}}(?:正常|不高|阴性|排除|待排|除外))"
          r"(?!.*(?:是不是|是否|有没有|会不会是|担心是|怕是)[^，,。；;]{0,4}(?:原醛|原发性醛固酮|醛固酮增多)))")
WORKUP: tuple[tuple[re.Pattern, re.Pattern, str, bool], ...] = (
    (ADRENAL_MASS, re.compile(r"醛固酮|皮质醇|儿茶酚胺|内分泌|激素"),
     "肾上腺肿瘤术前需完善内分泌功能检查（醛固酮/肾素、皮质醇、血尿儿茶酚胺及其代谢产物）。", False),
    # an aldosteronism with nodules on both sides: which side secretes is told by venous sampling, not by CT
    (re.compile(rf"(?s){_NO_PA}(?=.*{_BOTH_ADRENAL})(?=.*醛固酮)"),
     re.compile(r"静脉(?:采血|取血)|AVS|分侧", re.IGNORECASE),
     "双侧肾上腺均有结节的原发性醛固酮增多症，手术前需行肾上腺静脉采血（AVS）明确优势分泌侧，再决定手术侧别或药物治疗。",
     False),
    # an aldosteronism with a nodule on one side: venous sampling confirms that side before its operation (it may be
    # spared under 35 with a typical adenoma), spironolactone corrects the potassium
    (re.compile(rf"(?s){_NO_PA}(?!.*{_BOTH_ADRENAL})(?=.*[左右](?:侧|边)?的?肾上腺{_NODULE})"
                r"(?=.*(?:原发性醛固酮|原醛|醛固酮(?:增多|过多|瘤)))"),
     re.compile(r"静脉(?:采血|取血)|AVS|分侧", re.IGNORECASE),
     "原发性醛固酮增多症手术前一般需行肾上腺静脉采血（AVS）确认为单侧优势分泌（年龄小于35岁且为单侧典型腺瘤者可酌情"
     "省略），术前在医生指导下口服螺内酯并纠正低血钾。", False),
    (re.compile(r"不育|不孕|没有?怀孕|未孕|弱精|少精|无精|精子质量"), re.compile(r"精液"),
     "男性生育问题首先需要做精液常规分析（禁欲2至7天后留取）。", True),
    # a PSA read on a 5-alpha-reductase inhibitor, which halves it: doubled before it is judged
    (re.compile(r"(?s)(?=.*(?:雄胺|保列治|安福达|5-?[αa]-?还原酶抑制剂))"
                r"(?=.*PSA[^，,。；;\d]{0,10}(?:升高|增高|偏高|[2-9]\.\d*[1-9]|[3-9]|[1-9]\d+))", re.IGNORECASE),
     re.compile(r"(?:穿刺|活检|病理)[^。；;]{0,40}(?:腺癌|癌)|Gleason|ISUP|PSA[^，,。；;]{0,6}(?:乘以|×|翻倍)",
                re.IGNORECASE),
     "服用非那雄胺等5α还原酶抑制剂时PSA约降低一半，需将PSA数值乘以2后评估，仍偏高时需在手术前排除前列腺癌。", True),
    # a PSA of 20 or more with no biopsy yet: a cancer is likely, the biopsy comes before any treatment (and the MRI,
    # where the question reports none)
    (re.compile(rf"(?s)\A(?!.*{BENIGN_BIOPSY})(?=.*(?:{_MRI_REPORTED})).*{HIGH_PSA}", re.IGNORECASE | re.MULTILINE),
     re.compile(r"(?:穿刺|活检|病理)[^。；;]{0,40}(?:腺癌|癌)|Gleason|ISUP", re.IGNORECASE),
     "PSA明显升高（20ng/ml以上）时需警惕前列腺癌，应先行前列腺穿刺活检明确病理，再决定治疗。", True),
    (re.compile(rf"(?s)\A(?!.*{BENIGN_BIOPSY})(?!.*(?:{_MRI_REPORTED})).*{HIGH_PSA}", re.IGNORECASE | re.MULTILINE),
     re.compile(r"(?:穿刺|活检|病理)[^。；;]{0,40}(?:腺癌|癌)|Gleason|ISUP", re.IGNORECASE),
     "PSA明显升高（20ng/ml以上）时需警惕前列腺癌，应先完善前列腺磁共振和穿刺活检明确病理，再决定治疗。", True),
    # a raised PSA (below 20), with the MRI told or not; a biopsy result told or a cancer known covers it (a biopsy
    # advised is what the line explains)
    (re.compile(rf"(?s)^(?!.*(?:{HIGH_PSA}))(?=.*(?:{_MRI_REPORTED}))" + _PSA_UP, re.IGNORECASE),
     re.compile(_BIOPSY_TOLD, re.IGNORECASE),
     "PSA升高时需复查PSA，并结合已做的前列腺磁共振结果，必要时行前列腺穿刺活检，以排除前列腺癌。", False),
    (re.compile(rf"(?s)^(?!.*(?:{HIGH_PSA}))(?!.*(?:{_MRI_REPORTED}))" + _PSA_UP, re.IGNORECASE),
     re.compile(rf"{_MRI}|{_BIOPSY_TOLD}", re.IGNORECASE),
     "PSA升高时需复查PSA并完善前列腺多参数磁共振检查，必要时行前列腺穿刺活检，以排除前列腺癌。", False),
    # foamy urine that lasts is a proteinuria until the urine says otherwise
    (re.compile(r"(?<!担心)(?<!担心会有)(?:(?:尿中?|小便|尿液)[^，,。；;]{0,4}泡沫|泡沫尿)(?![^。；;]{0,10}(?:消失|消散|正常))"),
     re.compile(r"尿蛋白|蛋白尿|蛋白[^，,。；;]{0,2}(?:阴性|阳性|\+|-)|PRO|肾内科", re.IGNORECASE),
     "尿中泡沫增多需查尿常规、尿蛋白定量和肾功能，尿蛋白阳性时到肾内科就诊，排除肾脏疾病。", False),
    # a heart disease told (a fibrillation, a coronary disease, a failing heart): its assessment before an operation
    (re.compile(r"房颤|心房颤动|冠心病|心衰|心力衰竭|心功能不全|肺动脉高压|瓣膜|起搏器|心脏支架|冠脉支架|心肌梗死|心梗|"
                r"心脏病"),
     re.compile(r"心内科|麻醉|心功能|心肺功能"),
     "合并心脏疾病时，手术前需由心内科和麻醉科评估心功能和手术耐受情况，必要时先调整心脏用药。", False),
    # an anticoagulant or antiplatelet drug taken (not one not taken or stopped): its management before any operation
    # (not one stopped or an allergy)
    (re.compile(r"(?<!不用)(?<!没用)(?<!不吃)(?<!没吃)(?<!未服)(?<!未用)(?<!没有)"
                r"(?:利伐沙班|拜瑞妥|华法林|阿[司斯]匹林|氯吡格雷|波立维|替格瑞洛|达比加群|阿哌沙班|艾多沙班|抗凝|抗血小板|双抗)"
                r"(?![^。；;]{0,8}(?:已停|停了|停用|停药|过敏))"),
     re.compile(r"停药|桥接|停用"),
     "您提到的抗凝或抗血小板药物，在手术、穿刺或碎石前需由医生评估停药时间和是否需要桥接，切勿自行停药。", False),
    (re.compile(r"蛋白尿|尿蛋白[^，,。；;]{0,6}(?:\+|阳性|升高)"), re.compile(r"肾内科|尿蛋白定量|24小时尿蛋白"),
     "尿蛋白阳性时还需完善24小时尿蛋白定量和肾功能等检查，必要时到肾内科就诊，排除肾小球疾病。",
     False),
    (re.compile(r"睾丸[^，,。；;]{0,6}(?:占位|肿块|包块|肿物|实性|结节|质硬)"),
     re.compile(r"AFP|HCG|LDH|肿瘤标志物", re.IGNORECASE),
     "睾丸肿块需完善阴囊超声和血AFP、β-HCG、LDH等肿瘤标志物检查，以排除睾丸肿瘤。", False),
    (re.compile(r"(?s)(?=.*(?:(?:穿刺|活检|病理)[^。；;]{0,40}(?:腺癌|癌)|Gleason|ISUP))(?=.*PSA[^，,。；;\d]{0,10}(?:[2-9]\d|\d{3,})(?:\.\d+)?\s*(?:ng|$|[，,。；;]))",
                re.IGNORECASE),
     re.compile(r"PSMA|分期检查|转移|浓聚", re.IGNORECASE),  # staged, spread (ADVANCED's course), a hot spot (its row)
     "PSA在20ng/ml以上属于高危前列腺癌，根治性治疗前需完善PSMA PET/CT等分期检查，评估有无淋巴结或远处转移。",
     True),
    (re.compile(r"尿道(?:口)?[^，,。；;不]{0,4}(?:流脓|脓性|滴脓|有脓|分泌物|溢液)"),
     re.compile(r"涂片|淋球菌|衣原体|支原体"),
     "尿道口流脓或有分泌物时需取分泌物做涂片、培养及淋球菌、衣原体检测，根据结果选用抗生素，性伴侣需同时检查和治疗，治愈前避免性生活。",
     False),
    (re.compile(PI_RADS_HIGH, re.IGNORECASE),
     re.compile(r"(?:穿刺|活检|病理)[^。；;]{0,40}(?:腺癌|癌)|Gleason|ISUP", re.IGNORECASE),
     "前列腺磁共振PI-RADS 4至5分的病灶恶性可能性较大，需先行前列腺穿刺活检明确病理、排除前列腺癌，再决定进一步治疗。",
     True),
    # an equivocal prostate MRI (PI-RADS 3): the PSA density and a biopsy or a repeat MRI decide, not BPH drugs alone
    (re.compile(r"PI-?RADS[^，,。；;\d]{0,6}3(?![.\d])", re.IGNORECASE),
     re.compile(r"(?:穿刺|活检|病理)[^。；;]{0,40}(?:腺癌|癌)|Gleason|ISUP|PSA密度|PSAD", re.IGNORECASE),
     "前列腺磁共振PI-RADS 3分的病灶性质不确定，需结合PSA密度、游离/总PSA比值等综合评估，必要时行前列腺穿刺活检，"
     "或定期复查PSA和磁共振。", True),
    # a bladder mass on imaging, not yet scoped, resected or treated: cystoscopy with biopsy, and the upper tracts
    (re.compile(r"(?s)^(?!.*(?:膀胱镜|电切|TUR|根治|回肠膀胱|膀胱全切|灌注|切除|术后))"
                r".*膀胱(?!后方|外|周)[^，,。；;未无没排除否]{0,6}(?:占位|肿瘤(?!抗原|标志)|肿物|新生物)",
                re.IGNORECASE),
     re.compile(r"膀胱镜|活检|病理|电切|TUR", re.IGNORECASE),
     "膀胱占位需行膀胱镜检查及活检明确性质，并完善泌尿系增强CT（CTU）评估上尿路。", False),
    # an upper-tract growth or filling defect, not yet scoped or biopsied: cytology, a CTU and a ureteroscopy first
    # (a cancer named: its path says so)
    (re.compile(r"(?s)\A(?!.*(?:活组织|活检))"
                r".*(?:输尿管|肾盂|上尿路)[^，,。；;未无没排除否膀]{0,12}(?:新生物|菜花|充盈缺损)"
                r"(?![^。；;]{0,12}(?:结石|血块|凝血块))"),
     re.compile(r"输尿管镜|细胞学|活检|活组织|病理|根治|(?:输尿管|肾盂)[^，,。；;]{0,2}癌"),
     "上尿路占位需行尿脱落细胞学、泌尿系增强CT（CTU）和输尿管镜检查及活检明确性质，再决定治疗。", False),
    # a thickened bladder wall after an upper-tract urothelial cancer: a recurrence in the bladder ruled out
    (re.compile(r"(?s)(?=.*(?:输尿管|肾盂|上尿路)[^。；;]{0,10}(?:癌|恶性|肿瘤))(?=.*膀胱[^，,。；;]{0,6}增厚)"),
     re.compile(r"膀胱镜"), "上尿路尿路上皮癌术后膀胱壁增厚，需行膀胱镜检查，排除膀胱内复发。", True),
    # a biopsy taken whose pathology the question does not tell: its report decides the next step
    (re.compile(r"(?:做了|进行了|行了?|做过|取了)[^，,。；;]{0,8}(?:活检|活组织检查)"
                r"(?![^。；;]{0,20}(?:结果|病理)[^。；;]{0,4}(?:显示|示|为|提示))"),
     re.compile(r"病理[^。；;]{0,10}(?:示|显示|提示|为|诊断)|(?:活检|病理)[^。；;]{0,6}(?:腺癌|鳞癌|尿路上皮癌|良性|增生|炎)"),
     "已做的活检需以最终报告为准，请尽快取得报告后复诊，由医生据此决定下一步治疗。", True),
    # a hypoechoic nodule of the prostate: a cancer ruled out (PSA, a rectal examination, an MRI)
    (re.compile(r"前列腺[^，,。；;]{0,10}(?:低回声(?:结节|区|灶)|硬结|质硬结节)"),
     re.compile(r"穿刺|活检|前列腺癌|前列腺恶性"),
     "前列腺低回声结节需结合PSA、直肠指检和前列腺多参数磁共振评估，必要时行前列腺穿刺活检，排除前列腺癌。", False),
    # a hot spot on a bone scan not called a metastasis: told apart from one before a curative treatment
    (re.compile(r"骨扫描[^。；;]{0,60}(?<!未见)(?<!无)(?<!未见明显)(?:浓聚|放射性增高|摄取增高)"),
     re.compile(r"PSMA|转移", re.IGNORECASE),
     "骨扫描的可疑浓聚灶需结合PSMA PET/CT或局部MRI明确是否为骨转移，再决定能否行根治性治疗。", True),
    # groin discomfort or a lump: a hernia or a cord or testis problem told apart
    (re.compile(r"腹股沟[^，,。；;]{0,10}(?:不适|疼痛|痛|胀|肿物|包块|肿块|鼓包|隆起)"),
     re.compile(r"疝|腹股沟[^，,。；;]{0,4}(?:B超|超声|彩超)"),
     "腹股沟不适或包块需查体并做腹股沟及阴囊B超，排除腹股沟疝及精索、睾丸病变，疝气需到普外科就诊。", False),
    # a leukaemia just found: bleeding and infection are treated with the haematologists
    (re.compile(r"(?<!没有)(?<!无)(?<!否认)(?<!排除)(?<!不是)(?<!担心是)(?<!会不会是)(?<!是不是)(?<!没得过)(?<!年前患)"
                r"(?<!年前得过)白血病(?![^。；;]{0,8}(?:已治愈|治愈|痊愈|吗|[?？]))"), re.compile(r"血液科"),
     "您提到的白血病会影响出血、感染和手术的风险，需尽快到血液科就诊，泌尿外科的治疗（包括是否手术）需与血液科共同评估。",
     True),
    # scrotal pain: a Doppler ultrasound rules out a torsion first
    # (a pain of years is no torsion)
    (re.compile(r"(?s)\A(?!.*(?:\d+年|多年|[一两二三四五六七八九十几]+年|长期|反复))"
                r".*(?:阴囊|睾丸|附睾)[^，,。；;]{0,6}(?:肿痛|疼痛|胀痛|坠痛|痛)"),
     re.compile(r"阴囊[^，,。；;]{0,4}(?:B超|超声|彩超)|多普勒|睾丸[^，,。；;]{0,4}(?:B超|超声|彩超)"),
     "阴囊疼痛需尽快做阴囊彩色多普勒超声，排除睾丸扭转，并区分附睾睾丸炎、精索静脉曲张等原因。", False),
    # a thickened ureteral wall: a urothelial tumour is ruled out before the stone or stricture is treated
    (re.compile(r"输尿管[^，,。；;]{0,8}壁[^，,。；;未无没]{0,4}增厚"),
     re.compile(r"输尿管镜|细胞学|活检|CTU|尿路上皮|(?:输尿管|肾盂)[^，,。；;]{0,4}(?:占位|肿瘤|癌)", re.IGNORECASE),
     "输尿管壁增厚需排除输尿管肿瘤，可行尿脱落细胞学和泌尿系增强CT（CTU），必要时输尿管镜检查及活检。", False),
    # a benign prostate biopsy while the PSA stays high: follow-up, and a targeted repeat biopsy where it keeps rising
    (re.compile(rf"(?s)(?=.*{BENIGN_BIOPSY})(?=.*PSA[^，,。；;\d]{{0,10}}(?:升高|增高|偏高|[1-9]\d))", re.IGNORECASE),
     re.compile(r"(?:穿刺|活检|病理)[^。；;]{0,40}(?:腺癌|癌)|Gleason|ISUP", re.IGNORECASE),
     "前列腺穿刺病理为良性而PSA仍升高时，需复查PSA并完善前列腺磁共振，PSA持续升高或磁共振有可疑病灶时再行磁共振引导下"
     "靶向穿刺。", True),
    # hematuria, unless cystoscopy or cytology was done or a urothelial tumour is known
    (re.compile(r"肉眼[^，,。；;]{0,4}血尿|(?:尿|小便)[^，,。；;]{0,4}(?:带血|有血|血丝|血块)|洗肉水|"
                r"(?:出现|有)[^，,。；;]{0,8}血尿"),
     re.compile(r"膀胱镜|细胞学|尿路上皮癌|"
                r"(?:肾盂|输尿管|膀胱)[^，,。；;未无没排除否]{0,4}(?:癌|恶性|占位|肿瘤(?!抗原|标志)|新生物)"),
     "血尿需完善泌尿系增强CT和膀胱镜检查，以排除泌尿系肿瘤。", False),
)
