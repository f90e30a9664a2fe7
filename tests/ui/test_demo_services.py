"""The running app against the simulators and the demo API: device state reaches the screen, a print
job is followed to the end, a card read lands in the session, and faults show as banners."""

import pytest
from kivyhelp import screenshot, tap, wait_until

from kiosk.receipts import templates


@pytest.fixture
def demo_app(shared_demo_app):
    """The cases of this module share one demo app, reset and checked clean before each
    (tests/ui/conftest.py: shared_demo_app)."""
    return shared_demo_app


def test_print_dialog_follows_a_job_to_the_printed_receipt(demo_app):
    sim = demo_app.services.demo.printer_sim
    demo_app.print_receipt(templates.test_page(terminal_id="T-1", version="0.1.0"), "test", "test page")
    wait_until(lambda: len(sim.jobs) == 1, 20, "the simulator to print")
    from kivy.core.window import Window

    from screens.dialogs.print_dialog import PrintDialog

    wait_until(lambda: any(isinstance(w, PrintDialog) and w.status == "printed" for w in Window.children),
               10, "dialog to say printed")
    dialog = next(w for w in Window.children if isinstance(w, PrintDialog))
    assert dialog.ids.message.text == "打印完成，请取走凭条。"
    wait_until(lambda: dialog.ids.preview.texture is not None, 10, "the receipt picture")
    assert dialog.preview.endswith(".png")
    screenshot("demo-print-dialog")
    tap(dialog.ids.close_button)
    assert dialog.parent is None


def test_card_on_the_reader_reaches_the_session(demo_app):
    demo_app.demo_toggle_card()
    wait_until(lambda: demo_app.session.identity is not None, 10, "card read")
    assert demo_app.session.id_number == "37010419900307751X"
    demo_app.end_session("test")
    assert demo_app.session.identity is None


def test_printer_fault_shows_a_banner_and_disables_printing(demo_app):
    sim = demo_app.services.demo.printer_sim
    sim.set_paper("out")
    wait_until(lambda: not demo_app.printer_ok, 10, "printer state")
    texts = [w.text for w in demo_app.root.ids.banners.children]
    assert any("打印机暂不可用" in t for t in texts)
    sim.set_paper("ok")
    wait_until(lambda: demo_app.printer_ok, 10, "printer back")
    assert not demo_app.root.ids.banners.children


def test_api_down_shows_a_banner(demo_app):
    import kiosk.services as services_module

    demo_app.services.demo.api_server.faults.error_rate = 1.0
    demo_app.services._check_api()
    wait_until(lambda: not demo_app.api_ok, 10, "api state")
    assert any("网络暂不可用" in w.text for w in demo_app.root.ids.banners.children)
    demo_app.services.demo.api_server.faults.reset()
    demo_app.services._check_api()
    wait_until(lambda: demo_app.api_ok, 10, "api back")
    assert services_module.HEALTH_INTERVAL > 0
