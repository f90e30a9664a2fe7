"""Synthetic licences (证照) of the demo citizens and businesses, for 证照打印.

Made up like the rest of the seed: the holders are the demo identities and enterprises of seed.py,
the issuers are 槐荫区 authorities, numbers follow the shapes of the real ones (a 营业执照 carries the
USCC, a 食品经营许可证 JY + 14 digits) without belonging to anyone. Each licence has the fields its page
shows in full (`fields`, the holder's own document) and the masked ones a list shows (`Licence`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from kiosk.api.models import Licence, PrintPolicy
from kiosk.demo_api.seed import DEMO_IDENTITIES, ENTERPRISES
from kiosk.privacy import mask_name

APPROVAL = "济南市槐荫区行政审批服务局"
HRSS = "槐荫区人力资源和社会保障局"
DISABLED = "槐荫区残疾人联合会"
#: The issuers' verification page; a placeholder host like the rest of the demo's links.
VERIFY_URL = "https://zwfw.demo.invalid/licence/verify/{id}?c={code}"


@dataclass(frozen=True)
class DemoLicence:
    licence: Licence                       # what a list shows (masked)
    fields: tuple[tuple[str, str], ...]    # what the page shows, label and value, whole
    id_number: str                         # the person the licence is issued to, or the business's operator
    uscc: str | None                       # the business holding it


def _verify(lid: str) -> str:
    code = hashlib.sha256(f"demo-licence:{lid}".encode()).hexdigest()[:10].upper()
    return VERIFY_URL.format(id=lid, code=code)


def _mask_number(n: str) -> str:
    """A personal number (it is derived from the ID number): the first 4 and last 4 shown."""
    return n[:4] + "*" * (len(n) - 8) + n[-4:]


def _ent(name: str):
    return next(e for e in ENTERPRISES if e.name == name)


def build_licences() -> dict[str, DemoLicence]:
    wang, _li, _zhang, liu, chen = DEMO_IDENTITIES
    shop = _ent("济南市槐荫区建国小吃店")
    home = _ent("济南道德家政服务有限公司")
    out: list[DemoLicence] = []

    def add(lid: str, name: str, number: str, shown_number: str, holder: str, kind: str, issuer: str,
            issued: date, until: date | None, policy: PrintPolicy, fields: list[tuple[str, str]],
            id_number: str, uscc: str | None, case_no: str | None = None) -> None:
        lic = Licence(id=lid, name=name, number=shown_number, holder=holder, holder_kind=kind, issuer=issuer,
                      issued_on=issued, valid_until=until, print_policy=policy, printed_count=0, pages=1,
                      verify_url=_verify(lid), case_no=case_no)
        out.append(DemoLicence(lic, (("证照编号", number), *fields), id_number, uscc))

    add("L0001", "营业执照（副本）", shop.uscc, shop.uscc, shop.name, "business", APPROVAL,
        date(2025, 11, 14), None, PrintPolicy.ALLOWED,
        [("名称", shop.name), ("类型", shop.type), ("经营者", shop.legal_representative),
         ("组成形式", "个人经营"), ("经营场所", shop.address), ("经营范围", shop.business_scope),
         ("注册日期", "2025年11月14日")],
        wang.id_number, shop.uscc, case_no="3701042026000000001")
    add("L0002", "食品经营许可证（副本）", "JY23701040098765", "JY23701040098765", shop.name, "business", APPROVAL,
        date(2025, 11, 28), date(2030, 11, 27), PrintPolicy.ONCE,
        [("经营者名称", shop.name), ("社会信用代码", shop.uscc), ("法定代表人（负责人）", shop.legal_representative),
         ("经营场所", shop.address), ("主体业态", "小餐饮"), ("经营项目", "热食类食品制售；预包装食品销售"),
         ("有效期至", "2030年11月27日")],
        wang.id_number, shop.uscc)
    add("L0003", "残疾人证", liu.id_number + "42", _mask_number(liu.id_number + "42"), mask_name(liu.name),
        "person", DISABLED, date(2026, 5, 6), date(2036, 5, 5), PrintPolicy.WINDOW_ONLY,
        [("姓名", liu.name), ("性别", "女"), ("残疾类别", "肢体"), ("残疾等级", "四级")],
        liu.id_number, None, case_no="3701042026000000010")
    number = "3701040026000517"
    add("L0004", "就业创业证", number, _mask_number(number), mask_name(chen.name), "person", HRSS,
        date(2026, 4, 30), None, PrintPolicy.ALLOWED,
        [("姓名", chen.name), ("性别", "男"), ("出生日期", "2001年9月18日"), ("户籍地", "山东省济南市槐荫区"),
         ("就业失业状态", "失业登记（2026年4月30日）")],
        chen.id_number, None, case_no="3701042026000000012")
    add("L0005", "营业执照（副本）", home.uscc, home.uscc, home.name, "business", APPROVAL,
        date(2021, 10, 18), None, PrintPolicy.ALLOWED,
        [("名称", home.name), ("类型", home.type), ("法定代表人", home.legal_representative),
         ("注册资本", home.registered_capital), ("住所", home.address), ("经营范围", home.business_scope),
         ("成立日期", "2021年10月18日")],
        "", home.uscc)
    add("L0006", "人力资源服务许可证", "370104202100031", "370104202100031", home.name, "business", APPROVAL,
        date(2022, 3, 9), date(2027, 3, 8), PrintPolicy.WINDOW_ONLY,
        [("机构名称", home.name), ("法定代表人", home.legal_representative), ("服务范围", "职业介绍；人力资源供求信息的收集和发布"),
         ("有效期至", "2027年3月8日")],
        "", home.uscc)
    return {d.licence.id: d for d in out}
