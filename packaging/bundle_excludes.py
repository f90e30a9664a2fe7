"""Modules kiosk.spec leaves out of every bundle although PyInstaller's analysis finds them: nothing of the
terminal imports them (checked against sys.modules after scripted sessions through every flow, demo and
terminal configuration, and against every import statement of kiosk/, drivers/, screens/ by
tests/deploy/test_deploy_bundle_terminal.py). Name -> why, with what each would have brought along.

Read by kiosk.spec and the deploy tests with runpy (a file, not a package: `packaging` is a PyPI name).
"""

NEVER_IMPORTED: dict[str, str] = {
    "PIL._avif": "AVIF codec with libavif (4.9 MB): no AVIF image is ever opened; its plugin catches the "
                 "ImportError and reports the format unsupported",
    "PIL._webp": "WebP codec with libwebp* (0.9 MB): likewise, WebPImagePlugin guards the import",
    "PIL._imagingcms": "colour profiles with liblcms2 (0.4 MB): only for LAB/ICC conversions",
    "PIL.ImageCms": "the Python side of the colour profiles",
    "PIL._imagingtk": "Tk bridge: no Tk here",
    "PIL.ImageTk": "Tk bridge: no Tk here",
    "PIL.ImageQt": "Qt bridge: no Qt here",
    "rich": "pydantic's debug pretty-printer of schemas, never called (0.7 MB with the next two)",
    "markdown_it": "rich's Markdown",
    "mdurl": "markdown_it's URLs",
    "pydoc": "help() texts",
    "pydoc_data": "help() texts",
    "readline": "interactive line editing with libreadline + libtinfo (0.5 MB): no console",
    "kivy.graphics.svg": "no Svg instruction in any screen (0.5 MB)",
    "kivy.graphics.tesselator": "no Tesselator instruction in any screen (0.3 MB)",
    "kivy.graphics.cgl_backend.cgl_debug": "the terminal draws through cgl_sdl2 (cgl_gl/cgl_glew are probed "
                                           "at start and stay)",
    "kivy.graphics.cgl_backend.cgl_mock": "likewise: a test backend",
    "pydantic.v1": "pydantic 1.x compatibility copy (270 kB archived): the models are v2 and nothing imports "
                   "pydantic.v1 (fastapi's v1 shim is demo-only and does not load it either)",
    "pydantic.mypy": "the mypy plugin: a type checker's, never the running program's",
    "pyexpat": "the XML parser (0.2 MB): nothing parses XML; python-barcode's SVG writer builds a DOM with "
               "xml.dom.minidom (kept) without parsing, and the receipts draw barcodes as images anyway",
    "_elementtree": "ElementTree's accelerator (75 kB): ElementTree is never imported (Pillow's getxmp only)",
    "xml.etree": "likewise",
    "xml.parsers": "expat's Python side: see pyexpat",
    "xml.sax": "SAX parsing: nothing parses XML",
    "xmlrpc": "XML-RPC: no such protocol here",
}
