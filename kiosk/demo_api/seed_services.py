"""The 62 service items (事项) of the demo center: synthetic but realistic street-center items in Jinan.

Each row: (name, name_en, legal_days, promised_days, conditions, materials). A material is written
"名称|形式|份数|备注" with 形式 原 (原件), 复 (复印件), 原复 (原件及复印件), 电 (电子材料); "@ID" is the
applicant's ID card, checked on the spot and not copied (公安部 2016 notice on ID-card use).
Online links point at a placeholder host: the real portal addresses are the deployment's business.
"""

from __future__ import annotations

from kiosk.api.models import Material, MaterialForm, ServiceItem
from kiosk.demo_api.seed_initials import SEED_INITIALS

_FORMS = {"原": MaterialForm.ORIGINAL, "复": MaterialForm.COPY, "原复": MaterialForm.ORIGINAL_AND_COPY,
          "电": MaterialForm.ELECTRONIC}
_ID = "申请人居民身份证|原|0|现场核验，不留存复印件"

#: 一窗受理: every item is taken at the one 综合窗口 of the 综合服务区 (前台综合受理、后台分类审批); the
#: department approves behind it. No department windows, so one queue for all.
WINDOW = "综合服务区 综合窗口"

# category -> (approving department, code segment)
CATEGORIES: dict[str, tuple[str, str]] = {
    "市场监管": ("槐荫区市场监督管理局", "SCJG"),
    "人力资源和社会保障": ("槐荫区人力资源和社会保障局", "RSJ"),
    "民政": ("槐荫区民政局", "MZJ"),
    "卫生健康": ("槐荫区卫生健康局", "WJJ"),
    "残疾人服务": ("槐荫区残疾人联合会", "CL"),
    "医疗保障": ("槐荫区医疗保障局", "YBJ"),
    "退役军人服务": ("槐荫区退役军人事务局", "TYJR"),
    "城市管理": ("槐荫区城市管理局", "CGJ"),
    "住房保障": ("槐荫区住房和城乡建设局", "ZJJ"),
}

#: The most common items, most common first: the ticket screen offers them for a two-tap ticket. The
#: report names 个体工商户 registration and deregistration and 小餐饮 licences as one-stop services; the
#: rest of the order is the demo's guess (the central API sends the real ranking).
POPULAR: tuple[str, ...] = ("个体工商户设立登记", "个体工商户注销登记", "小餐饮经营许可", "企业社保账户开通",
                            "社会保障卡申领", "城乡居民医保参保登记")

#: What the 帮代办 team does for enterprises (the report: registration, 企业社保账户开通) and the
#: enterprise subsidies the 街道 helps with.
DELEGABLE: frozenset[str] = frozenset({
    "个体工商户设立登记", "个体工商户变更登记", "个体工商户注销登记", "个体工商户年度报告", "营业执照遗失补领",
    "小餐饮经营许可", "食品经营许可（新办）", "食品经营许可（延续）", "食品经营许可（注销）", "食品小作坊登记",
    "企业社保账户开通", "招用高校毕业生补贴", "一次性创业补贴",
})

_S = list[tuple[str, str, int, int, list[str], list[str]]]

