"""The courses of treatment a composed reply says (:mod:`rjua.guidance`): the usual course of a diagnosis, the
diagnoses whose course is the treatment itself, and what a malignancy that has spread calls for instead of a
curative operation. Data only; :mod:`rjua.guidance` reads them and re-exports them.

>>> next(text for pat, text in PATHS if pat.search("左肾错构瘤"))[:6]
'肾错构瘤直径'
>>> bool(OWN_COURSE.search("阴茎折断")), bool(ADVANCED[0][1].search("骨扫描提示多发骨转移"))
(True, True)
"""
from __future__ import annotations

import re

from .guidance_tables import ARI_ONLY, BPH_DRUG_TAKEN, NO_LUTS, STORAGE_ONLY, STREAM_FINE
from .pathology import TOLD, Told
from .pictures import RENAL_TRAUMA

__all__ = ["ADVANCED", "AS_TOLD", "DUE", "OWN_COURSE", "PATHS"]

# a diagnosis (first match) -> its usual course of treatment, said where no fitting operation is offered
PATHS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"勃起(?:功能)?障碍|阳痿"),
     "勃起功能障碍需先评估糖尿病、高血压、血脂等心血管危险因素，必要时查性激素；在医生指导下首选PDE5抑制剂"
     "（如西地那非、他达拉非），同时戒烟限酒、规律运动，药物效果不佳时再考虑其他治疗。"),
    # a cancer suspected, its biopsy to come (the work-up line says it first)
    (re.compile(r"可疑前列腺癌"),
     "确诊前列腺癌后再根据分期选择根治性手术、放疗或内分泌治疗；穿刺病理为良性时再按前列腺增生等处理。"),
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
    (re.compile(r"\A(?!.*前列腺(?:增生|肥大|增大)(?:伴|合并)).*膀胱颈[^，,。；;]{0,4}(?:挛缩|狭窄|梗阻)"),
     "膀胱颈狭窄或挛缩需通过尿流率、残余尿、尿道膀胱镜或尿动力学检查明确：前列腺术后的膀胱颈挛缩多行经尿道膀胱颈切开"
     "或电切术，原发性膀胱颈梗阻可先在医生指导下使用α受体阻滞剂，效果不佳时再行经尿道膀胱颈切开术。"),
    (re.compile(r"尿道[^，,。；;]{0,4}狭窄"),
     "尿道狭窄需通过尿流率、残余尿、尿道造影或尿道膀胱镜明确狭窄部位和长度：短段狭窄可行尿道扩张或尿道内切开，长段或反复狭窄"
     "需行尿道成形术。"),
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
    (re.compile(r"肾[^，,。；;]{0,4}(?:脓肿|积脓)|脓肾"),
     "肾脓肿或脓肾需住院在医生指导下使用足量抗生素，并行经皮穿刺引流或肾造瘘引流脓液，同时处理结石等梗阻病因；"
     "患肾功能已基本丧失（分肾功能很差）时，感染控制后多需行患肾切除术。"),
    (re.compile(r"神经源性膀胱"),
     "神经源性膀胱（脊柱手术或损伤、糖尿病等引起的排尿障碍）需先测膀胱残余尿：残余尿多时在医生指导下间歇导尿或留置"
     "导尿，避免膀胱过度充盈，再行尿动力学检查评估膀胱功能，同时查尿常规排除尿路感染；脊柱术后的排尿障碍多数可随"
     "恢复逐渐改善。"),
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
    (re.compile(r"阴囊[^，,。；;]{0,4}(?:皮肤|脓肿|感染|疖)|皮脂腺"),
     "阴囊皮肤的感染性包块（如皮脂腺囊肿感染）需局部清洁消毒，在医生指导下使用抗生素，形成脓肿时切开引流；"
     "炎症消退后反复发作的囊肿可择期手术切除。"),
    (re.compile(r"鞘膜积液"),
     "鞘膜积液量少、无不适时可观察；积液较多或影响生活时可行睾丸鞘膜翻转术。"),
    (re.compile(r"不育|弱精|少精|无精"),
     "男性不育需夫妻双方共同检查，男方先做精液常规分析，再根据结果进一步检查病因并针对性治疗。"),
    (re.compile(r"膀胱过度活动|OAB|急迫性尿失禁"),
     "膀胱过度活动症需先查尿常规排除感染、测残余尿，以行为治疗为基础（定时排尿、膀胱训练、调整饮水，少喝咖啡和浓茶），"
     "在医生指导下使用M受体拮抗剂或β3受体激动剂；药物效果不佳时可考虑膀胱肉毒毒素注射或骶神经调控。"),
    (re.compile(r"尿失禁"),
     "压力性尿失禁可先进行盆底肌训练，效果不佳时可考虑尿道中段吊带术；急迫性尿失禁以药物和膀胱训练为主。"),
    (re.compile(r"(?<!嵌顿)包茎|包皮过长"),
     "包茎或包皮过长影响排尿、清洁或反复发炎时，一般建议择期行包皮环切术，术前需确认局部没有急性炎症。"),
    (re.compile(r"阴茎[^，,。；;]{0,4}(?:癌|恶性|肿瘤|肿物|新生物)"),
     "阴茎肿物需活检明确病理（已做活检者以已出的病理结果为准）；病理为恶性时，根据肿瘤大小和部位行阴茎部分切除术或全切除术，并评估腹股沟淋巴结，"
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

# a diagnosis whose operation the question already calls for (:func:`rjua.guidance.operable`: a complication, or
# drugs that failed) -> its course, said where no operation is named
DUE: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"前列腺增生|前列腺肥大|前列腺增大"),
     "前列腺增生已出现尿潴留、反复血尿、膀胱结石等并发症或药物治疗效果不佳时，需手术解除梗阻（如经尿道前列腺电切术或"
     "激光剜除术），术前评估心肺功能等手术耐受情况。"),
)
# a bladder cancer (not of the upper tract), its course read from its pathology as the question states it
# a diagnosis -> what the question tells of it (the drugs taken, its pathology) -> its course then (said in place
# of the PATHS row: no "start an alpha-blocker" to a man who takes one, no "biopsy first" to a proven cancer); read
# in what the question affirms, or in the question as written (last column; a bladder cancer's pathology
# is read by :mod:`rjua.pathology`)
# (a bare 尿路上皮癌 too: the readings tell no bladder pathology where the question tells an upper-tract cancer)
_BLADDER_TUMOUR = re.compile(r"膀胱[^，,。；;]{0,4}(?:占位|肿瘤|癌)|"
                             r"(?<!肾盂)(?<!输尿管)(?<!上尿路)尿路上皮(?:细胞)?癌")
