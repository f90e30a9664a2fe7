"""Synthetic people, cases, enterprises, policies and job posts of the demo central API.

Everything here is made up. ID numbers and USCCs carry correct check characters (computed with
kiosk.validators), so the terminal's validators accept them; none belongs to a real person or firm.
Case times are laid out backwards from the moment the server starts, so the timelines look current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.api.models import (
    CASE_STATUS_CODES,
    Case,
    CaseStatus,
    CaseStep,
    Correction,
    Delivery,
    Enterprise,
    JobPost,
    Policy,
    Rejection,
    ServiceItem,
)
from kiosk.demo_api.seed_services import build_services
from kiosk.privacy import mask_id_number, mask_name
from kiosk.validators import id_check_char, uscc_check_char

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _id(first17: str) -> str:
    return first17 + id_check_char(first17)


@dataclass(frozen=True)
class DemoIdentity:
    id_number: str
    name: str
    sex: str
    birth: date
    address: str
    phone: str


#: Citizens that have cases at the demo API; the ID-card simulator can carry matching cards.
DEMO_IDENTITIES: list[DemoIdentity] = [
    DemoIdentity(_id("37010419900307751"), "王建国", "男", date(1990, 3, 7),
                 "山东省济南市槐荫区道德街18号3单元502室", "13905311234"),
    DemoIdentity(_id("37010419650512042"), "李秀英", "女", date(1965, 5, 12),
                 "山东省济南市槐荫区经七路43号1号楼2单元101室", "13853112345"),
    DemoIdentity(_id("37010419851122251"), "张伟", "男", date(1985, 11, 22),
                 "山东省济南市槐荫区纬十二路82号7号楼301室", "15662451188"),
    DemoIdentity(_id("37010419780415362"), "刘芳", "女", date(1978, 4, 15),
                 "山东省济南市槐荫区营市街88号5号楼1单元602室", "18654107766"),
    DemoIdentity(_id("37010420010918133"), "陈晨", "男", date(2001, 9, 18),
                 "山东省济南市槐荫区经四路52号2号楼402室", "17705316543"),
]

#: 一窗受理: the one comprehensive window takes every application and hands out the results; the
#: district departments approve behind it (前台综合受理、后台分类审批).
FRONT_DESK = "道德街便民服务中心综合窗口"
FRONT_DESK_PICKUP = "道德街便民服务中心 综合服务区 综合窗口"
#: Steps the front desk takes; the others are the approving department's.
_AT_FRONT_DESK = {CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.CORRECTION, CaseStatus.WITHDRAWN}

# (citizen index, service code, final status, days ago submitted, delivery)
_CASES: list[tuple[int, str, CaseStatus, int, Delivery | None]] = [
    (0, "370104-SCJG-001", CaseStatus.COMPLETED, 12, Delivery(method="自取", place=FRONT_DESK_PICKUP)),
    (0, "370104-SCJG-006", CaseStatus.REVIEW, 4, None),
    (0, "370104-RSJ-003", CaseStatus.CORRECTION, 6, None),
    (0, "370104-SCJG-007", CaseStatus.DECISION, 8,
     Delivery(method="邮寄", carrier="中国邮政EMS", tracking_no="1189654320107")),
    (1, "370104-MZJ-005", CaseStatus.COMPLETED, 15,
     Delivery(method="邮寄", carrier="中国邮政EMS", tracking_no="1189654320391")),
    (1, "370104-YBJ-004", CaseStatus.ACCEPTED, 2, None),
    (1, "370104-MZJ-008", CaseStatus.REJECTED, 9, None),
    (2, "370104-ZJJ-001", CaseStatus.SUBMITTED, 0, None),
    (2, "370104-YBJ-002", CaseStatus.WITHDRAWN, 20, None),
    (3, "370104-CL-002", CaseStatus.COMPLETED, 25, Delivery(method="自取", place=FRONT_DESK_PICKUP)),
    (3, "370104-YBJ-007", CaseStatus.REVIEW, 5, None),
    (4, "370104-RSJ-005", CaseStatus.COMPLETED, 30, None),
    (4, "370104-RSJ-007", CaseStatus.ACCEPTED, 1, None),
]

#: One window (一窗受理): everything is brought to, and collected at, the 综合窗口 of the 综合服务区.
_WINDOW = "道德街便民服务中心 综合服务区 综合窗口"
#: The next step of a case, by its place in _CASES (1-based, as its number): what to bring for 补正,
#: where and when to collect for 自取, why and whom to ask for 不予受理.
_NEXT: dict[int, dict] = {
    1: {"delivery": {"place": _WINDOW, "hours": "工作日 9:00-12:00，13:30-17:00（法定节假日除外）"}},
    3: {"correction": Correction(materials=["银行账户信息复印件 1份", "申请人居民身份证（原件，现场核验）"],
                                 place=_WINDOW, deadline=None)},
    7: {"rejection": Rejection(reason="经核对，申请人不属于本事项服务对象（需经能力评估为失能或半失能）",
                               contact="综合窗口工作人员，或拨打12345政务服务便民热线")},
    10: {"delivery": {"place": _WINDOW, "hours": "工作日 9:00-12:00，13:30-17:00（法定节假日除外）"}},
}
#: Deadline of a 补正, counted from the day it was asked for (the demo's clock moves with the server's).
_CORRECTION_DAYS = 15
CASE_URL = "https://zwfw.demo.invalid/case/{case_no}"

_PATH = [CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.REVIEW, CaseStatus.DECISION, CaseStatus.COMPLETED]
_NOTES = {
    CaseStatus.SUBMITTED: "申请材料已提交，等待综合窗口受理",
    CaseStatus.ACCEPTED: "材料齐全，符合法定形式，综合窗口予以受理，转业务部门审批",
    CaseStatus.CORRECTION: "请补充：银行账户信息复印件（到综合服务区综合窗口提交）",
    CaseStatus.REVIEW: "业务部门审查中",
    CaseStatus.DECISION: "审查通过，作出准予许可决定",
    CaseStatus.COMPLETED: "办结，结果已出具",
    CaseStatus.REJECTED: "经核对，申请人不属于本事项服务对象（需经能力评估为失能或半失能），不予受理",
    CaseStatus.WITHDRAWN: "申请人主动撤回申请",
}


def _steps(final: CaseStatus, submitted: datetime, dept: str) -> list[CaseStep]:
    if final in (CaseStatus.REJECTED, CaseStatus.WITHDRAWN):
        path = [CaseStatus.SUBMITTED, final]
    elif final is CaseStatus.CORRECTION:
        path = [CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.CORRECTION]
    else:
        path = _PATH[: _PATH.index(final) + 1]
    steps = []
    for i, st in enumerate(path):
        steps.append(CaseStep(time=submitted + timedelta(days=i, hours=i * 2 % 5, minutes=17 * i % 60),
                              status=st, department=FRONT_DESK if st in _AT_FRONT_DESK else dept,
                              note=_NOTES[st]))
    return steps


def build_cases(services: dict[str, ServiceItem], now: datetime) -> dict[str, tuple[str, str, Case]]:
    """case_no -> (id_number, phone, Case)."""
    out: dict[str, tuple[str, str, Case]] = {}
    for seq, (who, code, final, days_ago, delivery) in enumerate(_CASES, start=1):
        person = DEMO_IDENTITIES[who]
        svc = services[code]
        submitted = (now - timedelta(days=days_ago, hours=3)).replace(hour=9, minute=30 + seq, second=0,
                                                                         microsecond=0)
        if submitted > now:
            submitted -= timedelta(days=1)
        case_no = f"3701042026{seq:09d}"  # stable across restarts, so demos can type it; 19 digits
        steps = _steps(final, submitted, svc.department)
        nxt = _NEXT.get(seq, {})
        if delivery is not None and "delivery" in nxt:
            delivery = delivery.model_copy(update=nxt["delivery"])
        correction = nxt.get("correction")
        if correction is not None:
            correction = correction.model_copy(
                update={"deadline": (steps[-1].time + timedelta(days=_CORRECTION_DAYS)).date()})
        out[case_no] = (person.id_number, person.phone, Case(
            case_no=case_no, service_code=code, service_name=svc.name,
            applicant_masked=mask_name(person.name), applicant_id_masked=mask_id_number(person.id_number),
            submitted_at=submitted, status=final, status_code=CASE_STATUS_CODES[final], steps=steps,
            delivery=delivery, url=CASE_URL.format(case_no=case_no), correction=correction,
            rejection=nxt.get("rejection")))
    return out


_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code(first8: str) -> str:
    """GB 11714 组织机构代码 with its check character (the USCC's positions 9-17)."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return first8 + {10: "X", 11: "0"}.get(c9, str(c9))


def make_uscc(kind: str, region: str, first8: str) -> str:
    first17 = kind + region + org_code(first8)
    return first17 + uscc_check_char(first17)


_AUTH = "济南市槐荫区市场监督管理局"
ENTERPRISES: list[Enterprise] = [
    Enterprise(uscc=make_uscc("92", "370104", "MA3C8K1N"), name="济南市槐荫区建国小吃店", type="个体工商户",
               legal_representative="王建国", registered_capital="5万元人民币", established=date(2025, 11, 14),
               status="存续", address="山东省济南市槐荫区道德街18号-12", business_scope="小餐饮；食品销售（仅销售预包装食品）",
               registration_authority=_AUTH),
    Enterprise(uscc=make_uscc("91", "370104", "MA3D2P7Q"), name="山东泉城数字科技有限公司",
               type="有限责任公司（自然人投资或控股）", legal_representative="赵明", registered_capital="500万元人民币",
               established=date(2019, 6, 3), status="存续", address="山东省济南市槐荫区经十路22799号A座1203室",
               business_scope="软件开发；信息技术咨询服务；数据处理服务", registration_authority=_AUTH),
    Enterprise(uscc=make_uscc("91", "370104", "MA3B4R2T"), name="济南营市餐饮管理有限公司",
               type="有限责任公司（自然人独资）", legal_representative="孙丽", registered_capital="100万元人民币",
               established=date(2017, 3, 21), status="在业", address="山东省济南市槐荫区营市街8号",
               business_scope="餐饮服务；餐饮管理；食品销售", registration_authority=_AUTH),
    Enterprise(uscc=make_uscc("91", "370104", "MA3A9W5U"), name="济南西市场文化传媒有限公司",
               type="有限责任公司（自然人投资或控股）", legal_representative="周涛", registered_capital="200万元人民币",
               established=date(2016, 8, 9), status="注销", address="山东省济南市槐荫区经二路12号",
               business_scope="组织文化艺术交流活动；广告设计、代理", registration_authority=_AUTH),
    Enterprise(uscc=make_uscc("92", "370104", "MA3B1X6Y"), name="济南市槐荫区老街便利店", type="个体工商户",
               legal_representative="吴强", registered_capital="3万元人民币", established=date(2018, 1, 30),
               status="吊销", address="山东省济南市槐荫区纬十二路66号", business_scope="食品销售；日用百货销售",
               registration_authority=_AUTH),
    Enterprise(uscc=make_uscc("91", "370104", "MA3E7H3K"), name="济南道德家政服务有限公司",
               type="有限责任公司（自然人投资或控股）", legal_representative="郑红", registered_capital="50万元人民币",
               established=date(2021, 10, 18), status="存续", address="山东省济南市槐荫区经七路25号",
               business_scope="家政服务；养老服务；母婴护理服务", registration_authority=_AUTH),
]

def _code(name: str) -> str | None:
    """The service item that takes applications for a policy, found by its name (its code is the
    service catalogue's business, not this table's)."""
    return next((s.code for s in build_services() if s.name == name), None)


_HRSS = "槐荫区人力资源和社会保障局"
_HELP = "道德街便民服务中心帮代办专员可协助企业准备材料、全程代办。"

#: The subsidies the 街道 helps firms and people apply for (center facts: 社保补贴, 招录高校毕业生一次性奖补,
#: 一次性就业补贴, 创业补贴, 市、区级扶持资金). Amounts and conditions are synthetic demo text.
POLICIES: list[Policy] = [
    Policy(id="P101", title="社保补贴（小微企业吸纳就业）", department=_HRSS,
           summary="小微企业招用就业困难人员、毕业年度高校毕业生并为其缴纳社会保险的，按规定给予社会保险补贴。"
           + _HELP, published=date(2026, 3, 1), tags=["就业", "补贴", "企业"],
           eligibility=["注册在槐荫区的小微企业", "招用就业困难人员或毕业年度高校毕业生",
                        "签订1年以上劳动合同并按月足额缴纳社会保险"],
           amount="按单位实际缴纳的基本养老、基本医疗和失业保险费给予补贴（不含个人缴纳部分），最长3年",
           materials=["补贴申请表（加盖单位公章）", "劳动合同复印件", "社会保险缴费明细"],
           service_code=_code("招用高校毕业生补贴")),
    Policy(id="P102", title="招录高校毕业生一次性奖补", department=_HRSS,
           summary="企业招用离校2年内未就业高校毕业生，签订劳动合同并缴纳社会保险的，给予一次性奖补。" + _HELP,
           published=date(2026, 2, 15), tags=["就业", "补贴", "企业", "高校毕业生"],
           eligibility=["招用离校2年内未就业的高校毕业生", "签订1年以上劳动合同", "已为其缴纳社会保险3个月以上"],
           amount="每招用1人给予1000元一次性奖补",
           materials=["补贴申请表（加盖单位公章）", "劳动合同复印件", "毕业证书复印件", "社会保险缴费明细"],
           service_code=_code("招用高校毕业生补贴")),
    Policy(id="P103", title="一次性就业补贴", department=_HRSS,
           summary="小微企业吸纳登记失业人员、就业困难人员就业的，按吸纳人数给予一次性就业补贴。" + _HELP,
           published=date(2026, 4, 8), tags=["就业", "补贴", "企业"],
           eligibility=["小微企业或个体工商户", "吸纳登记失业人员或就业困难人员", "签订1年以上劳动合同并缴纳社会保险"],
           amount="每吸纳1人给予1000元", materials=["补贴申请表（加盖单位公章）", "劳动合同复印件", "就业登记信息"],
           service_code=_code("就业登记")),
    Policy(id="P104", title="创业补贴（一次性创业补贴）", department=_HRSS,
           summary="首次创办小微企业或从事个体经营、正常经营12个月以上的，可申领一次性创业补贴。" + _HELP,
           published=date(2026, 3, 1), tags=["创业", "补贴"],
           eligibility=["首次创办小微企业或从事个体经营", "在槐荫区登记注册", "正常经营12个月以上"],
           amount="一次性12000元", materials=["一次性创业补贴申请表", "营业执照复印件", "银行账户信息复印件"],
           service_code=_code("一次性创业补贴")),
    Policy(id="P105", title="市、区级扶持资金（企业）", department="槐荫区科学技术局",
           summary="对新认定的高新技术企业、瞪羚企业等给予市、区级扶持资金。街道经济网格员和帮代办专员协助企业"
           "了解政策、准备申报材料。", published=date(2026, 5, 6), tags=["企业", "扶持资金"],
           eligibility=["注册在槐荫区的企业", "当年新认定为高新技术企业、瞪羚企业等"],
           amount="按市、区当年申报通知执行",
           materials=["申报书", "营业执照复印件", "认定证书复印件"], service_code=None),
]

JOBS: list[JobPost] = [
    JobPost(id="J101", title="社区网格员", employer="道德街街道办事处", salary="4000-4500元/月",
            location="槐荫区道德街街道", headcount=3, requirements="大专及以上学历，熟悉电脑操作",
            contact="0531-6555 0101", posted=date(2026, 11, 2), district="槐荫区", type="全职"),
    JobPost(id="J102", title="软件测试工程师", employer="济南道德街数字科技有限公司", salary="6000-9000元/月",
            location="槐荫区经十路", headcount=2, requirements="计算机相关专业，1年以上经验",
            contact="0531-6555 0102", posted=date(2026, 11, 10), district="槐荫区", type="全职"),
    JobPost(id="J103", title="厨师", employer="济南槐荫泉香餐饮管理有限公司", salary="5000-7000元/月",
            location="槐荫区道德街", headcount=2, requirements="持健康证，有鲁菜经验优先",
            contact="0531-6555 0103", posted=date(2026, 11, 12), district="槐荫区", type="全职"),
    JobPost(id="J104", title="养老护理员", employer="济南德和家政服务有限公司", salary="4500-6000元/月",
            location="市中区经七路", headcount=5, requirements="持养老护理员证书优先，可培训上岗",
            contact="0531-6555 0104", posted=date(2026, 11, 15), district="市中区", type="全职"),
    JobPost(id="J105", title="超市理货员（兼职）", employer="济南道德街便民超市有限公司", salary="18元/小时",
            location="槐荫区道德街", headcount=2, requirements="责任心强，每周可工作3天以上",
            contact="0531-6555 0105", posted=date(2026, 11, 18), district="槐荫区", type="兼职"),
    JobPost(id="J106", title="公益性岗位保洁员", employer="道德街街道办事处", salary="2600元/月",
            location="槐荫区道德街街道", headcount=4, requirements="就业困难人员优先",
            contact="0531-6555 0101", posted=date(2026, 11, 20), district="槐荫区", type="公益性岗位"),
    JobPost(id="J107", title="行政助理（高校毕业生见习）", employer="济南道德街数字科技有限公司",
            salary="见习补贴2000元/月", location="槐荫区经十路", headcount=2, requirements="离校2年内未就业高校毕业生",
            contact="0531-6555 0102", posted=date(2026, 11, 21), district="槐荫区", type="就业见习"),
    JobPost(id="J108", title="仓储管理员", employer="济南天桥物流有限公司", salary="4500-5500元/月",
            location="天桥区无影山中路", headcount=3, requirements="会使用电脑，能适应倒班",
            contact="0531-6555 0108", posted=date(2026, 11, 22), district="天桥区", type="全职"),
]
