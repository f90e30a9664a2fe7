"""The print dialog is built once and reused for every print: nothing of the last print (another
citizen's receipt picture, its status) may show when it opens for the next one."""

import pytest
from kivyhelp import print_dialog, wait_until

from kiosk.receipts import templates


@pytest.fixture
def demo_app(shared_demo_app):
    return shared_demo_app


def test_the_reused_print_dialog_opens_without_the_last_citizens_receipt(demo_app):
    from screens.dialogs.print_dialog import PrintDialog

    page = templates.test_page(terminal_id="T-1", version="0.1.0")
    demo_app.print_receipt(page, "test", "test page")
    wait_until(lambda: print_dialog() is not None and print_dialog().status == "printed", 20, "first print")
    first = print_dialog()
    wait_until(lambda: first.ids.preview.texture is not None, 10, "the receipt picture")
    assert first.preview.endswith(".png") and first.ids.preview.opacity == 1

    demo_app.end_session("test")                       # the citizen leaves with the dialog open
    wait_until(lambda: first.parent is None, 5, "the dialog to close")
    assert first.preview == "" and first.ids.preview.texture is None

    seen = []
    first.bind(on_pre_open=lambda d: seen.append((d.preview, d.ids.preview.texture, d.status,
                                                  d.ids.message.text)))
    demo_app.print_receipt(page, "test", "test page")  # the next citizen prints
    wait_until(lambda: print_dialog() is not None, 20, "second dialog")
    assert print_dialog() is first is PrintDialog.prepare(demo_app)    # the same dialog, reused
    assert seen == [("", None, "sending", "正在打印，请稍候…")]
    wait_until(lambda: first.status == "printed" and first.ids.preview.texture is not None, 20, "second print")
    first.close()
    wait_until(lambda: first.parent is None, 5, "closed")


def test_the_reused_dialog_gains_no_bindings_from_print_to_print(demo_app):
    from screens.dialogs.print_dialog import PrintDialog

    dialog = PrintDialog.prepare(demo_app)

    def bindings() -> tuple[int, int]:
        return (len(dialog.get_property_observers("center")), len(dialog.get_property_observers("size")))

    counts = []
    for _ in range(3):
        dialog.open(animation=False)
        dialog.dismiss(animation=False)
        counts.append(bindings())
    assert counts[0] == counts[-1], counts