AS_TOLD: tuple[tuple[re.Pattern, re.Pattern | Told, str, bool], ...] = (
    (_BLADDER_TUMOUR, TOLD["invaded"],
     "病理已提示肿瘤侵犯肌层（肌层浸润性膀胱癌）时，标准治疗为根治性膀胱切除术加尿流改道（回肠通道或原位新膀胱），术前"
     "完善胸腹盆增强CT评估分期，身体条件允许时可先行以顺铂为基础的新辅助化疗；不能耐受或不愿手术者可考虑电切结合放化疗"
     "的保留膀胱治疗。", True),
    (_BLADDER_TUMOUR, TOLD["recurred"],
     "膀胱灌注治疗后又出现膀胱占位时，需行膀胱镜检查并再次电切，明确病理分级和浸润深度：仍为非肌层浸润性者需调整灌注"
     "方案（如卡介苗BCG灌注），高级别肿瘤在灌注后复发或已侵犯肌层时，多需根治性膀胱切除术。", True),
    (_BLADDER_TUMOUR, TOLD["resected"],
     "电切术后病理为尿路上皮癌而未侵犯肌层时，需按复发和进展风险行膀胱灌注化疗或卡介苗（BCG）灌注，高级别或T1期肿瘤"
     "多在术后2～6周内再次电切，并定期复查膀胱镜。", True),
    (_BLADDER_TUMOUR, TOLD["biopsied"],
     "膀胱镜活检已提示尿路上皮癌时，需行经尿道膀胱肿瘤电切术明确浸润深度和分级，并完善盆腔增强MRI或CT评估分期：非肌层"
     "浸润性者电切后行膀胱灌注并定期复查膀胱镜，肌层浸润性者多需根治性膀胱切除术。", True),
    # storage symptoms on the drugs (a good stream, or no voiding symptom told): the night's urine is measured and
    # the bladder treated first
    (re.compile(r"前列腺增生|前列腺肥大|前列腺增大"),
     re.compile(rf"(?s)(?=.*(?:{BPH_DRUG_TAKEN}))(?=.*(?:尿频|尿急|夜尿|起夜))(?:(?=.*(?:{STREAM_FINE}))|{STORAGE_ONLY})"),
     "服药后仍以尿频、尿急、夜尿等储尿期症状为主时，可先测残余尿，在医生指导下加用M受体拮抗剂或β3受体激动剂；"
     "效果不佳时再考虑手术，具体的治疗方案需要根据您的具体情况来确定。", False),
    (re.compile(r"前列腺增生|前列腺肥大|前列腺增大"),
     re.compile(rf"(?s){ARI_ONLY}.*(?:{BPH_DRUG_TAKEN})"),
     "仅服用5α还原酶抑制剂（如非那雄胺）症状改善不佳时，可在医生指导下加用α受体阻滞剂，并评估残余尿和前列腺大小；联合用药后"
     "仍效果不佳或出现尿潴留、反复血尿、膀胱结石等并发症，再考虑手术。", False),
    (re.compile(r"前列腺增生|前列腺肥大|前列腺增大"),
     re.compile(BPH_DRUG_TAKEN),
     "前列腺增生已在药物治疗时，需评估症状、残余尿和前列腺大小：症状控制良好可继续用药并定期复查；如果药物效果不佳或出现"
     "尿潴留、反复血尿、膀胱结石等并发症，再考虑手术。", False),
    (re.compile(r"前列腺增生|前列腺肥大|前列腺增大"), re.compile(NO_LUTS),
     "前列腺增大而没有明显排尿症状时，一般无需药物或手术治疗，可定期复查B超、PSA和排尿症状；出现尿频、排尿困难等症状时"
     "再在医生指导下用药。", False),
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
_SPREAD = (r"(?:^|(?<=[，,。；;]))(?![^，,。；;]*(?:可能存在|可能有|不排除|可疑|疑似))[^，,。；;]*?"
           r"(?<!会不会)(?<!是否)(?<!是否有)(?<!有没有)(?<!有无)(?<!排除)(?<!担心)(?<!怕)(?<!防止)(?<!预防)(?<!会)"
           r"(?<!容易)(?<!以后)(?<!可能)(?<!可能存在)(?<!可能有)(?<!不排除)(?<!可疑)转移(?![^，,。；;]{0,6}(?:吗|[?？])|待排|待除外)")
# hormones before a planned radical operation (or called neoadjuvant) are no sign of advanced disease
_PLANNED = re.compile(r"(?:准备|计划|拟|打算|等待)[^，,。；;]{0,10}(?:根治|手术|切除)|新辅助")
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
