"""python-escpos 3.1, imported without its side effects and without what we do not use.

3.1 calls logging.basicConfig() at import (adds a stderr handler to the root logger when it has none)
and print()s to stdout from barcode()/image(). We keep both away from the kiosk's logs and stdout.
We use it only to build bytes (Dummy), never to talk to the port.

What importing it the plain way cost an idle terminal (measured, RSS): `escpos.printer` imports every
printer class, and its CupsPrinter imports pycups, which loads libcups with GnuTLS (+4.3 MB); and
escpos.capabilities re-parses its YAML printer database on every start because its pickle goes to a
new mkdtemp() folder each time (~0.4 s, a folder left in /tmp per start, +3 MB of parser leftovers
the allocator keeps). So Dummy is loaded from its own file, and the pickle lives in a per-user cache
(see _pickle_dir). The database itself is 0.34 MB of objects: trimming it to one profile frees
nothing measurable, so it is left whole. python-barcode, which escpos imports for barcodes drawn as
pictures (ours are drawn by the printer), is read at the first such barcode (~1.5 MB with xml.dom).

The import stays at start-up, on the services thread that opens the printer (kiosk.services): loading
it at the first receipt would only move the same cost into a citizen's print, possibly on the UI thread.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import logging
import os
import platform
import shutil
import sys
import tempfile
import types
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import escpos  # the package itself is light: its version only

if TYPE_CHECKING:  # never run; PyInstaller's analysis reads it, so the bundle carries the module
    import escpos.printer.dummy  # noqa: F401  (loaded by _load_dummy_module)

DEFAULT_PROFILE = "TM-T20II"  # generic 80 mm / 203 dpi / 576 dots; has qrCode, paperFullCut, barcodeB

log = logging.getLogger(__name__)


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    # Versioned: pip keeps the wheel's file times, so an upgraded capabilities.json can look older
    # than a pickle of the previous version's database.
    return base / "kiosk" / f"escpos-{escpos.__version__}"


def _capabilities_file() -> Path:
    env = os.environ.get("ESCPOS_CAPABILITIES_FILE")
    return Path(env) if env else Path(str(resources.files("escpos") / "capabilities.json"))


@contextlib.contextmanager
def _pickle_dir():
    """Point python-escpos at a pickle of its database that is complete and current, or at a private
    folder whose fresh pickle is then moved into the cache in one step. escpos writes the pickle in
    place ('wb', then ~0.4 s of parsing), so a second process reading a shared folder meanwhile would
    load half a file: only whole files ever appear in the shared one."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:  # the operator's choice
        yield
        return
    name = f"{platform.python_version()}.capabilities.pickle"  # as escpos.capabilities names it
    cached = _cache_dir() / name
    try:
        if cached.stat().st_mtime >= _capabilities_file().stat().st_mtime:
            os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cached.parent)
            try:
                yield
            finally:
                del os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"]
            return
    except OSError:
        pass  # no pickle yet (or no capabilities file to compare: escpos will say so)
    private = tempfile.mkdtemp(prefix="kiosk-escpos-")
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = private
    try:
        yield
        fresh = Path(private) / name
        if fresh.exists():
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                tmp = cached.with_name(f".{name}.{os.getpid()}")
                shutil.copyfile(fresh, tmp)
                os.replace(tmp, cached)
            except OSError as e:  # a read-only home: it still works, just parses again next start
                log.info("python-escpos pickle not cached in %s: %s", cached.parent, e)
    finally:
        del os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"]
        shutil.rmtree(private, ignore_errors=True)


