"""Progress of an import run while it runs: objects per type, rate, time left; a bar on a terminal."""

import time

from django.utils.translation import gettext

BAR_WIDTH = 30
# Off a terminal (a log file, cron), a line at most this often.
LINE_INTERVAL = 10.0


class Progress:
    """Writes to `stream` (None: silent). On a terminal one line is redrawn; elsewhere lines are added."""

    def __init__(self, stream=None, *, clock=time.monotonic):
        self.stream = stream
        self.clock = clock
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self.kind, self.total, self.done, self.started, self.last = "", 0, 0, 0.0, 0.0

    def begin(self, kind: str, total: int) -> None:
        self.kind, self.total, self.done = kind, total, 0
        self.started = self.last = self.clock()

    def advance(self, count: int) -> None:
        self.done += count
        now = self.clock()
        if self.stream is None or (not self.tty and (now - self.last < LINE_INTERVAL or self.done >= self.total)):
            return  # off a terminal, the last line is written by end()
        self.last = now
        self._write(self.line(now))

    def end(self) -> None:
        if self.stream is not None and self.total:
            self._write(self.line(self.clock()), final=True)

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        filled = int(BAR_WIDTH * self.done / self.total) if self.total else BAR_WIDTH
        bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] " if self.tty else ""
        return gettext("%(bar)s%(kind)s %(done)d/%(total)d, %(rate).0f/s, %(left)s left") % {
            "bar": bar,
            "kind": self.kind,
            "done": self.done,
            "total": self.total,
            "rate": rate,
            "left": f"{int(left) // 60}:{int(left) % 60:02d}",
        }

    def _write(self, text: str, *, final: bool = False) -> None:
        if self.tty:
            self.stream.write("\r" + text + ("\n" if final else ""))
            self.stream.flush()
        else:
            self.stream.write(text + "\n")
