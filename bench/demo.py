"""Section 5: the full demo county loaded through the public APIs into a clean embedded run
(seconds, per step), and the embedded run's Python process memory (RSS) after the load.

The embedded platform (``xuncha run --dev``) runs as a child process on a free loopback
port with a fresh data directory (its own PostgreSQL); this process is the demo's client,
signing with the run's dev key, exactly as ``xuncha demo`` does."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import JURISDICTION, Config, Report, free_port, log

DEMO_TARGET_S = 90.0
RSS_TARGET_MB = 300.0


def process_memory_mb(pid: int) -> dict[str, float]:
    """The process's resident set now (VmRSS) and its peak (VmHWM), in MB."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": fields.get("VmRSS", 0.0), "peak_rss_mb": fields.get("VmHWM", 0.0)}


async def wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 180) -> float:
    """Seconds until the embedded run answers /readyz (database started and migrated)."""
    began = time.monotonic()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        while time.monotonic() - began < timeout:
            if proc.poll() is not None:
                raise RuntimeError(f"the embedded run exited with {proc.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get("/readyz")).status_code == 200:
                    return time.monotonic() - began
            await asyncio.sleep(0.3)
    raise RuntimeError("the embedded run did not become ready")


async def bench_demo(tmp: Path, cfg: Config, report: Report) -> None:
    from xuncha.demo import load_demo
    from xuncha.demo.runner import dev_token_for
    from xuncha.embedded import EmbeddedPaths, dev_auth

    print("\n5. Demo county: full load into a clean embedded run, and its memory")
    data_dir = tmp / "embedded"
    port = free_port()
    auth = dev_auth(EmbeddedPaths(data_dir))  # the key the run will read, made first
    # The dashboard is not built for a benchmark: a missing directory serves none.
    command = [sys.executable, "-m", "xuncha.cli", "run", "--dev", "--port", str(port)]
    command += ["--data-dir", str(data_dir), "--dashboard", str(tmp / "no-dashboard")]
    # The run's log goes to a file (a pipe nobody reads would stall it once full).
    log_file = tmp / "embedded.log"
    with log_file.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)  # noqa: ASYNC220 (starts a child, returns at once)
    try:
        ready_s = await wait_ready(port, proc)
        log(f"embedded run ready in {ready_s:.1f} s (pid {proc.pid}); loading the demo")
        before = process_memory_mb(proc.pid)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            result = await load_demo(
                client,
                token_for=dev_token_for(auth, JURISDICTION),
                on_step=lambda t: log(f"{t.name}: {t.seconds:.1f} s, {t.requests} requests"),
            )
            after = process_memory_mb(proc.pid)
            again = await load_demo(client, token_for=dev_token_for(auth, JURISDICTION))
    finally:
        proc.terminate()
        try:
            await asyncio.to_thread(proc.wait, timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            await asyncio.to_thread(proc.wait)
        if proc.returncode not in (0, -15):
            sys.stderr.write(log_file.read_text(errors="replace")[-4000:])
    steps: list[dict[str, Any]] = [
        {"step": t.name, "seconds": round(t.seconds, 2), "requests": t.requests}
        for t in result.timings
    ]
    report.demo = {
        "seconds": round(result.seconds, 1),
        "requests": result.requests,
        "steps_ran": len(result.ran),
        "second_run_s": round(again.seconds, 1),
        "second_run_ran": len(again.ran),
        "ready_s": round(ready_s, 1),
        "rss_before_load_mb": before["rss_mb"],
        **after,
        "steps": steps,
    }
    print(f"  {'step':44s} {'seconds':>8s} {'requests':>9s}")
    for s in sorted(steps, key=lambda s: -s["seconds"]):
        print(f"  {s['step']:44s} {s['seconds']:8.2f} {s['requests']:9d}")
    print(
        f"  demo load {result.seconds:.1f} s, {result.requests} requests, {len(result.ran)} steps"
        f" (target ≤ {DEMO_TARGET_S:.0f} s); second run {again.seconds:.1f} s ran"
        f" {len(again.ran)} steps"
    )
    print(
        f"  embedded Python process RSS: {before['rss_mb']} MB ready, {after['rss_mb']} MB after"
        f" the load, peak {after['peak_rss_mb']} MB (target ≤ {RSS_TARGET_MB:.0f} MB)"
    )