def _load_dummy_module():
    """escpos.printer.dummy without escpos/printer/__init__.py, which imports every printer class (and
    through CupsPrinter, pycups). If something imports escpos.printer later, its `from .dummy import
    Dummy` finds this module in sys.modules: one Dummy class either way."""
    name = "escpos.printer.dummy"
    if name in sys.modules:
        return sys.modules[name]
    package = importlib.util.find_spec("escpos.printer")       # found, not run
    assert package is not None and package.submodule_search_locations is not None
    # Asked of the import system's own finders with the package's path, as `import` itself does: a file
    # path would not exist in the PyInstaller bundle, whose modules live in its archive.
    spec = None
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        spec = find(name, package.submodule_search_locations) if find is not None else None
        if spec is not None:
            break
    if spec is None or spec.loader is None:
        raise ImportError(f"python-escpos: {name} not found", name=name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


_root = logging.getLogger()
_guard = logging.NullHandler()
_added = not _root.handlers
if _added:
    _root.addHandler(_guard)  # basicConfig() is a no-op when the root logger has a handler
class _OnFirstUse(types.ModuleType):
    """A module escpos imports but this kiosk rarely uses, standing in for the real one, which is imported
    at the first attribute asked for (what it was given answers without it). Before that import every
    stand-in of the same package leaves sys.modules, so that the real package and its submodules load.
    (importlib's LazyLoader cannot do this: `import yaml` itself touches the module's __spec__, which
    loads it.)

    - yaml: escpos.capabilities parses its printer database with it only when no current pickle of the
      database exists (the first start); on every other start yaml (~1 MB) is never read.
    - barcode and barcode.writer: escpos has python-barcode draw barcodes as pictures (its "software"
      barcodes), which the kiosk never asks it for, its receipts' barcodes being drawn by the printer
      itself (function B); and importing it imports its SVG writer and with it xml.dom.minidom: ~1.5 MB
      of objects an idle terminal kept for nothing (a receipt's picture on screen, drivers/printer/
      canvas.py, still reads it when one is drawn). escpos reads only the list of its names at import."""

    def __getattr__(self, name: str):
        if name.startswith("__"):      # the import system's questions (__path__: a package?) are not a use
            raise AttributeError(name)
        real = self.__dict__.get("_real")
        if real is None:
            package = self.__name__.partition(".")[0]
            for other, module in list(sys.modules.items()):
                if isinstance(module, _OnFirstUse) and other.partition(".")[0] == package:
                    del sys.modules[other]
            real = self.__dict__["_real"] = importlib.import_module(self.__name__)
        return getattr(real, name)


#: python-barcode's names of the barcodes it draws (barcode.PROVIDED_BARCODES of the version in
#: requirements.txt; a test compares them with the installed package's).
SOFTWARE_BARCODES = ("codabar", "code128", "code39", "ean", "ean13", "ean13-guard", "ean14", "ean8", "ean8-guard",
                     "gs1", "gs1_128", "gtin", "isbn", "isbn10", "isbn13", "issn", "itf", "jan", "nw-7", "pzn",
                     "upc", "upca")


def _image_writer(*args, **kwargs):
    """escpos.escpos's `ImageWriter` (from barcode.writer), made only when a software barcode is drawn."""
    from barcode.writer import ImageWriter

    return ImageWriter(*args, **kwargs)


_stand_ins: dict[str, types.ModuleType] = {}
if "yaml" not in sys.modules:
    _stand_ins["yaml"] = _OnFirstUse("yaml")
if "barcode" not in sys.modules:
    _stand_ins["barcode"] = _OnFirstUse("barcode")
    _stand_ins["barcode"].__dict__["PROVIDED_BARCODES"] = list(SOFTWARE_BARCODES)
    _stand_ins["barcode.writer"] = _OnFirstUse("barcode.writer")
    _stand_ins["barcode.writer"].__dict__["ImageWriter"] = _image_writer
sys.modules.update(_stand_ins)
try:
    with _pickle_dir():
        from escpos import capabilities as _capabilities
    _Dummy = _load_dummy_module().Dummy
finally:
    if _added:
        _root.removeHandler(_guard)
    for _name, _stand_in in _stand_ins.items():
        if sys.modules.get(_name) is _stand_in:
            del sys.modules[_name]      # whoever imports it from now on gets the real one


class QuietDummy(_Dummy):
    """Dummy whose chatter on stdout is swallowed."""

    def quiet(self, fn, *args, **kwargs):
        with contextlib.redirect_stdout(io.StringIO()):
            return fn(*args, **kwargs)


def dummy(profile: str | None = None) -> QuietDummy:
    return QuietDummy(profile=profile or DEFAULT_PROFILE)


@cache
def profile_features(profile: str | None) -> dict[str, bool]:
    """What matters to us from a python-escpos profile: native QR, hardware cut, hardware barcode."""
    p = _capabilities.get_profile(profile or DEFAULT_PROFILE)
    return {
        "native_qr": bool(p.supports("qrCode")),
        "full_cut": bool(p.supports("paperFullCut")),
        "part_cut": bool(p.supports("paperPartCut")),
        "barcode_b": bool(p.supports("barcodeB")),
    }
