"""Words for people for every error that reaches them, from one catalog keyed by stable codes.

Errors carry a `code` ("api.unavailable", "printer.paper_out") and a `detail` for the log; drivers
and the API client never word anything for citizens. This module is the one place where a code becomes
words (a `Msg`, rendered by the UI in the current language), so English mode words a printer fault as
well as Chinese mode does, and a new error needs one line here and one in assets/i18n/en/errors.po.
"""

from __future__ import annotations

import logging

from kiosk.i18n import N_, Msg

log = logging.getLogger(__name__)

UNEXPECTED = "unexpected"

WORDS: dict[str, str] = {
    # the central API (kiosk/api/errors.py)
    "api.error": N_("服务暂时不可用，请稍后再试"),
    "api.not_found": N_("未查询到相关信息，请核对后重试"),
    "api.unauthorized": N_("本机未获授权访问服务，请联系工作人员"),
    "api.unavailable": N_("网络异常，服务暂时不可用，请稍后再试"),
    "api.bad_response": N_("服务返回了无法识别的结果，请稍后再试或联系工作人员"),
    "api.rejected": N_("提交的信息有误，请核对后重试"),
    "api.no_reference_data": N_("暂时无法获取信息，请稍后再试或咨询工作人员"),
    # the receipt printer (drivers/printer/errors.py)
    "printer.fault": N_("打印机故障，请联系工作人员"),
    "printer.not_connected": N_("打印机未连接，请联系工作人员"),
    "printer.write_timeout": N_("打印机无响应，请稍后再试"),
    "printer.offline": N_("打印机暂不可用，请联系工作人员"),
    "printer.no_answer": N_("打印机无响应，请联系工作人员"),
    "printer.paper_out": N_("打印纸已用完，请联系工作人员换纸"),
    "printer.cover_open": N_("打印机盖未关好，请联系工作人员"),
    # the ID-card reader (drivers/idcard/errors.py)
    "reader.fault": N_("读卡器故障，请联系工作人员"),
    "reader.not_connected": N_("读卡器未连接，请联系工作人员"),
    "reader.timeout": N_("读卡器无响应，请稍后再试"),
    "reader.protocol": N_("读卡器通信异常，请重新放置身份证"),
    "reader.sam_fault": N_("读卡器安全模块异常，请联系工作人员"),
    "reader.card_unreadable": N_("身份证读取失败，请重新放置身份证"),
    # the A4 printer through CUPS (drivers/a4)
    "a4.error": N_("A4 打印机故障，请联系工作人员"),
    "a4.unavailable": N_("A4 打印机暂不可用，请联系工作人员"),
    "a4.bad_reply": N_("A4 打印机状态无法识别，请联系工作人员"),
    "a4.not_ready": N_("A4 打印机暂时无法打印（缺纸、卡纸或已暂停），请联系工作人员"),
    "a4.job_failed": N_("打印没有完成，未打印的页可由工作人员重新打印"),
    # text typed by a citizen or a helper (kiosk/free_text.py)
    "text.too_long": N_("内容过长：最多 {max} 个字，现在 {n} 个字"),
    "text.unprintable": N_("含有无法打印的字符：{chars}，请换一种写法"),
    # a licence's pages (kiosk/licence_pages.py)
    "licence.pages": N_("证照文件有问题，请到综合窗口打印"),
    UNEXPECTED: N_("出现了问题，请稍后再试，或呼叫帮办。"),
}


def error_code(error: BaseException) -> str:
    """The error's stable code; UNEXPECTED for anything that is not one of our named errors."""
    code = getattr(error, "code", None)
    return code if isinstance(code, str) and code in WORDS else UNEXPECTED


def error_words(error: BaseException) -> Msg:
    """What to tell people about error, in no language yet. Values for the placeholders come from the
    error's `values` (e.g. which characters cannot be printed)."""
    code = error_code(error)
    if code == UNEXPECTED:
        log.warning("no words for %s: %s", type(error).__name__, getattr(error, "detail", error))
    values = getattr(error, "values", None) or {}
    return Msg(WORDS[code], **values)
