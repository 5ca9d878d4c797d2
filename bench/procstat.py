"""CPU time and memory of server processes, read from Linux ``/proc``.

psutil is not in the venv, so this reads ``/proc/<pid>/stat`` and
``/proc/<pid>/status`` directly (Linux only).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def children(pid: int) -> List[int]:
    """Returns the process ids of all descendants of ``pid`` (all threads' children)."""
    found: List[int] = []
    pending = [pid]
    while pending:
        current = pending.pop()
        task_dir = Path(f"/proc/{current}/task")
        if not task_dir.is_dir():
            continue
        for task in task_dir.iterdir():
            try:
                listed = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, listed):
                if child not in found:
                    found.append(child)
                    pending.append(child)
    return found


def cpu_seconds(pid: int) -> float:
    """Returns user + system CPU seconds of ``pid`` and its waited-for children.

    Args:
        pid: A running process.

    Returns:
        utime + stime + cutime + cstime in seconds; 0.0 if the process is gone.
    """
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = raw.rsplit(")", 1)[1].split()
    # Fields after the command name start at field 3 (state); utime is field 14.
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return (utime + stime + cutime + cstime) / CLOCK_TICKS


def tree_cpu_seconds(pid: int) -> float:
    """Returns the CPU seconds of ``pid`` and all its living descendants."""
    return cpu_seconds(pid) + sum(cpu_seconds(child) for child in children(pid))


def memory_kib(pid: int) -> Dict[str, int]:
    """Returns ``rss_kib`` (VmRSS) and ``peak_rss_kib`` (VmHWM) of one process.

    Args:
        pid: A running process.

    Returns:
        Both values in KiB; an empty dictionary if the process is gone.
    """
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    wanted = {"VmRSS:": "rss_kib", "VmHWM:": "peak_rss_kib"}
    return {wanted[line.split()[0]]: int(line.split()[1]) for line in lines
            if line.split() and line.split()[0] in wanted}


def load_average() -> List[float]:
    """Returns the 1, 5 and 15 minute load averages of the machine."""
    return list(os.getloadavg())
