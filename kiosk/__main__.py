"""`python -m kiosk`: the whole program, as the `kiosk` command. The entry point sits above the core
(screens.launch builds the UI over it); this module is only its documented short name."""

import sys

from screens.launch import main

sys.exit(main())
