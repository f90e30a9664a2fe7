"""What the kiosk says: fixed prompts (synthesised ahead, so they start at once) and a few templates
with a ticket number or a count in them. General words only: never a name, an ID, a phone number or
an address (kiosk.voice.guard checks every text before it is spoken).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LANGS = ("zh_CN", "en")
_DIGITS_ZH = "零一二三四五六七八九"
_TICKET = re.compile(r"^[A-Z]{0,2}\d{1,4}$")


@dataclass(frozen=True)
class Prompt:
    id: str
    zh_CN: str
    en: str

    def text(self, lang: str = "zh_CN", **params: object) -> str:
        template = self.en if lang == "en" else self.zh_CN
        return template.format(**params) if params else template

    @property
    def fixed(self) -> bool:
        return "{" not in self.zh_CN


_ALL = (
    Prompt("welcome", "欢迎使用自助服务终端。请点击屏幕选择要办理的业务。",
           "Welcome. Touch the screen to choose a service."),
    Prompt("place_card", "请将身份证放在感应区。", "Please place your ID card on the reader."),
    Prompt("reading_card", "正在读卡，请不要移动身份证。", "Reading the card. Please keep it still."),
    Prompt("card_failed", "读卡失败，请重新放置身份证。", "The card could not be read. Please place it again."),
    Prompt("take_card", "请取回您的身份证。", "Please take your ID card back."),
    Prompt("printing", "正在打印，请稍候。", "Printing. Please wait."),
    Prompt("take_slip", "请取走凭条。", "Please take your slip."),
    Prompt("ticket_taken", "取号成功，请取走排队凭条，留意叫号。",
           "Your queue ticket is ready. Please take it and wait for your number."),
    Prompt("results_ready", "查询完成，请查看屏幕上的结果。", "Done. Please see the results on the screen."),
    Prompt("no_results", "没有查到您的办件。", "No applications were found for you."),
    Prompt("needs_materials", "您有一件办件需要补充材料，请查看屏幕。",
           "One of your applications needs more documents. Please see the screen."),
    Prompt("printer_unavailable", "打印机暂时不能使用，请联系工作人员。",
           "The printer is not available. Please ask a member of staff."),
    Prompt("ask_staff", "如需帮助，请联系工作人员。", "If you need help, please ask a member of staff."),
    Prompt("session_ending", "您有一段时间没有操作了，即将返回首页。如需继续，请点击屏幕。",
           "No activity for a while. Returning to the start screen; touch the screen to continue."),
    Prompt("session_ended", "本次服务已结束，谢谢使用。", "This session has ended. Thank you."),
    Prompt("voice_on", "语音播报已开启。", "Voice guidance is on."),
    Prompt("speaker_test", "扬声器测试。这是自助服务终端的语音播报。",
           "Speaker test. This is the voice of the self-service terminal."),
    # 证照打印
    Prompt("licences_ready", "查询完成，请在屏幕上选择要打印的证照。",
           "Done. Please choose the licence to print on the screen."),
    Prompt("no_licences", "没有查到可以在这里打印的证照。", "No licences to print here were found."),
    Prompt("licence_printer_down", "证照打印机暂时不能使用，请查看屏幕上的说明，或呼叫帮办。",
           "The licence printer is not available. Please see the screen, or call a helper."),
    Prompt("licence_printing", "正在打印证照，请稍候，不要离开。", "Printing your licence. Please wait here."),
    Prompt("licence_printed", "证照已打印，请取走证照和凭条。", "Your licence is printed. Please take it and the slip."),
    Prompt("licence_print_failed", "证照没有打印成功，请不要离开，呼叫帮办。",
           "The licence was not printed. Please stay and call a helper."),
    # Templates: spoken when the event happens, synthesised then (off the UI thread).
    Prompt("ticket_number", "您的号码是{number}号，前面还有{ahead}人等候。",
           "Your number is {number}. {ahead} people are ahead of you."),
    Prompt("cases_need_materials", "您有{count}件办件需要补充材料，请查看屏幕。",
           "{count} of your applications need more documents. Please see the screen."),
)

PROMPTS: dict[str, Prompt] = {p.id: p for p in _ALL}
FIXED: tuple[Prompt, ...] = tuple(p for p in _ALL if p.fixed)


def ticket_words(number: str, lang: str = "zh_CN") -> str:
    """A ticket number as it is called out: digit by digit ("A023" → "A零二三"), not "A二十三"."""
    number = number.strip().upper()
    if not _TICKET.match(number):
        raise ValueError(f"not a ticket number: {number!r}")
    if lang == "en":
        return " ".join(number)
    return "".join(_DIGITS_ZH[int(c)] if c.isdigit() else c for c in number)


def count_words(n: int, lang: str = "zh_CN") -> str:
    """A count before a measure word: 2 is 两 ("两件", "两人"), not 二; others as digits, which the
    engine reads as numbers (12 → 十二)."""
    return "两" if n == 2 and lang != "en" else str(n)


def render(prompt_id: str, lang: str = "zh_CN", **params: object) -> str:
    """The text of a prompt; templates get their parameters checked (KeyError for an unknown id)."""
    prompt = PROMPTS[prompt_id]
    if prompt_id == "ticket_number":
        ahead = int(params["ahead"])  # type: ignore[call-overload]
        if ahead < 0:
            raise ValueError(f"people ahead must not be negative: {ahead}")
        params = {"number": ticket_words(str(params["number"]), lang), "ahead": count_words(ahead, lang)}
    elif prompt_id == "cases_need_materials":
        count = int(params["count"])  # type: ignore[call-overload]
        if count < 1:
            raise ValueError(f"count must be at least 1: {count}")
        params = {"count": count_words(count, lang)}
    elif params:
        raise ValueError(f"prompt {prompt_id!r} takes no parameters")
    elif not prompt.fixed:
        raise ValueError(f"prompt {prompt_id!r} needs parameters")
    return prompt.text(lang, **params)
