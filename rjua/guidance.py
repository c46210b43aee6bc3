"""What a composed reply says a patient should do: the clinical steps, each rule a row of a readable table.

:mod:`rjua.compose` writes the reply from the answer's own items; this module decides, from what the question
affirms (:func:`rjua.sites.affirmed`), which of those items a urologist would offer and what must be said
however the items read:

* :data:`FIRST_STEPS` — a sign that calls for a step before anything else (a retention drained, a clot washed
  out, an infected obstructed kidney drained), said first; a sentence telling of the past is no sign.
* :data:`OPERATE_WHEN` — the signs that make an operation for a diagnosis worth offering (BPH: symptoms, a
  complication or failed drugs; hematospermia: an obstruction).
* :data:`INDICATED` — what one sentence of the question must tell for an operation (a percutaneous stone
  removal: a stone of 2 cm or more; a cyst unroofing: a cyst of 4 cm or more, or one that presses).
* :data:`DONE` — an examination the question's results make moot (a biopsy of a proven cancer).
* :data:`PATHS` — for a diagnosis with no fitting operation, the usual course of treatment, in general terms.
* :data:`WORKUP` — an examination a finding needs before any treatment (an adrenal mass: its hormones), said
  when the answer's own examinations do not already name it.
* :data:`OWN_COURSE` — diagnoses whose course is the treatment itself (a penile fracture: its repair).

The pictures a question paints (:data:`~rjua.pictures.SYNDROMES`, :data:`~rjua.pictures.AFTERCARE`,
:data:`~rjua.pictures.BIOPSY_FIRST`) are :mod:`rjua.pictures`; their functions are re-exported here.

Every sentence is general: it carries no size, result or history of a patient, so the faithfulness rules
(:mod:`rjua.faithfulness`) find nothing in it to check against the question.

>>> first_steps("超声显示残余尿量为767ml，双肾积水", "您")
['您目前存在尿潴留，应先留置导尿管引流尿液（导尿困难时可行耻骨上膀胱穿刺造瘘），保护膀胱和肾功能，再考虑后续治疗。']
>>> path_for(["左肾错构瘤"])[:11]
'治疗方面，肾错构瘤直径'
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .patient import RELATIVES, patient_facts
from .pictures import AFTERCARE, BIOPSY_FIRST, RENAL_TRAUMA, SYNDROMES, aftercare, biopsy_first, syndromes
from .sites import affirmed, affirmed_sentences, proven_tumours, sentences
from .text import nfkc

__all__ = ["ADRENAL_MASS", "ADVANCED", "AFTERCARE", "BENIGN_BIOPSY", "BIOPSY_FIRST", "DONE", "FIRST_STEPS",
           "INDICATED", "OPERATE_WHEN", "OWN_COURSE", "PATHS", "SYNDROMES", "WORKUP", "advanced", "aftercare",
           "biopsy_first", "catheter_in", "done", "first_steps", "indicated", "operable", "own_course",
           "path_for", "syndromes", "workup"]

_PAST = re.compile(r"(?:\d+|[一两二三四五六七八九十几半]+)个?(?:天|日|周|星期|月|年)(?:前|以前)|"
                   r"之前|以前|曾|既往|病史|拔除|已拔")
# a catheter in place: told in what the question affirms (带着尿管, 目前留置导尿管), or, its 无 being no negation, as
# one that cannot come out (无法拔除导尿管) or is in (导尿管置入中); an advice item 留置导尿管 is no catheter in place
_CATHETER_IN = re.compile(r"(?:正在|目前|现在|一直)[^，,。；;]{0,6}(?:尿管|导尿管)|"
                          r"(?:带着?|插着|留置着)[^，,。；;]{0,2}(?:尿管|导尿管)")
_CATHETER_KEPT = re.compile(r"(?:无法|不能|没法|未能)拔除?[^，,。；;]{0,2}(?:尿管|导尿管)|"
                            r"(?:尿管|导尿管)(?:置入|留置)中")
_FEVER = r"发热|发烧|寒战|高热|体温\s*3[89]"
# infection told by the tests: raised inflammatory markers or white cells, pus in the urine
_LAB_INFECTION = (r"(?:C反应蛋白|CRP|白细胞|降钙素原|PCT)[^，,。；;]{0,12}(?:升高|增高|偏高|增多|阳性)|"
                  r"脓尿|尿[^，,。；;]{0,4}白细胞[^，,。；;]{0,4}\+")

# a sign -> the first step; read in one sentence's affirmed part ("sentence"), in the sentence as written, its
# negation being the sign ("written": 10个小时没有小便), or in the whole affirmed question ("question")
FIRST_STEPS: tuple[tuple[re.Pattern, str, str], ...] = (
    (re.compile(rf"(?s)(?=.*(?:{_FEVER}))(?=.*(?:积水|梗阻|输尿管结石|肾盂扩张))"), "question",
     "{who}目前存在尿路梗阻合并发热，应尽快到医院急诊，行输尿管支架置入或经皮肾造瘘引流尿液，并使用抗生素控制感染，"
     "待感染控制后再处理结石或梗阻。"),
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
_LUTS = (r"(?:尿频|尿急|夜尿|起夜|排尿困难|排尿费力|排尿不畅|尿线|尿等待|尿不尽|尿流|滴沥|"
         r"小便[^，,。；;]{0,4}(?:细|慢|费力))")
OPERATE_WHEN: tuple[tuple[re.Pattern, re.Pattern | None, re.Pattern | None], ...] = (
    # BPH: a complication (retention, a large residual, a bladder stone, hematuria, kidneys harmed), drugs that
    # failed, or drugs taken with voiding symptoms still told; symptoms alone call for drugs first (the treatment
    # path), drugs taken without symptoms told are working, a question about drugs is no drug taken
    (re.compile(r"前列腺增生|前列腺肥大|前列腺增大"),
     re.compile(r"尿潴留|尿储留|尿不出|排不出|残余尿[^，,\d]{0,8}(?:[1-9]\d{2,}|增多|增加|较多)|导尿|"
                r"膀胱[^，,]{0,4}结石|双[侧肾][^，,]{0,4}积水|血尿|憩室|肾功能(?:不全|减退|下降|损害)|"
                r"肌酐[^，,]{0,6}(?:升高|增高)|反复[^，,]{0,8}感染"),
     re.compile(rf"(?s){_FAILED}|(?=.*(?:(?:服|吃|口服|使用|用)(?:了|过|着)?[^，,。；;？?]{{0,8}}(?:{_BPH_DRUG})|"
                rf"(?:一直|长期|正在|已经)[^，,。；;？?]{{0,6}}(?:服药|吃药|用药|药物治疗)))"
                rf"(?=.*(?:仍|还是|依然|还有|还要|但|现在有|目前有|现在还)[^。；;不没无]{{0,10}}{_LUTS})")),
    # urinary incontinence: an operation after pelvic-floor training or drugs failed
    (re.compile(r"尿失禁"), None, re.compile(_FAILED)),
    (re.compile(r"血精"), re.compile(r"精囊[^，,]{0,8}(?:结石|囊肿|梗阻|扩张)|射精管[^，,]{0,6}(?:梗阻|囊肿)"), None),
)
# an examination the question's results make moot -> those results: no biopsy "to clarify" a proven cancer
# an examination -> the result in the question that answers it -> whether that result is read in the question as
# written (a normal result answers a test as well as an abnormal one) or only in what it affirms; a benign biopsy of
# the patient's own that is not years old answers a prostate biopsy too (a repeat one is WORKUP's targeted biopsy);
# a follow-up (复查, 定期) is never done already
# the patient's prostate biopsy told with a benign pathology (增生, 炎症, no cancer found)
# (its sentence names no relative, plan or years-old biopsy before it; the result is in the result's own clause, not
# pending, asked about or atypical: ASAP calls for a repeat biopsy)
BENIGN_BIOPSY = (r"(?:^|(?<=[。；;！？!?\n]))"
                 r"(?:(?!父亲|母亲|爸|妈|家人|亲属|亲戚|朋友|建议|准备|计划|打算|拟|\d+年前|[一两二三四五六七八九十几]+年前)"
                 r"[^。；;！？!?\n])*?前列腺[^。；;]{0,6}(?:穿刺|活检)[^。；;]{0,30}(?:病理|结果)"
                 r"(?:(?!还没|未出|没出|等待|会|吗|不典型|非典型|ASAP|上皮内瘤变)[^，,。；;]){0,20}"
                 r"(?:增生|炎|良性|未见(?:明显)?(?:癌|恶性|肿瘤)|阴性)(?![^，,。；;]{0,4}(?:吗|[?？]))")
_NOT_FOLLOW_UP = r"^(?!.*(?:复查|定期|随访|监测|动态))"
DONE: tuple[tuple[re.Pattern, re.Pattern, bool], ...] = (
    (re.compile(r"穿刺|活检"), re.compile(r"(?:穿刺|活检|病理)[^。；;]{0,40}(?:腺癌|癌)|Gleason|ISUP", re.IGNORECASE),
     False),
    # a benign biopsy answers a biopsy too: a repeat one is the targeted biopsy of WORKUP, not the same advice again
    (re.compile(r"前列腺[^，,。；;]{0,6}(?:穿刺|活检)|^(?:穿刺活检|穿刺|活检)$"), re.compile(BENIGN_BIOPSY), True),
    (re.compile(_NOT_FOLLOW_UP + r"(?!.*(?:游离|f-?PSA|比值))(?:.*PSA|.*前列腺特异)", re.IGNORECASE),
     re.compile(r"(?<!没有查)(?<!没查)(?<!未查)(?<!没有查过)(?<!没查过)PSA(?:检查|检测|值|水平)?(?:结果)?"
                r"[^。；;\d]{0,12}?(?:为|是|:|\s)\s*\d|PSA[^，,。；;]{0,6}(?:正常|不高|升高|偏高)", re.IGNORECASE),
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
INDICATED: tuple[tuple[re.Pattern, re.Pattern, re.Pattern | None], ...] = (
    (re.compile(r"经皮肾镜|PCN?L|PNL", re.IGNORECASE),
     re.compile(rf"铸型|鹿角|石[^，,。；;]{{0,15}}(?:{_CM2})|(?:{_CM2}|巨大|较大)[^，,。；;]{{0,8}}结石",
                re.IGNORECASE),
     None),
    (re.compile(r"去顶"),
     re.compile(rf"囊[^，,。；;]{{0,20}}(?:{_CM4}|增大|压迫|积水|受压)|(?:{_CM4}|巨大|较大)[^。；;]{{0,10}}囊",
                re.IGNORECASE), re.compile(_CYST_TROUBLE)),
)

# a diagnosis (first match) -> its usual course of treatment, said where no fitting operation is offered
PATHS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"勃起(?:功能)?障碍|阳痿"),
     "勃起功能障碍需先评估糖尿病、高血压、血脂等心血管危险因素，必要时查性激素；在医生指导下首选PDE5抑制剂"
     "（如西地那非、他达拉非），同时戒烟限酒、规律运动，药物效果不佳时再考虑其他治疗。"),
    (re.compile(r"前列腺癌|前列腺恶性"),
     "需结合PSA、穿刺病理和影像分期制定方案：局限性前列腺癌可考虑根治性前列腺切除术或根治性放疗，局部晚"
     "期或转移者以内分泌治疗为主。"),
    (re.compile(r"肾上腺"),
     "肾上腺肿瘤需先明确是否有内分泌功能，有功能或体积较大者多考虑腹腔镜肾上腺肿瘤切除术，无功能且较小者可"
     "定期复查。"),
    (re.compile(r"错构瘤|血管平滑肌脂肪瘤"),
     "肾错构瘤直径较小且无症状时可定期影像随访；直径超过4cm、有症状或有出血风险时，可考虑保留肾单位的手"
     "术或选择性肾动脉栓塞。"),
    (re.compile(r"输尿管[^，,。；;]{0,4}(?:占位|肿瘤|癌)|肾盂[^，,。；;]{0,4}(?:占位|肿瘤|癌)|(?<!膀胱)尿路上皮"),
     "上尿路占位需行输尿管镜检查及活检、尿脱落细胞学明确性质，确诊尿路上皮癌后多需行肾输尿管全长切除术。"),
    (re.compile(r"脐尿管[^，,。；;]{0,6}(?:癌|恶性|肿瘤)"),
     "脐尿管癌多行膀胱部分切除术，连同脐尿管和脐一并切除，并行盆腔淋巴结清扫；已有转移或无法切除者以全身化疗为主。"),
    (re.compile(r"膀胱[^，,。；;]{0,4}(?:占位|肿瘤|癌)|尿路上皮癌"),
     "膀胱肿瘤需根据病理和浸润深度决定治疗：尚无病理时先行膀胱镜活检或经尿道膀胱肿瘤电切术；非肌层浸润性多在电切后行"
     "膀胱灌注并定期复查膀胱镜，肌层浸润性多需根治性膀胱切除术，必要时新辅助化疗。"),
    (re.compile(r"肾[^，,。；;]{0,4}(?:占位|肿瘤|癌|恶性)"),
     "肾占位需结合增强CT或MRI判断性质，考虑恶性时多选择肾部分切除术或根治性肾切除术。"),
    (re.compile(r"腹膜后纤维化"),
     "腹膜后纤维化需先排除肿瘤、药物等继发原因（必要时穿刺活检）；压迫输尿管引起梗阻时先留置输尿管支架管或肾造瘘引流，"
     "保护肾功能，特发性者多用糖皮质激素治疗，必要时加用免疫抑制剂，药物无效时可行输尿管松解术。"),
    (re.compile(r"肾盂输尿管(?:连接|移行)[^，,。；;]{0,4}狭窄|UPJO", re.IGNORECASE),
     "肾盂输尿管连接部狭窄引起积水加重、肾功能受损、反复感染或疼痛时，多行腹腔镜或机器人肾盂成形术；积水轻且肾功能稳定者可"
     "定期复查B超和肾图。"),
    (re.compile(r"输尿管(?!连接|移行)[^，,。；;石]{0,6}狭窄"),
     "输尿管狭窄可先留置输尿管支架管引流并定期更换；狭窄段较短时可行输尿管镜下球囊扩张或内切开，较长或反复狭窄时需行"
     "狭窄段切除再吻合、膀胱瓣或肠代输尿管等修复手术，不能手术者可长期留置支架管（如金属或覆膜支架）。"),
    (re.compile(r"囊肿"),
     "单纯性肾囊肿较小且无症状时一般定期复查B超即可；囊肿较大、引起压迫或疼痛时，可考虑腹腔镜囊肿去顶术。"),
    (re.compile(r"膀胱[^，,。；;]{0,4}结石"),
     "膀胱结石多可经尿道膀胱镜下碎石取石，结石较大时可行耻骨上膀胱切开取石，并需同时处理前列腺增生等引起排尿梗阻的"
     "病因。"),
    (re.compile(r"结石"),
     "结石较小时可多饮水、药物排石并定期复查；结石较大或引起梗阻、感染时，需根据大小和位置选择体外冲击波碎"
     "石、输尿管镜或经皮肾镜等治疗。"),
    (re.compile(r"前列腺增生|前列腺肥大|前列腺增大"),
     "症状较轻时可观察等待；症状明显时首选α受体阻滞剂，前列腺较大时可联合5α还原酶抑制剂；如果药物效果不"
     "佳或出现尿潴留、反复血尿、膀胱结石等并发症，再考虑手术。"),
    (re.compile(r"前列腺炎"),
     "慢性前列腺炎可在医生指导下使用α受体阻滞剂、抗炎镇痛药物，配合热水坐浴、规律作息、避免久坐和饮酒。"),
    (re.compile(r"血精"),
     "血精多为良性、常可自行缓解，可先做精液常规、PSA和经直肠超声等检查，必要时抗感染治疗并定期观察。"),
    (re.compile(r"鞘膜积液"),
     "鞘膜积液量少、无不适时可观察；积液较多或影响生活时可行睾丸鞘膜翻转术。"),
    (re.compile(r"不育|弱精|少精|无精"),
     "男性不育需夫妻双方共同检查，男方先做精液常规分析，再根据结果进一步检查病因并针对性治疗。"),
    (re.compile(r"尿失禁"),
     "压力性尿失禁可先进行盆底肌训练，效果不佳时可考虑尿道中段吊带术；急迫性尿失禁以药物和膀胱训练为主。"),
    (re.compile(r"(?<!嵌顿)包茎|包皮过长"),
     "包茎或包皮过长影响排尿、清洁或反复发炎时，一般建议择期行包皮环切术，术前需确认局部没有急性炎症。"),
    (re.compile(r"阴茎[^，,。；;]{0,4}(?:癌|恶性|肿瘤|肿物|新生物)"),
     "阴茎肿物需先行活检明确病理；确诊阴茎癌后，根据肿瘤大小和部位行阴茎部分切除术或全切除术，并评估腹股沟淋巴结，"
     "必要时行淋巴结清扫。"),
    (re.compile(r"前列腺[^，,。；;]{0,6}术后[^，,。；;]{0,6}(?:下尿路症状|刺激症状)"),
     "前列腺术后早期的尿频、尿急、尿痛多为创面未愈合引起的刺激症状，需先查尿常规和尿培养排除感染，有感染时抗感染治疗，"
     "无感染时可在医生指导下使用M受体拮抗剂或β3受体激动剂缓解症状，多数在术后3个月内逐渐好转。"),
    (re.compile(r"阴茎折断|白膜(?:破裂|断裂)|阴茎海绵体破裂"),
     "阴茎折断属于泌尿外科急症，一般需尽早行阴茎白膜探查修补术，术中同时检查尿道；如有尿道口滴血、血尿或排尿困难，"
     "需警惕合并尿道损伤。"),
    (re.compile(RENAL_TRAUMA),
     "肾损伤多数可保守治疗：绝对卧床休息，监测生命体征、血红蛋白和尿色变化，必要时复查CT；如出血持续、"
     "血红蛋白进行性下降或生命体征不稳定，需行肾动脉介入栓塞或手术探查。"),
    (re.compile(r"淋病|淋球菌"),
     "尿道口流脓或有分泌物时，需取分泌物做涂片、培养及淋球菌、衣原体检测，根据结果规范使用抗生素（淋球菌性尿道炎"
     "多用头孢曲松），性伴侣需同时检查和治疗，治愈前避免性生活。"),
    (re.compile(r"感染|膀胱炎"),
     "可先行尿常规和尿培养，在医生指导下根据药敏结果使用敏感抗生素，同时多饮水、避免憋尿。"),
)

# diagnoses whose course (:data:`PATHS`) is the treatment itself: led by one, the reply says that course and none of
# the treatments or medicines the similar cases were given for their own problems
OWN_COURSE = re.compile(r"术后[^，,。；;]{0,6}(?:下尿路症状|刺激症状)|阴茎折断|白膜(?:破裂|断裂)|阴茎海绵体破裂|"
                        rf"{RENAL_TRAUMA}|淋病|淋球菌")
# a malignancy (in the diagnoses) -> the signs in the question that it has spread, recurred or is under systemic
# treatment -> what to do instead of a curative operation (said in place of the treatment path; no radical
# operation is offered beside it)
_ANTIANDROGEN = r"ADT|内分泌治疗|去势|阿比特龙|比卡鲁胺|恩扎卢胺|阿帕他胺|达罗他胺|戈舍瑞林|亮丙瑞林|诺雷德|抑那通"
# spread told, not asked about, feared or ruled out (会不会转移, 容易转移吗, 排除转移, 转移待排)
_SPREAD = (r"(?<!会不会)(?<!是否)(?<!是否有)(?<!有没有)(?<!有无)(?<!排除)(?<!担心)(?<!怕)(?<!防止)(?<!预防)(?<!会)"
           r"(?<!容易)(?<!以后)转移(?![^，,。；;]{0,6}(?:吗|[?？])|待排|待除外)")
# a relative's own story (父亲肺癌骨转移), unless the question is about that relative, tells nothing of the patient's
_RELATIVE = re.compile("家族|家人|亲属|" + "|".join(sorted(RELATIVES, key=len, reverse=True)))
# hormones before a planned radical operation are neoadjuvant, not a sign of advanced disease
_PLANNED = re.compile(r"(?:准备|计划|拟|打算|等待)[^，,。；;]{0,10}(?:根治|手术|切除)")
ADVANCED: tuple[tuple[re.Pattern, re.Pattern, re.Pattern | None, str], ...] = (
    (re.compile(r"前列腺(?:癌|恶性)"),
     re.compile(rf"{_SPREAD}|骨(?!密度|质疏松)[^，,。；;]{{0,12}}(?:异常|浓聚|破坏|病灶|致密|信号)|"
                rf"椎体?[^，,。；;]{{0,12}}(?:异常|病灶|致密|信号)|{_ANTIANDROGEN}", re.IGNORECASE), _PLANNED,
     "前列腺癌已有转移可能或正在接受内分泌治疗时，需完善骨扫描或PSMA PET-CT等全身评估，由泌尿外科与肿瘤科多学科讨论，"
     "一般以内分泌治疗等全身治疗为主，不首选根治性手术。"),
    (re.compile(r"肾(?!上腺)[^，,。；;]{0,4}(?:癌|恶性|肿瘤|占位)"), re.compile(rf"复发|{_SPREAD}"), None,
     "肾肿瘤考虑复发或转移时，需完善胸腹部增强CT等全面评估，由泌尿外科与肿瘤科多学科讨论：局限的病灶可考虑手术切除，"
     "否则以靶向或免疫等全身治疗为主。"),
    (re.compile(r"癌|恶性|肿瘤|占位"), re.compile(_SPREAD), None,
     "肿瘤考虑已有转移时，需完善全身评估并明确病理，由泌尿外科与肿瘤科多学科讨论，一般以全身治疗为主。"),
)

# an adrenal mass, not an adrenal area an image names (右侧肾上腺区…高密度灶，可能是囊肿) or a metastasis to it
ADRENAL_MASS = re.compile(r"肾上腺(?![^。；;]{0,20}转移)[^，,。；;及和与、肾]{0,8}"
                          r"(?:肿瘤|占位|结节|腺瘤|肿物|包块|增生|瘤)|醛固酮|嗜铬|库欣|皮质醇增多")

# a finding (in the diagnoses or the question) -> an examination it needs before treatment, unless the answer's
# own examinations or the question's reported results (the second column) already name it -> the sentence ->
# ``whole``: the finding is read in the question as written (infertility is told by what does not happen:
# 一直没有怀孕); the hematuria row is for adults only (a child's hematuria is worked up otherwise)
WORKUP: tuple[tuple[re.Pattern, re.Pattern, str, bool], ...] = (
    (ADRENAL_MASS, re.compile(r"醛固酮|皮质醇|儿茶酚胺|内分泌|激素"),
     "肾上腺肿瘤术前需完善内分泌功能检查（醛固酮/肾素、皮质醇、血尿儿茶酚胺及其代谢产物）。", False),
    # an aldosteronism with nodules on both sides: which side secretes is told by venous sampling, not by CT
    (re.compile(r"(?s)(?=.*(?:双侧|两侧|双)肾上腺[^，,。；;未无没]{0,12}(?:结节|腺瘤|占位|增生|肿瘤|低密度))(?=.*醛固酮)"),
     re.compile(r"静脉(?:采血|取血)|AVS|分侧", re.IGNORECASE),
     "双侧肾上腺均有结节的原发性醛固酮增多症，手术前需行肾上腺静脉采血（AVS）明确优势分泌侧，再决定手术侧别或药物治疗。",
     False),
    (re.compile(r"不育|不孕|没有?怀孕|未孕|弱精|少精|无精|精子质量"), re.compile(r"精液"),
     "男性生育问题首先需要做精液常规分析（禁欲2至7天后留取）。", True),
    (re.compile(r"PSA[^，,。；;\d]{0,10}(?:升高|增高|偏高|异常)|PSA[^，,。；;\d]{0,10}(?:[4-9]\.\d*[1-9]|[5-9]|[1-9]\d+)",
                re.IGNORECASE),
     re.compile(r"MRI|磁共振|核磁|穿刺|活检|前列腺癌|前列腺恶性", re.IGNORECASE),
     "PSA升高时需复查PSA并完善前列腺多参数磁共振检查，必要时行前列腺穿刺活检，以排除前列腺癌。", False),
    (re.compile(r"蛋白尿|尿蛋白[^，,。；;]{0,6}(?:\+|阳性|升高)"), re.compile(r"肾内科|尿蛋白定量|24小时尿蛋白"),
     "尿蛋白阳性时还需完善24小时尿蛋白定量和肾功能等检查，必要时到肾内科就诊，排除肾小球疾病。",
     False),
    (re.compile(r"睾丸[^，,。；;]{0,6}(?:占位|肿块|包块|肿物|实性|结节|质硬)"),
     re.compile(r"AFP|HCG|LDH|肿瘤标志物", re.IGNORECASE),
     "睾丸肿块需完善阴囊超声和血AFP、β-HCG、LDH等肿瘤标志物检查，以排除睾丸肿瘤。", False),
    (re.compile(r"(?s)(?=.*(?:(?:穿刺|活检|病理)[^。；;]{0,40}(?:腺癌|癌)|Gleason|ISUP))(?=.*PSA[^，,。；;\d]{0,10}(?:[2-9]\d|\d{3,})(?:\.\d+)?\s*(?:ng|$|[，,。；;]))",
                re.IGNORECASE),
     re.compile(r"PSMA|分期检查|转移", re.IGNORECASE),  # staged already, or spread told (ADVANCED says its course)
     "PSA在20ng/ml以上属于高危前列腺癌，根治性治疗前需完善PSMA PET/CT或盆腔MRI等分期检查，评估有无淋巴结或远处转移。",
     True),
    (re.compile(r"尿道(?:口)?[^，,。；;不]{0,4}(?:流脓|脓性|滴脓|有脓)"), re.compile(r"涂片|淋球菌|衣原体|支原体"),
     "尿道口流脓时需取分泌物做涂片、培养及淋球菌、衣原体检测，根据结果选用抗生素，性伴侣需同时检查和治疗，治愈前避免性生活。",
     False),
    (BIOPSY_FIRST, re.compile(r"(?:穿刺|活检|病理)[^。；;]{0,40}(?:腺癌|癌)|Gleason|ISUP", re.IGNORECASE),
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
    # scrotal pain: a Doppler ultrasound rules out a torsion first
    (re.compile(r"(?:阴囊|睾丸|附睾)[^，,。；;]{0,6}(?:肿痛|疼痛|胀痛|坠痛|痛)"),
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


def catheter_in(question: str) -> bool:
    """Whether the question tells a urinary catheter in place now.

    >>> catheter_in("目前留置导尿管一周"), catheter_in("因为尿潴留无法拔除导尿管"), catheter_in("建议留置导尿管")
    (True, True, False)
    >>> catheter_in("没有插着尿管")
    False
    """
    q = nfkc(question or "")
    return bool(_CATHETER_IN.search(affirmed(q)) or _CATHETER_KEPT.search(q))


def first_steps(question: str, who: str) -> list[str]:
    """The one first step (:data:`FIRST_STEPS`) a sign the question tells of now calls for.

    >>> first_steps("两周前出现急性尿潴留，留置导尿两次。目前导尿已经拔除，但有尿失禁", "您")
    []
    >>> first_steps("排尿不畅伴尿潴留，目前我正在使用尿管排尿", "您")  # drained already
    []
    >>> first_steps("左输尿管结石伴左肾积水。体温38.8°C", "您")[0][:13]
    '您目前存在尿路梗阻合并发热'
    """
    q = nfkc(question or "")
    drained = catheter_in(q)
    for sign, read, text in FIRST_STEPS:
        if drained and "留置导尿管" in text:
            continue  # a catheter is in already
        if read == "question" and sign.search(affirmed(q)):
            return [text.format(who=who)]
        for sentence, said in zip(sentences(q), affirmed_sentences(q)) if read != "question" else ():
            if (m := sign.search(sentence if read == "written" else said)) and not _PAST.search(_clause_at(m)):
                return [text.format(who=who)]
    return []


def _clause_at(m: re.Match) -> str:
    """The clause of the searched text around a match: where a sign is told of the past (之前…, 3天前…) or now."""
    text = m.string
    start = max(text.rfind(c, 0, m.start()) for c in ",，;；") + 1
    ends = [i for i in (text.find(c, m.end()) for c in ",，;；") if i >= 0]
    return text[start:min(ends) if ends else len(text)]


def indicated(advice: str, question: str) -> bool:
    """Whether one sentence of the question tells what an operation is for (:data:`INDICATED`).

    >>> indicated("左PNL术", "CT示左肾有细小的结石"), indicated("左侧经皮肾镜取石术", "左肾铸型结石，约3.5cm")
    (False, True)
    >>> op = "腹腔镜下左肾囊肿去顶术"
    >>> indicated(op, "左肾微小囊肿。"), indicated(op, "左肾囊肿直径约9cm"), indicated(op, "左肾囊肿9cm，逐渐增大")
    (False, False, True)
    """
    said = affirmed_sentences(question)
    rows = [(sign, also) for pat, sign, also in INDICATED if pat.search(advice)]
    return all(any(sign.search(x) for x in said) and (also is None or any(also.search(x) for x in said))
               for sign, also in rows)


def operable(diagnosis: str, question: str) -> bool:
    """Whether the question calls for an operation for ``diagnosis`` (:data:`OPERATE_WHEN`).

    >>> operable("前列腺增生", "体检发现前列腺肥大，PSA正常"), operable("前列腺增生", "夜尿4次，服药效果不理想")
    (False, True)
    >>> operable("前列腺增生", "夜尿4次，请问用什么药"), operable("前列腺增生", "吃坦洛新半年效果不明显")
    (False, True)
    >>> operable("血精", "血精1个月"), operable("左肾结石", "左侧腰痛")
    (False, True)
    """
    said, written = affirmed(question), nfkc(question or "")
    return all(bool(now and now.search(said) or failed and failed.search(written))
               for pat, now, failed in OPERATE_WHEN if pat.search(diagnosis))


def done(advice: str, question: str) -> bool:
    """Whether the question's results already answer what an examination would (:data:`DONE`).

    >>> done("前列腺穿刺活检", "穿刺活检结果为腺泡腺癌，ISUP 1级"), done("前列腺穿刺活检", "PSA 16ng/ml")
    (True, False)
    >>> done("前列腺特异抗原(PSA)", "3天前PSA检查结果为0.43ng/ml"), done("复查PSA", "PSA 0.43ng/ml")
    (True, False)
    >>> done("游离PSA/总PSA比值", "PSA 6.5ng/ml"), done("PSA", "没有查过PSA，今年62岁")
    (False, False)
    """
    said, written = affirmed(question), nfkc(question or "")
    return any(pat.search(advice) and found.search(written if whole else said) for pat, found, whole in DONE)


def path_for(diagnoses: Sequence[str], later: Sequence[str] = ()) -> str:
    """The usual course of treatment (:data:`PATHS`) of the first diagnosis that has one, as a sentence of the
    reply's treatment part; "" when none has. ``later``: the operations the answer proposes for when that course
    calls for one (…再考虑手术 names them).

    >>> path_for(["感冒"])
    ''
    >>> path_for(["前列腺增生"], ["经尿道前列腺电切术"])[-16:]
    '再考虑经尿道前列腺电切术等手术。'
    """
    for d in diagnoses:
        for pat, text in PATHS:
            if pat.search(d):
                ops = "、".join(op.removesuffix("等") for op in later)
                named = f"再考虑{ops}等手术" if later else "再考虑手术"
                return "治疗方面，" + text.replace("再考虑手术", named)
    return ""


def own_course(diagnoses: Sequence[str]) -> str:
    """The course (:func:`path_for`) of the leading diagnosis when it is one of :data:`OWN_COURSE`, else "".

    >>> own_course(["阴茎折断", "男性不育"])[:9], own_course(["男性不育", "阴茎折断"])
    ('治疗方面，阴茎折断', '')
    """
    return path_for(diagnoses[:1]) if diagnoses and OWN_COURSE.search(diagnoses[0]) else ""


def advanced(diagnoses: Sequence[str], question: str) -> str:
    """What a malignancy that has spread, recurred or is under systemic treatment calls for (:data:`ADVANCED`),
    as a sentence of the reply's treatment part; "" when no diagnosis has such signs in the question.

    >>> advanced(["前列腺癌"], "骨扫描提示腰椎多发骨转移")[:10]
    '治疗方面，前列腺癌已'
    >>> advanced(["前列腺癌"], "穿刺病理为前列腺腺癌，骨扫描未见转移"), advanced(["左肾囊肿"], "肝转移")
    ('', '')
    >>> advanced(["膀胱癌"], "请问会不会转移"), advanced(["前列腺癌"], "服用比卡鲁胺，准备做根治手术")
    ('', '')
    """
    person = patient_facts(question).person or "self"
    said = "。".join(s for s in affirmed_sentences(question)
                    if all(RELATIVES.get(m.group(), ("",))[0] == person for m in _RELATIVE.finditer(s)))
    for d in diagnoses:
        for pat, sign, unless, text in ADVANCED:
            if pat.search(d) and sign.search(said) and not (unless and unless.search(said)):
                return "治疗方面，" + text
    return ""


# a clause that tells a result, or a test done (已做过肾上腺静脉取血)
_RESULT = re.compile(r"显示|提示|示|结果|见|病理|阴性|阳性|正常|异常|升高|增高|偏高|降低|偏低|↑|↓|\d|"
                     r"做过|做了|已行|已做")


def workup(diagnoses: Sequence[str], exams: Sequence[str], question: str) -> list[str]:
    """The examinations a finding needs (:data:`WORKUP`) that the answer's own ``exams`` do not name.

    >>> workup(["左肾上腺肿瘤"], ["CT"], "体检发现左肾上腺占位")[0][:7]
    '肾上腺肿瘤术前'
    >>> workup(["左肾上腺肿瘤"], ["血醛固酮/肾素"], ""), workup(["男性不育"], [], "")[0][:6]
    ([], '男性生育问题')
    """
    found = "。".join([*diagnoses, affirmed(question)])
    written = "。".join([*diagnoses, nfkc(question or "")])
    # what is known already: the answer's own examinations and diagnoses, a malignancy a biopsy proved, results
    # the question reports (a clause naming the test with its result: 醛固酮/肾素活性975↑, 膀胱镜未见异常)
    said = "".join(exams) + "".join(diagnoses) + ("前列腺癌" if "prostate" in proven_tumours(question) else "")
    said += "转移" if advanced(diagnoses, question) else ""  # spread told: its course says the assessment
    said += "，".join(c for c in re.split(r"[，,。；;\n]", nfkc(question or "")) if _RESULT.search(c))
    # a child's hematuria is worked up otherwise; a young patient's with painful voiding is an infection's first
    # (urinalysis and culture; the work-up if it stays after treatment)
    age = patient_facts(question).age
    young_uti = age is not None and age < 40 and _PAINFUL_VOIDING.search(affirmed(question))
    no_hematuria_line = age is not None and age < 18 or young_uti
    return [line for finding, covered, line, whole in WORKUP
            if finding.search(written if whole else found) and not covered.search(said)
            and not (no_hematuria_line and line.startswith("血尿"))]


_PAINFUL_VOIDING = re.compile(r"尿痛|排尿[^，,。；;]{0,4}(?:疼|痛|灼)")
