"""The pictures a question paints: what it tells of a diagnosis or a moment of care though no word of it does.

Rows of readable tables, read in what the question affirms (:func:`rjua.sites.affirmed`) or, where a table says
so, as written:

* :data:`SYNDROMES` — a picture that tells its diagnosis (leaking on coughing: stress incontinence; a torn tunica
  albuginea after sex: a penile fracture), which then leads the answer's diagnoses.
* :data:`AFTERCARE` — a recent operation whose aftercare the reply says in place of other patients' treatments.
* :data:`BIOPSY_FIRST` — a suspicion only a biopsy settles: no operation before its pathology.

:mod:`rjua.guidance` uses them beside its own tables (its :data:`~rjua.guidance.OWN_COURSE` names the pictures'
diagnoses whose course is the treatment) and re-exports the functions.

>>> syndromes("74岁女性，每当咳嗽或走路时尿液就会不受控制地溢出")
['压力性尿失禁']
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .patient import RELATIVES, patient_facts
from .sites import affirmed, item_sites, proven_tumours
from .text import nfkc

__all__ = ["AFTERCARE", "BENIGN_BIOPSY", "BIOPSY_FIRST", "HIGH_PSA", "PI_RADS_HIGH", "RENAL_TRAUMA",
           "SUSPECTED_PROSTATE_CANCER", "SYNDROMES", "WRITTEN_PICTURES", "aftercare", "biopsy_first", "own_written",
           "syndromes", "upper_tract_first"]

# a kidney torn or bruised; an acute or drug-induced kidney injury (急性肾损伤) is no trauma
RENAL_TRAUMA = r"肾(?:挫伤|裂伤|破裂|外伤)|(?<!性)肾损伤"

# a picture a question paints that tells its diagnosis though no word of it does -> that diagnosis -> the words
# that name it in other labels (a candidate so named is said in its place: 应力性尿失禁)
_WEEKS = r"(?<!\d)(?:(?:\d|[一两二三四五六七八九十几半])个?(?:天|周|星期)|(?:[1-3一两二三]|半)个?月)"  # up to 3 months
_PROSTATE_OP = r"(?:前列腺[^，,。；;]{0,8}(?:电切|剜除|激光|汽化|切除)|TURP|HoLEP)"
# the pictures read in the question as written, their operation being history (affirmed text leaves it out)
# (label -> what the question must still affirm: the symptoms, never denied ones)
WRITTEN_PICTURES = {"前列腺术后下尿路症状": re.compile(r"起夜|夜尿|尿频|尿急|尿痛|"
                                                  r"排尿[^，,。；;]{0,4}(?:疼|痛|灼)"),
                    # a filling defect: its cause read as written (考虑阴性结石 is a stone), the defect affirmed
                    "输尿管占位": re.compile(r"充盈缺损"), "肾盂占位": re.compile(r"充盈缺损"),
                    # a penile mass: its context (a foreskin, a circumcision, a bite) read as written
                    "阴茎肿物": re.compile(r"阴茎[^，,。；;不勃]{0,6}"
                                       r"(?:肿大|肿胀|增粗|肿物|包块|肿块|硬结|新生物|菜花|溃烂|溃疡)|"
                                       r"(?:龟头|冠状沟|包皮)[^，,。；;不]{0,8}"
                                       r"(?:肿物|肿块|新生物|菜花|溃烂|溃疡|硬结|疙瘩)"),
                    # voiding troubled after a spine operation: the operation read as written
                    "神经源性膀胱": re.compile(r"排尿[^，,。；;]{0,2}(?:不畅|困难|费力)|尿不出|排不出|解不出|"
                                         r"小便[^，,。；;]{0,4}(?:困难|不畅)|尿潴留"),
                    "前列腺术后尿道狭窄": re.compile(r"排尿[^，,。；;]{0,4}(?:缓慢|变慢|费力|困难|变细|不畅)|"
                                       r"尿线[^，,。；;]{0,2}(?:细|变细)|尿流[^，,。；;]{0,2}(?:细|变细|变慢|无力)")}
# the labels that name an upper-tract tumour (a bare 尿路上皮癌 may be a bladder cancer's history)
_UPPER_TRACT_TUMOUR = r"(?:输尿管|肾盂|上尿路)[^，,。；;]{0,4}(?:占位|肿瘤|癌)|上尿路尿路上皮"
# a skin lesion (a boil, acne) told in a clause of the flank's sentence, not of the face and not denied: the pus
# is the skin's
_SKIN = r"(?:毛囊|疖|痈|脓包|痘|粉刺)"
_SKIN_CLAUSE = (rf"(?:^|(?<=[，,。；;]))(?![^，,。；;]*(?:脸|面部|额|鼻|下巴|嘴|头|胸|腿|臂|手|脚|臀|不是))"
                rf"[^，,。；;]*{_SKIN}")
# a filling defect the report gives a stone or a clot as cause is no tumour
_NO_OTHER_CAUSE = r"(?![^。；;]{0,12}(?:结石|血块|凝血块))"
SYNDROMES: tuple[tuple[re.Pattern, str, re.Pattern], ...] = (
    # a cough, a sneeze, a laugh or a walk, then the leak (不 between them denies it: 咳嗽时不会漏尿)
    (re.compile(r"(?:咳嗽|喷嚏|大笑|走路|跑步|运动|提重物|腹压)[^。；;不]{0,16}"
                r"(?:漏尿|尿失禁|溢尿|尿液[^，,。；;不]{0,10}(?:溢出|流出)|(?:不受控制|控制不住)[^，,。；;]{0,6}(?:尿|溢出|流出))"),
     "压力性尿失禁", re.compile(r"[压应]力性尿失禁|混合性尿失禁")),
    (re.compile(r"(?s)(?=.*肾上腺)(?=.*(?:醛固酮[^，,。；;]{0,16}(?:↑|升高|增高|偏高)|低钾|"
                r"钾[^，,。；;\d]{0,4}\d+(?:\.\d+)?\s*(?:mmol/L)?\s*(?:↓|偏低|降低)))", re.IGNORECASE),
     "原发性醛固酮增多症", re.compile(r"醛固酮[^，,。；;]{0,2}(?:增多|过多)|醛固酮瘤|原醛")),
    (re.compile(r"(?s)(?=.*(?:尿道[^。；;]{0,6}(?:外伤|损伤|受伤|断裂)|骑跨伤))"
                r"(?=.*(?:尿线[^。；;]{0,2}细|小便[^。；;]{0,2}细|排尿困难|排尿费力|尿不出|没[^。；;]{0,6}小便))"),
     "尿道狭窄", re.compile(r"尿道[^，,。；;]{0,4}狭窄")),
    (re.compile(r"(?<!女性)(?<!女)会阴[^，,。；;不]{0,12}(?:痛|胀|不适|坠)"), "慢性前列腺炎",
     re.compile(r"前列腺炎|盆腔疼痛")),
    # (a frequency at night is a nocturia, no infection's)
    (re.compile(r"(?s)(?=.*(?:尿痛|排尿[^，,。；;不]{0,4}(?:疼|痛|灼)|尿道[^，,。；;不]{0,4}(?:灼|刺痛)))"
                r"(?=.*(?:(?<!夜间)(?<!夜里)(?<!夜晚)(?<!晚上)(?<!夜)尿频|尿急))"),
     "泌尿道感染", re.compile(r"感染|膀胱炎|尿道炎|肾盂肾炎")),
    (re.compile(r"精液(?:检查|化验|常规|分析)?[^，,。；;]{0,8}(?:不好|不佳|较差|差|异常)|"
                r"精子[^，,。；;]{0,8}(?:质量|活力|数量|浓度)[^，,。；;]{0,6}"
                r"(?:不(?:是很|太|够)?(?:好|佳|高|理想)|差|低|少|弱)"),
     "男性不育症", re.compile(r"不育|弱精|少精|无精|畸形精子")),
    # an urgency that leaks, not a feared leak, not a cough's, not beside a retention (an overflow) or an infection
    (re.compile(r"(?s)\A(?!.*(?:残余尿[^，,。；;\d]{0,8}(?:[1-9]\d{2,}|增多|增加|较多|明显)|排尿困难|排尿费力|尿潴留|尿不出|"
                r"排不出|尿痛|发热|发烧|"
                r"(?:担心|害怕|怕)[^，,。；;]{0,6}(?:漏尿|尿失禁|尿湿)))"
                r".*(?:急迫性尿失禁|急迫性漏尿|尿急[^。；;不咳喷笑]{0,10}(?:漏尿|尿失禁|憋不住|来不及[^，,。；;]{0,4}(?:尿|厕所)|"
                r"尿湿|尿裤子|尿到裤子)|(?:^|(?<=[，,。；;]))(?:(?!咳|喷嚏|笑|运动|跑|提重)[^，,。；;])*憋不住[^。；;]{0,8}"
                r"(?:尿湿|尿裤子))"),
     "膀胱过度活动症", re.compile(r"膀胱过度活动|OAB|急迫性尿失禁")),
    # storage symptoms or pain in the weeks after an operation on the prostate
    (re.compile(rf"{_WEEKS}(?:前|以前)[^。；;]{{0,12}}{_PROSTATE_OP}|{_PROSTATE_OP}[^，,。；;]{{0,4}}术后{_WEEKS}",
                re.IGNORECASE),
     "前列腺术后下尿路症状", re.compile(r"术后[^，,。；;]{0,6}(?:下尿路症状|刺激症状)")),
    # a slow or weak stream months or years after an operation on the prostate: a stricture or a bladder-neck
    # contracture (read as written: the operation is history)
    (re.compile(rf"(?:(?:[4-9]|1[0-2]|[四五六七八九十])个?多?月|(?:\d+|[一两二三四五六七八九十几半])年多?)(?:前|以前)"
                rf"[^。；;]{{0,12}}{_PROSTATE_OP}|{_PROSTATE_OP}[^，,。；;]{{0,4}}术后(?:[4-9]|1[0-2])个?多?月",
                re.IGNORECASE),
     "前列腺术后尿道狭窄", re.compile(r"尿道[^，,。；;]{0,4}狭窄|膀胱颈(?:挛缩|狭窄)")),
    # a torn tunica albuginea, or the penis swollen and bruised after sex or a bend
    (re.compile(r"(?s)阴茎[^。；;]{0,16}白膜[^，,。；;]{0,4}(?:断裂|破裂|缺口|裂口)|阴茎[^，,。；;]{0,6}折断|"
                r"(?=.*(?:性生活|性交|同房|弯折|响声))(?=.*阴茎[^。；;不]{0,8}(?:血肿|淤青|青紫|肿胀|肿痛))"),
     "阴茎折断", re.compile(r"阴茎折断|白膜(?:破裂|断裂)|阴茎海绵体破裂")),
    # a fall or a blow, then bleeding at the kidney
    (re.compile(r"(?s)\A(?=.*(?:摔|坠落|跌倒|跌落|撞击|撞伤|车祸|外伤|受伤|被打|踢伤))"
                r"(?!.*年前[^。；;]{0,8}(?:摔|坠落|跌|撞|车祸|外伤|受伤|肾挫伤))"
                r"(?=.*(?:肾[^。；;]{0,10}(?:包膜下|周围?)[^。；;]{0,6}(?:血肿|出血)|肾[^，,。；;]{0,4}(?:挫伤|裂伤|破裂)))"),
     "肾挫伤", re.compile(RENAL_TRAUMA)),
    # pus or a discharge from the urethra
    (re.compile(r"尿道(?:口)?[^，,。；;不]{0,4}(?:流脓|脓性|滴脓|有脓|分泌物|溢液)"),
     "尿道炎", re.compile(r"尿道炎|淋病|淋球菌|衣原体|支原体")),
    # a solid kidney nodule or mass that enhances (not a simple cyst: a cyst does not enhance)
    (re.compile(r"肾(?!上腺|旁|周)[^，,。；;]{0,12}(?:结节|肿块|占位|肿物|包块|团块|软组织|病灶|密度影)"
                r"[^。；;肝脾胰胆肺肠宫卵]{0,24}(?<!未见)(?<!无)(?<!不)(?<!未)(?:明显)?(?:不均匀?)?强化"),
     "肾占位", re.compile(r"肾(?!上腺)[^，,。；;]{0,4}(?:占位|肿瘤|癌|恶性|错构瘤)|血管平滑肌脂肪瘤")),
    # a filling defect of the ureter or renal pelvis on imaging: an upper-tract tumour until proven otherwise
    (re.compile(rf"输尿管[^。；;膀]{{0,12}}充盈缺损{_NO_OTHER_CAUSE}"), "输尿管占位",
     re.compile(_UPPER_TRACT_TUMOUR)),
    (re.compile(rf"肾盂[^。；;膀]{{0,12}}充盈缺损{_NO_OTHER_CAUSE}"), "肾盂占位",
     re.compile(_UPPER_TRACT_TUMOUR)),
    # a pathology that names a urachal cancer
    (re.compile(r"(?:^|(?<=[。；;！？!?\n]))(?:(?!父亲|母亲|爸|妈|家人|亲属|亲戚|朋友)[^。；;！？!?\n])*?"
                r"(?<!排除)(?<!排除了)(?<!除外)(?<!不考虑)(?<!不像)脐尿管[^，,。；;]{0,6}(?:腺癌|癌|恶性)"
                r"(?![^，,。；;]{0,4}(?:待排|待除外|可能|吗|[?？]))"), "脐尿管癌", re.compile(r"脐尿管")),
    # a penis swollen or with a lump (not after sex or a bend: a fracture; not an erection): a mass, biopsied first
    (re.compile(r"(?s)\A(?!.*(?:性生活|性交|同房|弯折|响声|包皮|嵌顿|环切|蚊|虫咬|叮咬))"
                r".*阴茎[^，,。；;不勃]{0,6}(?:肿大|肿胀|增粗|肿物|包块|肿块|硬结|新生物|菜花|溃烂|溃疡)"
                r"(?![^，,。；;]{0,6}(?:切除术?后|术后))|"
                # a lump or an ulcer on the glans or the foreskin (a swelling there is a paraphimosis or an
                # oedema), not an infection's or an operation's (after sex, a balanitis, an itch, a circumcision)
                r"\A(?!.*(?:性生活|性交|同房|不洁|冶游|嵌顿|环切|术后|炎|瘙痒|痒|红肿|糖尿病|感冒|反复))"
                r".*(?<!切除)(?:龟头|冠状沟|包皮)[^，,。；;不]{0,8}(?:肿物|肿块|新生物|菜花|溃烂|溃疡|硬结|疙瘩)"),
     "阴茎肿物", re.compile(r"阴茎[^，,。；;]{0,4}(?:癌|恶性|肿瘤|肿物|新生物|肿块)|包茎肿瘤|阴茎折断")),
    # a mass or a cauliflower-like growth in the ureter (not at its orifice, in the bladder): an upper-tract tumour
    (re.compile(r"(?<!排除)(?<!担心是)(?<!会不会是)(?<!是不是)(?<!排除[左右])(?<!担心是[左右])"
                r"(?<!会不会是[左右])(?<!是不是[左右])输尿管(?![^，,。；;]{0,3}(?:开口|口|旁))"
                r"(?:(?!受|压迫)[^，,。；;膀肾]){0,12}(?:菜花|新生物|肿物|占位)"
                r"(?![^，,。；;]{0,6}(?:待排|吗|[?？]|可能性小|压迫|切除|术后))"),
     "输尿管肿瘤", re.compile(_UPPER_TRACT_TUMOUR)),
    # bright echoes inside the bladder: stones
    (re.compile(r"膀胱(?:内|腔内?)(?:(?!双J|DJ|支架|导尿管|尿管|球囊)[^，,。；;]){0,6}(?:多发|多个|数枚)?强回声"
                r"(?![^。；;]{0,12}(?:附着|不随体位|漂浮|絮状|光点|双J|DJ|支架|球囊))", re.IGNORECASE), "膀胱结石",
     re.compile(r"膀胱[^，,。；;]{0,4}结石")),
    # a lump of the scrotum that discharges or breaks open: an infected skin lesion (a sebaceous cyst), no hydrocele
    (re.compile(r"(?s)(?=.*阴囊[^。；;]{0,12}(?:疙瘩|肿物|包块|肿块|结节|硬结|痘))"
                r"(?=.*(?:流出[^，,。；;]{0,6}(?:液|脓|水)|流脓|流水|破溃|渗液|渗出液))"),
     "阴囊皮肤感染", re.compile(r"皮脂腺|阴囊[^，,。；;]{0,4}(?:皮肤|脓肿|感染|疖|蜂窝织炎)")),
    # pus from the flank of a kidney patient (a fistula of a kidney full of pus): an abscess or a pyonephrosis, not a
    # skin's (a boil, 脓包), a wound's or a spine's; not feared, not one the kidney's removal ended
    (re.compile(r"(?s)\A(?=.*肾)(?!.*(?:纹身|伤口|切口|椎|脊柱|结核|肾切除|切除[^。；;]{0,4}肾|"
                r"(?:担心|害怕|怕|会不会)[^。；;]{0,10}(?:流脓|窦道)))"
                rf"(?!.*(?:{_SKIN_CLAUSE}[^。；;]*腰|腰[^。；;]*?[，,]{_SKIN_CLAUSE}|腰[^，,。；;]*{_SKIN}))"
                r".*腰[^，,。；;]{0,6}(?:流脓|溢脓|渗脓|窦道)"), "肾脓肿", re.compile(r"脓肿|积脓|脓肾")),
    # voiding troubled after an operation on or an injury of the spine (not one planned or feared, not one years
    # ago unless its trouble lasts since, not one whose trouble has passed): a neurogenic bladder (or a retention)
    (re.compile(r"(?s)\A(?!.*(?:准备|计划|打算|拟|会不会|担心)[^。；;]{0,8}(?:腰椎|胸椎|颈椎|脊柱|脊髓|椎管))"
                r"(?!.*(?:\d+|[一两二三四五六七八九十几]+)年前[^。；;]{0,6}(?:腰椎|胸椎|颈椎|脊柱|脊髓|椎管)"
                r"(?![^。；;]{0,30}(?:一直|至今|始终|从此)[^，,。；;]{0,4}(?:排尿[^，,。；;]{0,2}(?:不畅|困难|费力)|尿不出|"
                r"排不出|解不出|小便[^，,。；;]{0,4}(?:困难|不畅|解不出)|尿潴留|导尿|插尿管)))"
                r"(?!.*(?:已经好了|已好转|恢复正常|已经恢复))"
                r".*(?:腰椎|胸椎|颈椎|脊柱|脊髓|椎管)[^。；;]{0,12}(?:手术|术|骨折|损伤|外伤)[^。；;]{0,12}?(?:后|以来)"
                r"[^。；;]{0,12}(?:排尿[^，,。；;]{0,2}(?:不畅|困难|费力)|尿不出|排不出|解不出|"
                r"小便[^，,。；;]{0,4}(?:困难|不畅|解不出)|尿潴留)"),
     "神经源性膀胱", re.compile(r"神经源")),
    # pus in or around a kidney on imaging: an abscess (or a pyonephrosis), drained
    (re.compile(r"(?<!排除)(?<!担心)(?<!是不是)肾(?!上腺)[^，,。；;]{0,6}(?<!排除)(?:脓性|脓肿|积脓)"
                r"(?![^，,。；;]{0,6}(?:待排|吗|已治愈|治愈|[?？]))"), "肾脓肿", re.compile(r"脓肿|积脓")),
    # scrotal or testicular pain: its own diagnosis (torsion, epididymo-orchitis and the like are told by its work-up)
    (re.compile(r"(?:阴囊|睾丸|附睾)[^，,。；;]{0,6}(?:肿痛|疼痛|胀痛|坠痛|痛)"), "阴囊疼痛",
     re.compile(r"阴囊|睾丸|附睾|精索|鞘膜")),
    # a narrowed ureteropelvic junction on imaging
    (re.compile(r"肾盂输尿管(?:连接|移行)[^，,。；;]{0,6}狭窄|UPJO", re.IGNORECASE), "肾盂输尿管连接部狭窄",
     re.compile(r"肾盂输尿管[^，,。；;]{0,6}狭窄|UPJ", re.IGNORECASE)),
    # erections told poor (硬度不佳, 勃起困难, soft halfway through sex)
    (re.compile(r"阳痿|勃起[^，,。；;]{0,4}(?:不佳|不够|不足|不坚|不硬|困难|障碍|下降|变差)|"
                r"(?:中途|途中)[^，,。；;]{0,4}(?:疲软|变软|软了)"),
     "勃起功能障碍", re.compile(r"勃起(?:功能)?障碍|阳痿|ED\b")),
)

# an operation the question tells -> what rules the row out (a cancer the pathology found, an operation only
# planned) -> the aftercare said as the course (the similar cases' treatments are for their own problems): a
# stone operation days or weeks ago, a bladder resection or biopsy whose pathology proved a cystitis glandularis
_PLANNED_OP = r"准备|计划|打算|拟|建议|要做|需要做|等待"
AFTERCARE: tuple[tuple[re.Pattern, re.Pattern | None, str], ...] = (
    (re.compile(r"(?:(?:(?<!\d)(?:\d|[一两二三四五六七八九十几半])个?(?:天|周|星期)(?:前|以前)|半个月前|昨天|前天)"
                r"[^。；;胆]{0,8}|最近[^，,。；;胆]{0,3})(?:做了|做过|接受了|行了?|刚做)[^。；;胆]{0,10}"
                r"(?:输尿管镜|软镜|碎石|取石|经皮肾镜|PCN?L|结石[^，,。；;]{0,4}(?:的)?(?:手术|术))", re.IGNORECASE),
     None,
     "结石术后一般留置双J管，需按医嘱（通常术后2至4周）复查并拔除双J管，复查KUB或CT确认结石是否排净，做结石成分分析，"
     "并多饮水、调整饮食预防复发；如出现发热、剧烈腰痛或血尿加重需及时就诊。"),
    (re.compile(r"(?s)(?=.*(?:电切|活检|TURBT?|膀胱[^。；;]{0,12}切除))"
                r"(?=.*(?:病理|诊断为?)[^。；;]{0,24}(?<!排除)(?<!除外)(?<!考虑)(?<!怀疑)(?<!可能是)腺性膀胱炎)",
                re.IGNORECASE),
     re.compile(rf"(?:病理|活检)[^。；;]{{0,24}}(?:癌|恶性)|(?:{_PLANNED_OP})[^，,。；;]{{0,6}}(?:电切|切除|活检|手术)"),
     "腺性膀胱炎经电切或活检证实后，需定期复查膀胱镜（一般每3至6个月一次），必要时再次活检；伴肠上皮化生者有恶变可能，需长期随访，"
     "并去除慢性炎症、梗阻等长期刺激因素。"),
    # a cancer resected weeks or months ago, its pathology told, no recurrence: its follow-up, not another operation
    (re.compile(r"(?s)(?=.*(?<!年)(?:\d+|[一两三四五六七八九十半])个?(?:月|周|天)前)(?=.*术后)"
                r"(?=.*(?:切除术|根治术)[^。；;]{0,4}[。，,]?[^。；;]{0,6}病理[^。；;]{0,30}(?:癌|恶性))"),
     re.compile(r"复发|新发|又发现|再次发现|转移|残留|切缘阳性"),
     "恶性肿瘤手术切除后，需根据术后病理和分期制定后续方案：定期复查（膀胱镜、胸腹盆增强CT，必要时PET/CT等全身评估），"
     "由泌尿外科与肿瘤科多学科讨论是否需要辅助治疗；一般无需再次手术，复查发现复发时再评估。"),
)

# the patient's prostate biopsy told with a benign pathology (增生, 炎症, no cancer found)
# (its sentence names no relative, plan or years-old biopsy before it; the result is in the result's own clause, not
# pending, asked about or atypical: ASAP calls for a repeat biopsy)
BENIGN_BIOPSY = (r"(?:^|(?<=[。；;！？!?\n]))"
                 r"(?:(?!父亲|母亲|爸|妈|家人|亲属|亲戚|朋友|建议|准备|计划|打算|拟|\d+年前|[一两二三四五六七八九十几]+年前)"
                 r"[^。；;！？!?\n])*?(?:前列腺[^。；;]{0,6}|PSA(?:(?!甲状腺|膀胱|肾|乳腺|乳房|肝|肺|淋巴|骨髓|胃|肠)[^。；;]){0,30})(?:穿刺|活检)[^。；;]{0,30}(?:病理|结果)"
                 r"(?:(?!还没|未出|没出|等待|会|吗|不典型|非典型|ASAP|上皮内瘤变|希望|但愿)[^，,。；;]){0,20}"
                 r"(?:增生|炎|良性|未见(?:明显)?(?:癌|恶性|肿瘤)|阴性)(?![^，,。；;]{0,4}(?:吗|[?？]))")
# a PSA of 20 ng/ml (20 μg/L) or more (>100, 100以上, 20左右 too), read whole (PSA 2.0 is no 20), its value in the
# PSA's clause or, with its unit, just past a comma (复查了一次PSA，结果显示为113 ng/mL)
# (no upper bound: 低于20, 不到20, <20; past a comma only the PSA's own result words: PSA正常，AFP 30ng/ml is no PSA)
_BOUND = r"低于|不到|小于|没有?超过|未超过|不超过|不高于|<|＜"
HIGH_PSA = (r"(?:PSA|前列腺特异性?抗原)"
            rf"(?:(?:(?!{_BOUND})[^，,。；;\d]){{0,10}}|[^，,。；;\d]{{0,8}}[，,](?:结果|数值|复查)?(?:显示|提示|示)?(?:为|是|:)?\s*"
            r"(?=\d+(?:\.\d+)?\s*(?:ng|[μµu]g|微克)))"
            r"(?:>\s*)?(?<![\d.])(?:[2-9]\d|\d{3,})(?:\.\d+)?(?![\d.])\s*(?:ng|[μµu]g|微克|以上|多|左右|$|[，,。；;）)])")
# a suspicion only a biopsy settles: no operation is offered before its pathology (a biopsy already positive or
# benign settles it)
PI_RADS_HIGH = r"PI-?RADS[^，,。；;\d]{0,6}[45]"
BIOPSY_FIRST = re.compile(rf"{PI_RADS_HIGH}|{HIGH_PSA}", re.IGNORECASE | re.MULTILINE)


def syndromes(question: str, diagnoses: Sequence[str] = (), candidates: Sequence[str] = ()) -> list[str]:
    """The diagnoses the picture the question affirms paints (:data:`SYNDROMES`) that none of ``diagnoses`` names
    yet, each as the first of ``candidates`` that names it, else as the table's label.

    >>> syndromes("74岁女性，每当咳嗽或走路时尿液就会不受控制地溢出"), syndromes("尿频尿急，没有漏尿")
    (['压力性尿失禁'], [])
    >>> syndromes("咳嗽时漏尿", candidates=["膀胱过度活动症", "应力性尿失禁"])
    ['应力性尿失禁']
    >>> syndromes("咳嗽时漏尿", ["应力性尿失禁"])
    []
    """
    said, written = affirmed(question), nfkc(question or "")
    found = [next((c for c in candidates if named.search(c)), label) for picture, label, named in SYNDROMES
             if (picture.search(written) and WRITTEN_PICTURES[label].search(said) if label in WRITTEN_PICTURES
                 else picture.search(said))
             and not any(named.search(d) for d in diagnoses)]
    found = list(dict.fromkeys(found))  # two pictures of one diagnosis say it once
    # a suspicion only a biopsy settles (a PSA of 20 or more, PI-RADS 4 or 5) leads as what it is
    # (not ahead of another organ's problem: an incidental PSA beside an obstructing stone is said by its work-up line)
    prostate_only = all(item_sites(d) <= {"prostate"} for d in diagnoses)
    suspected = (biopsy_first(question) and prostate_only
                 and not any(_PROSTATE_CANCER.search(d) for d in [*diagnoses, *found]))
    return [SUSPECTED_PROSTATE_CANCER, *found] if suspected else found


SUSPECTED_PROSTATE_CANCER = "可疑前列腺癌"
_PROSTATE_CANCER = re.compile(r"前列腺[^，,。；;]{0,4}(?:癌|恶性|肿瘤)")


def aftercare(question: str) -> str:
    """The aftercare (:data:`AFTERCARE`) of a recent operation the question tells, as a sentence of the reply's
    treatment part; "" when none.

    >>> aftercare("一周前接受了右输尿管下段结石的手术")[:10], aftercare("5年前做过输尿管镜碎石")
    ('治疗方面，结石术后一', '')
    """
    q = nfkc(question or "")
    return next(("治疗方面，" + text for pat, unless, text in AFTERCARE
                 if pat.search(q) and not (unless and unless.search(q))), "")


# a prostate cancer the question names as known (确诊前列腺癌, 前列腺癌根治术后), not one to rule out
_KNOWN_CANCER = re.compile(r"(?<!排除)(?<!除外)(?<!警惕)(?<!怀疑)(?<!没有)(?<!无)(?<!疑似)(?<!考虑)(?<!担心是)"
                           r"(?<!会不会是)(?<!是不是)(?<!是不是得了)(?<!排除一下)(?<!担心)前列腺(?:癌|恶性)"
                           r"(?![^，,。；;]{0,4}(?:吗|待排|待查|可能|[?？]))")


def biopsy_first(question: str) -> bool:
    """Whether the question tells of a suspicion only a biopsy settles (:data:`BIOPSY_FIRST`) and of no biopsy that
    proved a cancer.

    >>> biopsy_first("MRI考虑PI-RADS 5级"), biopsy_first("PI-RADS 5，穿刺病理示前列腺腺癌"), biopsy_first("PI-RADS 3")
    (True, False, False)
    """
    q = nfkc(question or "")
    own = own_written(question)  # a father's cancer settles nothing of the son's
    settled = "prostate" in proven_tumours(question) or re.search(BENIGN_BIOPSY, q) or _KNOWN_CANCER.search(own)
    return bool(BIOPSY_FIRST.search(own)) and not settled


# a relative named in a clause: what it tells is theirs, unless they are the patient (a spouse's words in an
# infertility question are the couple's, and a child named by a patient writing of themself is wished for: 想要孩子)
_KIN = re.compile("|".join(sorted((w for w, (who, _) in RELATIVES.items() if who not in ("spouse", "child")),
                                  key=len, reverse=True)))


def own_written(question: str) -> str:
    """The question as written (NFKC), less the clauses that name a relative who is not the patient: a father's
    PSA is no finding of the son who asks.

    >>> own_written("我今年45岁，父亲PSA 30ng/ml，我PSA 5ng/ml")
    '我今年45岁,我PSA 5ng/ml'
    >>> own_written("我父亲今年80岁。PSA 113ng/ml")
    '我父亲今年80岁。PSA 113ng/ml'
    """
    person = patient_facts(question).person or "self"
    kept = []
    for sentence in re.split(r"[。；;！？!?\n]", nfkc(question or "")):
        clauses = [c for c in re.split(r"(?<=[,，])", sentence)
                   if all(RELATIVES[m.group()][0] == person for m in _KIN.finditer(c))]
        kept += ["".join(clauses).rstrip(",，")] if clauses else []
    return "。".join(k for k in kept if k)


# an upper-tract mass told (占位, a growth, a filling defect) and what settles it (a pathology, cytology, a
# ureteroscopy's biopsy, a cancer named as proven)
_UPPER_MASS = re.compile(r"(?:输尿管|肾盂)(?![^，,。；;]{0,3}(?:开口|口|旁))[^，,。；;膀]{0,10}"
                         r"(?:占位|肿物|新生物|菜花|充盈缺损)(?![^，,。；;]{0,6}(?:待排|可能性小|压迫|切除|术后|结石|血块))")
_UPPER_SETTLED = re.compile(r"病理|细胞学|活检|活组织|根治|切除术后|术后|确诊")


def upper_tract_first(question: str) -> bool:
    """Whether the question tells an upper-tract mass that no pathology has settled: its work-up (cytology, a
    ureteroscopy and biopsy) comes before a radical operation.

    >>> upper_tract_first("增强CT示右输尿管有占位，右肾积水")
    True
    >>> upper_tract_first("右输尿管占位，输尿管镜活检病理为尿路上皮癌")
    False
    """
    said = affirmed(question)
    return bool(_UPPER_MASS.search(said)) and not _UPPER_SETTLED.search(nfkc(question or ""))
