"""Kivy screens, one module + one .kv each. SCREENS maps a screen name to "module:Class"; screens are
imported and built on first visit, then kept."""

SCREENS: dict[str, str] = {
    "home": "screens.home:HomeScreen",
}
