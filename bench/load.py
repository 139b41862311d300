"""How busy the machine was during a section, so a figure taken on a busy machine says so."""

from __future__ import annotations

import contextlib
import os
import time

try:
    import psutil
except ImportError:  # only for the load note; the figures do not need it
    psutil = None


class LoadMonitor:
    """How busy the machine was during a section, and how much of that was not this
    benchmark (another test run, say), so a figure taken on a busy machine says so.

    "bench" is the CPU time of this benchmark's process tree (itself, its children, the
    PostgreSQL server and its backends, reaped children included); "other" is the rest of
    the machine's busy time."""

    def __init__(self, roots: list[int]) -> None:
        self.roots = roots
        self._t0 = 0.0
        self._ours0 = 0.0
        self._busy0 = 0.0
        self._steal0 = 0.0

    @staticmethod
    def _machine() -> tuple[float, float]:
        t = psutil.cpu_times()
        idle = t.idle + getattr(t, "iowait", 0.0)
        steal = getattr(t, "steal", 0.0)
        return sum(t) - idle - steal, steal

    def _ours(self) -> float:
        total, seen = 0.0, set()
        for root in self.roots:
            with contextlib.suppress(psutil.Error):
                top = psutil.Process(root)
                for proc in [top, *top.children(recursive=True)]:
                    if proc.pid in seen:
                        continue
                    seen.add(proc.pid)
                    with contextlib.suppress(psutil.Error):
                        t = proc.cpu_times()
                        total += t.user + t.system + t.children_user + t.children_system
        return total

    def start(self) -> None:
        self._t0 = time.perf_counter()
        if psutil is not None:
            self._ours0 = self._ours()
            self._busy0, self._steal0 = self._machine()

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self._t0
        if psutil is None:
            return {"wall_s": round(wall, 1)}
        ours = self._ours() - self._ours0
        busy, steal = self._machine()
        busy, steal = busy - self._busy0, steal - self._steal0
        capacity = wall * (os.cpu_count() or 1)
        return {
            "wall_s": round(wall, 1),
            "busy_share": round(busy / capacity, 3),
            "bench_cpu_share": round(ours / capacity, 3),
            "other_cpu_share": round(max(0.0, busy - ours) / capacity, 3),
            "steal_share": round(steal / capacity, 3),
        }


def print_load(load: dict[str, float]) -> None:
    if "other_cpu_share" not in load:
        return
    note = "  ← other processes were busy: figures are low" if load["other_cpu_share"] > 0.1 else ""
    print(
        f"  machine during this section: busy {load['busy_share']:.0%} of {os.cpu_count()} cores"
        f" (bench {load['bench_cpu_share']:.0%}, other processes {load['other_cpu_share']:.0%}),"
        f" steal {load['steal_share']:.0%}" + note
    )
