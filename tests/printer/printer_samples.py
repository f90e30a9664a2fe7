"""Sample data for the printer tests and the golden files (synthetic people only)."""

from __future__ import annotations

from kiosk.receipts import case_status_slip, feedback_receipt, materials_checklist, queue_ticket, test_page
from kiosk.validators import id_check_char

_FIRST17 = "37010419800101123"
SYNTHETIC_ID = _FIRST17 + id_check_char(_FIRST17)
SYNTHETIC_NAME = "王喆堃"

QUEUE_URL = "https://example.gov.cn/q/A023"
CASE_URL = "https://example.gov.cn/c/SD2024050100012"


def samples():
    return {
        "queue_ticket": queue_ticket({
            "number": "A023", "service": "社会保障卡申领", "waiting": 3,
            "wait_area": "综合服务区", "window": "综合窗口", "delegable": True,
            "time": "2024-05-01 09:12", "url": QUEUE_URL,
        }),
        "case_status": case_status_slip({
            "case_number": "SD2024050100012", "service": "城乡居民基本养老保险参保登记", "status": "审核中",
            "applicant_name": SYNTHETIC_NAME, "applicant_id": SYNTHETIC_ID,
            "next_step": ["需要补充材料", "请带上：户口簿复印件 1份", "送到：综合服务区 综合窗口"],
            "timeline": [("2024-05-01 09:30", "受理"), ("2024-05-02 10:00", "审核中")],
            "url": CASE_URL, "time": "2024-05-03 08:00",
        }),
        "materials": materials_checklist({
            "name": "城乡居民基本养老保险参保登记",
            "material_lines": [
                "1. 居民身份证（原件，只需出示，不收取）",
                "2. 户口簿（原件出示，复印件1份）：首页及本人页",
                "3. 《参保登记表》（原件1份）",
                "4. 二寸免冠照片（原件3张）",
            ],
            "conditions": ["年满16周岁（不含在校学生）", "未参加职工基本养老保险"],
            "promised_days": 1, "legal_days": 20, "window": "3号综合窗口", "fee": "不收费",
            "phone": "0531-12345678", "url": "https://example.gov.cn/g/ylbx",
        }),
        "feedback": feedback_receipt({
            "tracking_number": "FK20240501007", "category": "营商环境", "time": "2024-05-01 10:20",
            "summary": "企业反映办理开办登记时，窗口要求重复提交营业执照复印件，希望通过数据共享减少材料。",
            "url": "https://example.gov.cn/f/FK20240501007",
        }),
        "test_page": test_page("KIOSK-07", "0.1.0", "2024-05-01 09:00"),
    }
