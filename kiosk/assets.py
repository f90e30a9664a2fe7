"""Where the shipped assets are, in a source checkout and inside the PyInstaller bundle alike."""

from pathlib import Path

ASSETS = Path(__file__).resolve().parents[1] / "assets"
FONT_PATH = ASSETS / "fonts" / "NotoSansSC-Kiosk.otf"
DATA = ASSETS / "data"
