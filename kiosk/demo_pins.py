"""The demo PINs, documented in the README so that a newcomer can try helper mode and diagnostics.

Only demo mode uses them (`Config.demo()`, `mode = "demo"`, `kiosk --demo`); a terminal's config has
no PIN until `kiosk --set-pin` writes one. The hashes are computed once here, not at every start,
because scrypt is deliberately slow.
"""

DEMO_PINS = {"helper": "246810", "technician": "135790"}

DEMO_PIN_HASHES = {
    "helper": "scrypt$16384$8$1$quekvnKwghcrtRVZZoKbiQ==$dmHFmYNDsdVJzloAvegssmQdCX7ZZY5BTHfKZRMuKXc=",
    "technician": "scrypt$16384$8$1$v462cZ6oNuLcj6asILJRQA==$2O4yAniQi1vkaC1sfG3c/LmVmrjL7lGc7W039yAoN3M=",
}
