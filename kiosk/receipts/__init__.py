"""Receipts: the Receipt model, its layout, the ESC/POS and PNG renderers, and the templates."""

from kiosk.receipts.escpos import render_escpos
from kiosk.receipts.layout import columns, layout, wrap
from kiosk.receipts.model import (
    QR,
    Barcode,
    Cut,
    KeyValue,
    Receipt,
    ReceiptError,
    Separator,
    Spacer,
    Text,
    Title,
)
from kiosk.receipts.preview import render_png, save_png
from kiosk.receipts.templates import (
    case_status_slip,
    feedback_receipt,
    materials_checklist,
    queue_ticket,
    test_page,
)

__all__ = [
    "Receipt", "ReceiptError", "Title", "Text", "KeyValue", "Separator", "QR", "Barcode", "Spacer", "Cut",
    "render_escpos", "render_png", "save_png", "layout", "wrap", "columns",
    "queue_ticket", "case_status_slip", "materials_checklist", "feedback_receipt", "test_page",
]
