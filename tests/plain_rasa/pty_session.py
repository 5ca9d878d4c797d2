"""A program in a pseudo-terminal, for `rasa shell` (its prompts need a terminal)."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import time
from pathlib import Path
from typing import Mapping, Sequence

# Colours, cursor moves and other terminal escapes that rasa shell's prompts write.
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
UP = "\x1b[A"
ENTER = "\r"


class PtySession:
    """Starts ``argv`` with a pseudo-terminal as its input and output.

    Args:
        argv: The command line.
        cwd: Working directory.
        env: Environment.
        log: File that gets everything the program writes.
    """

    def __init__(self, argv: Sequence[str], cwd: Path, env: Mapping[str, str], log: Path) -> None:
        self._master, slave = pty.openpty()
        self.proc = subprocess.Popen(list(argv), cwd=cwd, env=dict(env), stdin=slave, stdout=slave,
                                     stderr=slave, start_new_session=True)
        os.close(slave)
        self._log = log
        self._raw = b""

    @property
    def text(self) -> str:
        """Everything written so far, without terminal escapes."""
        return ESCAPES.sub("", self._raw.decode("utf-8", errors="replace"))

    def _read(self, timeout_s: float) -> None:
        ready, _, _ = select.select([self._master], [], [], timeout_s)
        if ready:
            try:
                self._raw += os.read(self._master, 65536)
            except OSError:  # the program has ended
                time.sleep(timeout_s)
            self._log.write_bytes(self._raw)

    def expect(self, pattern: str, timeout_s: float, after: int = 0) -> int:
        """Waits until ``pattern`` (a regular expression) appears after position ``after``.

        Returns:
            The position after the match.

        Raises:
            TimeoutError: It did not appear in time (the text so far is in the log file).
        """
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = re.search(pattern, self.text[after:])
            if found:
                return after + found.end()
            if self.proc.poll() is not None:
                self._read(0.2)
                break
            self._read(0.5)
        found = re.search(pattern, self.text[after:])
        if found:
            return after + found.end()
        raise TimeoutError(f"{pattern!r} did not appear; see {self._log}")

    def send(self, keys: str) -> None:
        """Types ``keys``."""
        os.write(self._master, keys.encode("utf-8"))

    def stop(self) -> None:
        """Ends the program and its children."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
        os.close(self._master)
