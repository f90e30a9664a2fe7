"""A pipe that wakes a simulator's serving thread out of select(): stop, unplug, replug, a stall and
calls into the thread write a byte to it, so the thread can sleep in select() as long as it likes."""

from __future__ import annotations

import os


class WakePipe:
    def __init__(self) -> None:
        self.fd = -1                 # the end select() watches; -1 while closed
        self._w = -1

    def open(self) -> None:
        self.fd, self._w = os.pipe()

    def wake(self) -> None:
        if self._w >= 0:
            try:
                os.write(self._w, b"x")
            except OSError:          # closed meanwhile, or full: the thread is awake either way
                pass

    def drain(self) -> None:
        try:
            os.read(self.fd, 512)
        except OSError:
            pass

    def close(self) -> None:
        for fd in (self.fd, self._w):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.fd = self._w = -1