ITEMS: dict[str, _S] = {
    "市场监管": [
        ("个体工商户设立登记", "Registration of an individual business", 3, 1,
         ["经营者为具有经营能力的自然人", "经营场所符合规定用途"],
         [_ID, "个体工商户登记（备案）申请书|原|1|经营者签字", "经营场所使用证明|复|1|房产证或租赁合同",
          "一寸免冠照片|原|1|"]),
        ("个体工商户变更登记", "Change of registration of an individual business", 3, 1,
         ["已领取营业执照的个体工商户"],
         [_ID, "个体工商户变更登记申请书|原|1|", "营业执照正副本|原|1|", "变更事项相关证明|复|1|如变更场所需新场所证明"]),
        ("个体工商户注销登记", "Deregistration of an individual business", 3, 1,
         ["已结清税款及债权债务"], [_ID, "个体工商户注销登记申请书|原|1|", "营业执照正副本|原|1|"]),
        ("个体工商户年度报告", "Annual report of an individual business", 0, 0,
         ["每年1月1日至6月30日报送上一年度报告"], [_ID, "营业执照|原|0|核对信息"]),
        ("营业执照遗失补领", "Replacement of a lost business licence", 3, 1,
         ["营业执照遗失或损毁"], [_ID, "营业执照遗失补领申请书|原|1|", "遗失声明|原|1|国家企业信用信息公示系统公示截图"]),
        ("小餐饮经营许可", "Small catering licence", 10, 5,
         ["经营场所面积不超过50平方米", "有与经营品种相适应的设备设施"],
         [_ID, "小餐饮登记申请表|原|1|", "营业执照|复|1|", "从业人员健康证明|复|1|每人一份",
          "经营场所平面图及设备布局图|原|1|"]),
        ("食品经营许可（新办）", "Food business licence (new)", 10, 5,
         ["有与经营的食品品种、数量相适应的场所", "有食品安全管理人员和规章制度"],
         [_ID, "食品经营许可申请书|原|1|", "营业执照|复|1|", "食品安全管理制度文本|原|1|",
          "经营设施设备布局及工艺流程图|原|1|", "食品安全管理人员健康证明|复|1|"]),
        ("食品经营许可（延续）", "Food business licence (renewal)", 10, 5,
         ["在许可证有效期届满30个工作日前申请"], [_ID, "食品经营许可延续申请书|原|1|", "原食品经营许可证|原|1|"]),
        ("食品经营许可（注销）", "Food business licence (cancellation)", 10, 3,
         ["终止食品经营活动"], [_ID, "食品经营许可注销申请书|原|1|", "食品经营许可证正副本|原|1|"]),
        ("食品小作坊登记", "Registration of a small food workshop", 15, 10,
         ["生产场所与有毒有害场所保持规定距离", "从业人员持有有效健康证明"],
         [_ID, "食品小作坊登记申请书|原|1|", "营业执照|复|1|", "生产工艺流程图|原|1|", "从业人员健康证明|复|1|"]),
    ],
    "人力资源和社会保障": [
        ("企业社保账户开通", "Opening a company social insurance account", 5, 1,
         ["已取得营业执照的用人单位", "自成立之日起30日内办理"],
         [_ID, "营业执照|复|1|", "社会保险登记表|原|1|加盖单位公章", "银行开户信息|复|1|"]),
        ("招用高校毕业生补贴", "Subsidy for hiring university graduates", 20, 15,
         ["招用离校2年内未就业高校毕业生", "签订1年以上劳动合同并缴纳社会保险"],
         [_ID, "补贴申请表|原|1|加盖单位公章", "劳动合同|复|1|", "毕业证书|复|1|", "社会保险缴费明细|原|1|"]),
        ("一次性创业补贴", "One-off business start-up subsidy", 20, 15,
         ["首次创办小微企业或从事个体经营", "正常经营12个月以上"],
         [_ID, "一次性创业补贴申请表|原|1|", "营业执照|复|1|", "银行账户信息|复|1|"]),
        ("就业登记", "Employment registration", 5, 0,
         ["与用人单位建立劳动关系"], [_ID, "就业登记表|原|1|", "劳动合同|复|1|"]),
        ("失业登记", "Unemployment registration", 5, 0,
         ["法定劳动年龄内", "有劳动能力和就业要求，处于无业状态"], [_ID, "失业登记表|原|1|"]),
        ("灵活就业人员参保登记", "Social insurance registration for flexible workers", 5, 0,
         ["无雇工的个体工商户、非全日制从业人员及其他灵活就业人员"], [_ID, "灵活就业人员参保登记表|原|1|"]),
        ("就业困难人员认定", "Recognition as a person with difficulty finding work", 15, 10,
         ["已进行失业登记", "符合就业困难人员认定条件之一"], [_ID, "就业困难人员认定申请表|原|1|", "相关证明材料|复|1|如残疾人证"]),
        ("创业担保贷款申请", "Business start-up guaranteed loan", 20, 15,
         ["符合创业担保贷款扶持对象条件", "无不良信用记录"],
         [_ID, "创业担保贷款申请表|原|1|", "营业执照|复|1|", "经营场所证明|复|1|", "户口簿|复|1|"]),
        ("失业保险金申领", "Claim for unemployment insurance benefits", 10, 5,
         ["非因本人意愿中断就业", "失业前缴纳失业保险满1年"], [_ID, "解除或终止劳动合同证明|原复|1|"]),
        ("城乡居民养老保险参保登记", "Registration for residents' pension insurance", 5, 0,
         ["年满16周岁（不含在校学生）", "未参加职工基本养老保险"], [_ID, "户口簿|原|0|", "参保登记表|原|1|"]),
        ("社会保障卡申领", "Application for a social security card", 15, 10,
         ["已参加社会保险"], [_ID, "近期免冠照片|电|1|白底"]),
        ("职业培训补贴申领", "Claim for vocational training subsidy", 20, 15,
         ["参加职业培训并取得证书", "在培训后12个月内申请"], [_ID, "职业培训补贴申请表|原|1|", "职业资格或技能等级证书|复|1|"]),
        ("领取养老金资格认证", "Pensioner eligibility confirmation", 0, 0,
         ["已按月领取养老金人员"], [_ID]),
    ],
    "民政": [
        ("最低生活保障申请", "Application for minimum living allowance", 30, 20,
         ["家庭人均收入低于当地低保标准", "家庭财产符合规定"],
         [_ID, "低保申请书|原|1|", "户口簿|复|1|", "家庭经济状况核对授权书|原|1|全体家庭成员签字"]),
        ("特困人员救助供养申请", "Support for persons in extreme poverty", 30, 20,
         ["无劳动能力、无生活来源、无法定赡养抚养扶养义务人"], [_ID, "特困人员救助供养申请书|原|1|", "户口簿|复|1|"]),
        ("临时救助申请", "Temporary assistance", 15, 10,
         ["因意外事件等导致基本生活暂时出现严重困难"], [_ID, "临时救助申请书|原|1|", "困难情况证明|复|1|"]),
        ("高龄津贴申领", "Old-age allowance for citizens 80 and over", 15, 5,
         ["年满80周岁的本区户籍老年人"], [_ID, "户口簿|复|1|", "银行卡|复|1|本人账户"]),
        ("老年人优待证办理", "Senior citizen preferential card", 10, 5,
         ["年满60周岁"], [_ID, "一寸免冠照片|原|1|"]),
        ("困难残疾人生活补贴", "Living subsidy for disabled persons in hardship", 20, 15,
         ["持有第二代残疾人证", "低保家庭或低保边缘家庭成员"], [_ID, "残疾人证|原复|1|", "申请表|原|1|"]),
        ("重度残疾人护理补贴", "Care subsidy for severely disabled persons", 20, 15,
         ["残疾等级为一级、二级"], [_ID, "残疾人证|原复|1|", "申请表|原|1|"]),
        ("居家养老服务补贴", "Home-based elderly care subsidy", 20, 15,
         ["经济困难的失能、半失能老年人"], [_ID, "居家养老服务补贴申请表|原|1|", "能力评估报告|复|1|"]),
    ],
    "卫生健康": [
        ("生育登记", "Birth registration (family planning)", 0, 0,
         ["夫妻双方或一方为本区户籍"], [_ID, "结婚证|原|0|", "户口簿|原|0|"]),
        ("独生子女父母光荣证办理", "Only-child parents' certificate", 10, 5,
         ["自愿终身只生育一个子女的夫妻"], [_ID, "结婚证|复|1|", "子女出生医学证明|复|1|"]),
        ("计划生育家庭特别扶助金申请", "Special support for family-planning families", 30, 20,
         ["独生子女死亡或伤残", "女方年满49周岁"], [_ID, "特别扶助申请表|原|1|", "独生子女父母光荣证|复|1|"]),
        ("企业退休人员独生子女父母一次性养老补助", "One-off pension supplement for only-child parents", 30, 20,
         ["企业职工办理退休手续", "持有独生子女父母光荣证"], [_ID, "退休审批表|复|1|", "独生子女父母光荣证|原复|1|"]),
        ("托育机构备案", "Registration of a childcare centre", 15, 10,
         ["已登记为法人的托育机构"], [_ID, "托育机构备案书|原|1|", "营业执照或事业单位法人证书|复|1|"]),
    ],
    "残疾人服务": [
        ("残疾人证新办", "First issue of a disability certificate", 30, 20,
         ["本区户籍", "经指定医疗机构评定"], [_ID, "户口簿|原复|1|", "二寸免冠照片|原|3|", "残疾评定表|原|1|"]),
        ("残疾人证换领", "Renewal of a disability certificate", 20, 10,
         ["证件有效期届满或损毁"], [_ID, "原残疾人证|原|1|", "二寸免冠照片|原|2|"]),
        ("残疾人证迁移", "Transfer of a disability certificate", 20, 10,
         ["户籍迁移"], [_ID, "残疾人证|原|1|", "户口簿|复|1|"]),
        ("残疾人辅助器具适配申请", "Assistive devices for disabled persons", 20, 15,
         ["持有残疾人证且有适配需求"], [_ID, "残疾人证|复|1|", "辅助器具申请表|原|1|"]),
        ("残疾人自主创业扶持", "Support for self-employed disabled persons", 30, 20,
         ["持有残疾人证", "从事个体经营或创办企业"], [_ID, "残疾人证|复|1|", "营业执照|复|1|", "申请表|原|1|"]),
    ],
    "医疗保障": [
        ("城乡居民医保参保登记", "Residents' medical insurance registration", 5, 0,
         ["未参加职工基本医疗保险的本区居民"], [_ID, "户口簿|原|0|"]),
        ("灵活就业人员医保参保登记", "Medical insurance registration for flexible workers", 5, 0,
         ["本区灵活就业人员"], [_ID, "参保登记表|原|1|"]),
        ("新生儿参保登记", "Medical insurance registration of a newborn", 5, 0,
         ["出生后已办理户口登记"], ["新生儿户口簿|原|0|", "监护人居民身份证|原|0|现场核验，不留存复印件"]),
        ("门诊慢特病待遇认定", "Outpatient chronic and special disease recognition", 15, 10,
         ["已参加基本医疗保险", "患有规定范围内的慢特病"], [_ID, "医疗机构诊断证明|原|1|", "相关检查报告|复|1|"]),
        ("异地就医备案", "Registration for medical treatment in another city", 5, 0,
         ["长期异地居住、异地工作或转外就医"], [_ID, "异地就医备案表|原|1|"]),
        ("医保关系转移接续", "Transfer of medical insurance", 15, 10,
         ["跨统筹区流动就业"], [_ID, "参保凭证|原|1|"]),
        ("医疗费用零星报销", "Reimbursement of medical expenses", 20, 15,
         ["因急诊等原因未能直接结算"], [_ID, "医疗费用发票|原|1|", "费用明细清单|原|1|", "病历|复|1|"]),
        ("长期护理保险待遇申请", "Long-term care insurance benefit", 20, 15,
         ["因年老、疾病、伤残导致失能半年以上"], [_ID, "失能评估申请表|原|1|", "病历资料|复|1|"]),
    ],
    "退役军人服务": [
        ("退役军人信息采集", "Information collection of veterans", 5, 0,
         ["本区户籍退役军人"], [_ID, "退役证件|复|1|"]),
        ("退役军人优待证申领", "Veterans' preferential treatment card", 20, 15,
         ["已完成信息采集"], [_ID, "近期免冠照片|电|1|"]),
        ("光荣牌悬挂", "Honour plaque for military families", 10, 5,
         ["现役军人家庭、退役军人家庭及烈属"], [_ID, "户口簿|复|1|", "军属或退役证明|复|1|"]),
        ("义务兵家庭优待金申领", "Preferential payment for conscripts' families", 30, 20,
         ["本区入伍的义务兵家庭"], [_ID, "入伍通知书|复|1|", "户口簿|复|1|", "银行卡|复|1|"]),
        ("退役军人创业就业扶持", "Start-up and employment support for veterans", 20, 15,
         ["自主就业退役士兵"], [_ID, "退役证件|复|1|", "营业执照|复|1|"]),
    ],
    "城市管理": [
        ("户外广告设施设置审批", "Approval of outdoor advertising facilities", 20, 10,
         ["符合户外广告设置规划"], [_ID, "申请表|原|1|", "设计效果图|原|1|", "场地使用证明|复|1|"]),
        ("门头牌匾设置备案", "Registration of a shop-front sign", 5, 1,
         ["营业执照登记地址与设置地点一致"], [_ID, "营业执照|复|1|", "牌匾效果图|原|1|"]),
        ("临时占用城市道路审批", "Temporary occupation of an urban road", 20, 5,
         ["确需临时占用且不影响通行安全"], [_ID, "占道申请书|原|1|", "占道位置平面图|原|1|"]),
        ("建筑垃圾处置核准", "Approval of construction waste disposal", 20, 10,
         ["有合法的建筑垃圾消纳场所"], [_ID, "处置申请表|原|1|", "运输合同|复|1|"]),
    ],
    "住房保障": [
        ("公共租赁住房申请", "Application for public rental housing", 30, 25,
         ["本区户籍或在本区稳定就业", "家庭收入、住房符合规定标准"],
         [_ID, "公租房申请表|原|1|", "户口簿|复|1|", "婚姻状况证明|复|1|", "收入证明|原|1|"]),
        ("住房租赁补贴申请", "Housing rental subsidy", 30, 25,
         ["符合公租房保障条件并选择货币补贴"], [_ID, "租赁补贴申请表|原|1|", "房屋租赁合同|复|1|"]),
        ("房屋租赁登记备案", "Registration of a housing lease", 3, 1,
         ["出租房屋权属清晰"], [_ID, "房屋租赁合同|原|1|", "房屋权属证明|复|1|"]),
        ("老旧小区加装电梯申请", "Adding a lift to an old residential building", 30, 20,
         ["本单元业主同意比例符合规定"], [_ID, "加装电梯申请书|原|1|", "业主意见书|原|1|", "设计方案|原|1|"]),
    ],
}


