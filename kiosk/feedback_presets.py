"""Preset wording for 诉求反馈 (the economic grid's 一事一记) and the 差评 reasons of 好差评.

Citizens describe a problem by choosing, not typing: category -> problem type -> one or more phrases.
The Chinese text is what reaches the government (the screen translates it only for display); every
entry has an English line in assets/i18n/en/feedback.po or evaluation.po (a test checks it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemType:
    name: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    name: str
    types: tuple[ProblemType, ...]


def _t(name: str, *phrases: str) -> ProblemType:
    return ProblemType(name, phrases)


CATEGORIES: tuple[Category, ...] = (
    Category("政务服务", (
        _t("办事流程复杂", "需要的材料太多", "跑了多次还没办成", "不清楚去哪个窗口办理"),
        _t("审批时间长", "超过承诺时限还没办结", "不知道办到哪一步了", "希望加快审批进度"),
        _t("网上办理困难", "不会操作网上办事系统", "网上提交后一直没有反馈", "系统经常出错"),
    )),
    Category("融资信贷", (
        _t("贷款难", "缺少抵押担保", "贷款审批时间长", "希望了解政策性贷款"),
        _t("融资成本高", "贷款利率偏高", "中间费用多", "希望申请贷款贴息"),
        _t("资金周转困难", "货款回收慢", "流动资金紧张", "希望延期还款"),
    )),
    Category("用工招聘", (
        _t("招工难", "招不到合适的人", "希望参加招聘会", "希望发布招聘信息"),
        _t("技能培训", "员工需要技能培训", "希望了解培训补贴"),
        _t("社保与用工补贴", "不清楚补贴怎么申请", "补贴迟迟没有到账"),
    )),
    Category("政策兑现", (
        _t("不了解政策", "不知道能享受哪些政策", "希望有人上门讲解政策"),
        _t("补贴申请", "不清楚要交哪些材料", "补贴迟迟没有到账", "申请被退回不知道原因"),
        _t("税费减免", "不清楚能否减免", "减免手续复杂"),
    )),
    Category("水电气暖", (
        _t("停水停电", "经常停水停电", "停电没有提前通知", "影响正常经营"),
        _t("报装接入", "报装时间长", "报装费用高", "不清楚报装流程"),
        _t("收费问题", "收费标准不清楚", "费用明显偏高"),
    )),
    Category("市场监管", (
        _t("证照办理", "营业执照变更手续复杂", "许可证办理时间长"),
        _t("检查执法", "检查过于频繁", "执法标准不统一"),
        _t("不正当竞争", "遇到恶意竞争", "商标被侵权", "遇到虚假宣传"),
    )),
    Category("其他", (
        _t("经营环境", "周边道路或停车不便", "环境卫生需要改善", "治安需要加强"),
        _t("其他问题", "希望工作人员联系我", "希望当面说明情况"),
    )),
)

#: Offered under every problem type, after its own phrases.
COMMON_PHRASES: tuple[str, ...] = ("情况比较紧急", "希望尽快联系我")

#: 差评 reasons (GB/T 39734: a 差评 must say what was wrong so it can be verified and rectified).
EVALUATION_REASONS: tuple[str, ...] = ("办事效率低", "服务态度差", "指南不清楚", "多次跑腿", "系统操作难", "其他")


def category(name: str) -> Category:
    for c in CATEGORIES:
        if c.name == name:
            return c
    raise KeyError(name)


def problem_type(category_name: str, type_name: str) -> ProblemType:
    for t in category(category_name).types:
        if t.name == type_name:
            return t
    raise KeyError(type_name)


def phrases_for(category_name: str, type_name: str) -> tuple[str, ...]:
    own = problem_type(category_name, type_name).phrases
    return own + tuple(p for p in COMMON_PHRASES if p not in own)


def compose_content(type_name: str, phrases: Iterable[str]) -> str:
    """The feedback's `content`: the problem type and the chosen phrases, in the order offered."""
    chosen = [p for p in phrases if p]
    if not type_name or not chosen:
        raise ValueError("a problem type and at least one phrase are needed")
    return f"问题类型：{type_name}。情况：{'；'.join(chosen)}。"


def all_texts() -> list[str]:
    """Every preset string the screens show (for the translation check)."""
    out: list[str] = []
    for c in CATEGORIES:
        out.append(c.name)
        for t in c.types:
            out.append(t.name)
            out.extend(t.phrases)
    out.extend(COMMON_PHRASES)
    out.extend(EVALUATION_REASONS)
    return list(dict.fromkeys(out))
