"""python-escpos is loaded without the printer classes we never use (CupsPrinter pulls in pycups and
libcups) and with its database's pickle kept in a per-user cache instead of a new temporary folder per
start. Each check runs in a fresh interpreter: this one has long since imported escpos through the
other printer tests."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code: str, cache: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESCPOS_")}
    env.update(XDG_CACHE_HOME=str(cache), KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


RECEIPT = (
    "import sys\n"
    "from drivers.printer import ReceiptPrinter\n"
    "from kiosk.receipts import Receipt, render_escpos\n"
    "assert ReceiptPrinter('loop://').native_qr is True\n"
    "data = render_escpos(Receipt().qr('https://example.invalid/q').cut())\n"
    "assert b'\\x1d(k' in data\n"
    "print('cups' in sys.modules, 'escpos.printer.cups' in sys.modules, 'escpos.printer.usb' in sys.modules)\n"
)


def test_a_receipt_needs_no_printer_class_of_escpos(tmp_path):
    assert run(RECEIPT, tmp_path).split() == ["False", "False", "False"]


def test_escpos_printer_imported_later_shares_our_dummy(tmp_path):
    out = run("from drivers.printer.escpos_lib import QuietDummy\n"
              "import escpos.printer\n"
              "print(issubclass(QuietDummy, escpos.printer.Dummy))\n", tmp_path)
    assert out.split() == ["True"]


def test_the_database_pickle_is_cached_for_the_next_start(tmp_path):
    run(RECEIPT, tmp_path)
    pickles = list(tmp_path.glob("kiosk/escpos-*/*.capabilities.pickle"))
    assert len(pickles) == 1 and pickles[0].stat().st_size > 1000
    assert not [p for p in pickles[0].parent.iterdir() if p.name.startswith(".")]  # no half-written file left
    mtime = pickles[0].stat().st_mtime_ns
    run(RECEIPT, tmp_path)
    assert pickles[0].stat().st_mtime_ns == mtime  # the second start read it, did not parse and write again


YAML_READ = ("from drivers.printer.escpos_lib import dummy\nimport sys\n"
             "print('yaml.loader' in sys.modules, bool(dummy()))\n"
             "import yaml\nprint(yaml.safe_load('a: 1'))\n")          # anyone else gets the real yaml


def test_yaml_is_read_only_when_the_database_must_be_parsed(tmp_path):
    """python-escpos parses its printer database with yaml on the first start and reads a pickle after."""
    assert run(YAML_READ, tmp_path).split() == ["True", "True", "{'a':", "1}"]     # first start: parsed
    assert run(YAML_READ, tmp_path).split() == ["False", "True", "{'a':", "1}"]    # then: the pickle, yaml unread


BARCODES = (
    "import sys\n"
    "from drivers.printer.escpos_lib import SOFTWARE_BARCODES, dummy\n"
    "from kiosk.receipts import Receipt, render_escpos\n"
    "data = render_escpos(Receipt().barcode('T01').cut())\n"
    "assert b'\\x1dkI' in data, data\n"                       # GS k, function B: the printer draws it
    "print('barcode' in sys.modules, 'barcode.writer' in sys.modules, 'xml.dom.minidom' in sys.modules)\n"
    "d = dummy()\n"
    "d.quiet(d.barcode, '4006381333931', 'EAN13', force_software=True)\n"   # a picture: python-barcode now
    "print(len(d.output) > 1000, 'barcode.writer' in sys.modules)\n"
    "import barcode\n"
    "print(barcode.PROVIDED_BARCODES == list(SOFTWARE_BARCODES), barcode.get_barcode_class('ean13').__name__)\n"
)


def test_python_barcode_is_read_only_for_a_barcode_drawn_as_a_picture(tmp_path):
    """The printer draws the receipts' barcodes: python-barcode (and the xml.dom its SVG writer imports)
    stays unread until a barcode is drawn as a picture, which then works; its list of names, which escpos
    reads at import, is the installed package's."""
    assert run(BARCODES, tmp_path).split() == ["False", "False", "False", "True", "True", "True", "EuropeanArticleNumber13"]