def _material(spec: str) -> Material:
    name, form, copies, notes = spec.split("|")
    return Material(name=name, form=_FORMS[form], copies=int(copies), notes=notes)


def initials(name: str) -> str:
    """Pinyin initials for the guide's search keypad: 个体工商户设立登记 -> GTGSHSLDJ."""
    if name in SEED_INITIALS:
        return SEED_INITIALS[name]
    from pypinyin import Style, lazy_pinyin  # only for a name not in the table

    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(c for c in "".join(letters).upper() if c.isalnum() and c.isascii())


def build_services() -> list[ServiceItem]:
    out: list[ServiceItem] = []
    for category, rows in ITEMS.items():
        dept, seg = CATEGORIES[category]
        for i, (name, name_en, legal, promised, conditions, materials) in enumerate(rows, start=1):
            code = f"370104-{seg}-{i:03d}"
            out.append(ServiceItem(
                id=code, code=code, name=name, name_en=name_en, category=category, department=dept,
                window=WINDOW, legal_days=legal, promised_days=promised, fee="不收费",
                conditions=conditions, materials=[_material(s) for s in materials],
                online_url=f"https://zwfw.demo.invalid/item/{code}", pinyin_initials=initials(name),
                delegable=name in DELEGABLE, popular=POPULAR.index(name) + 1 if name in POPULAR else None,
            ))
    return out
