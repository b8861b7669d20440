"""Tracking page benchmark: requests/s and latency of ``GET /lacak/<code>``.

    .venv/bin/python benchmarks/bench_serve.py [--client wrk|python] [--seconds 10]
        [--requests 20000] [--connections 8] [--store memory|state]

A child process serves the app exactly as ``serve`` does (``web.create_app`` +
``web.commands.make_server``: waitress, 8 threads, one process) on 127.0.0.1 at
a free port; the load comes from this process over loopback only, bounded both
in requests and in seconds. ``--client wrk`` uses Debian's ``wrk`` (with a Lua
hook for p95), ``--client python`` a thread pool of keep-alive ``http.client``
connections (slower: the client shares nothing with the server but competes for
CPU). The per-address lookup limit is lifted in the child so that one client
address can load it; the second scenario measures the 429 answer under the
default limit. ``--store state`` reads a ``jobs.state`` SQLite snapshot through
``web.sqlite_store`` (the production path); ``memory`` isolates the web layer."""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
PHONE = "6281234567890"
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("SITRAS %d %d %.3f %.3f %.3f %.3f %d\\n",
    summary.requests, summary.duration, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# --- the child: serves until killed ---


def memory_ports(code: str):
    from web.memory import MemorySink, MemoryStore
    from web.ports import TrackStep, TrackView

    store = MemoryStore()
    store.add(
        TrackView(
            code=code,
            status="Didisposisi",
            received_at="2025-12-04 08:05",
            steps=(
                TrackStep("2025-12-04 09:12", "UMUM", "Bagian Umum", "Kepala Bagian Umum"),
                TrackStep("2025-12-04 13:40", "ASPEM", "Asisten Pemerintahan"),
            ),
            disposition="Asisten Pemerintahan: untuk ditindaklanjuti",
            sender_name="Siti Aminah",
            subject="Permohonan izin keramaian",
            phone_last4=PHONE[-4:],
        ),
        PHONE,
    )
    return store, MemorySink()


def state_ports(settings, code: str):
    """A state file with the letter and 200 others (two desks each), read through
    ``web.sqlite_store`` as ``serve`` does."""
    from jobs.diff import Changes, LetterState, Step
    from jobs.state import StateStore
    from sitras_sheets import tracking_code
    from sitras_sheets.models import Desk
    from web.sqlite_store import build

    codes = [code] + [tracking_code.generate() for _ in range(200)]
    letters, steps = {}, []
    for number, each in enumerate(codes):
        letters[each] = LetterState(
            code=each,
            subject="Permohonan izin keramaian",
            sender="Siti Aminah",
            whatsapp="0812-3456-7890",
            received_at="2025-12-04 08:05",
            status="Didisposisi",
            disposition="Asisten Pemerintahan: untuk ditindaklanjuti",
        )
        steps.append(
            Step(each, "pindah", "2025-12-04 09:12", "", "UMUM", "Bagian Umum", f"a{number}")
        )
        steps.append(
            Step(
                each,
                "pindah",
                "2025-12-04 13:40",
                "",
                "ASPEM",
                "Asisten Pemerintahan",
                "",
                f"b{number}",
            )
        )
    desks = {"UMUM": Desk("UMUM", "Bagian Umum"), "ASPEM": Desk("ASPEM", "Asisten Pemerintahan")}
    state = StateStore(settings.state.path)
    state.apply(
        Changes(baseline=True, letters=letters, steps=steps, desks=desks), now=1.0, stamp="-"
    )
    state.close()
    return build(settings)


def child(port: int, code: str, store_kind: str, folder: str, limited: bool) -> None:
    from config.settings import build_settings
    from web.app import create_app
    from web.commands import make_server
    from web.security import Limit, WebLimits

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is N"
    settings = build_settings({"state": {"path": str(Path(folder) / "state.sqlite3")}}, {}, "b")
    if store_kind == "state":
        store, sink = state_ports(settings, code)
    else:
        store, sink = memory_ports(code)
    limits = WebLimits() if limited else WebLimits(lookups_per_ip=Limit(10**12, 60))
    app = create_app(settings, store, sink, secret_key=os.urandom(32), limits=limits)
    server = make_server(app, HOST, port)
    print("ready", flush=True)
    server.run()


# --- the load ---


def wait_ready(process: subprocess.Popen, port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    line = process.stdout.readline()
    if line.strip() != "ready":
        raise SystemExit(f"server did not start: {line!r}")
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("server did not accept connections")


def python_load(path: str, port: int, requests: int, seconds: float, connections: int):
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    per_worker = requests // connections

    def worker() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        mine: list[float] = []
        seen: dict[int, int] = {}
        for _ in range(per_worker):
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            seen[response.status] = seen.get(response.status, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    started = time.perf_counter()
    with ThreadPoolExecutor(connections) as pool:
        for future in [pool.submit(worker) for _ in range(connections)]:
            future.result()
    elapsed = time.perf_counter() - started
    ms = sorted(value * 1000 for value in latencies)
    cuts = statistics.quantiles(ms, n=100)
    return {
        "requests": len(ms),
        "rps": len(ms) / elapsed,
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "max": ms[-1],
        "statuses": statuses,
    }


def wrk_load(path: str, port: int, seconds: float, connections: int):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        result = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{max(1, int(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://{HOST}:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 30,
        )
    finally:
        os.unlink(script.name)
    line = next(x for x in result.stdout.splitlines() if x.startswith("SITRAS "))
    count, micros, p50, p95, p99, biggest, non_2xx = line.split()[1:]
    return {
        "requests": int(count),
        "rps": int(count) / (int(micros) / 1e6),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "max": float(biggest),
        "statuses": {"non-2xx/3xx": int(non_2xx)},
    }


def scenario(args, code: str, folder: str, *, limited: bool) -> dict:
    port = free_port()
    command = [sys.executable, __file__, "--child", str(port), code, args.store, folder]
    command += ["--limited"] if limited else []
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        wait_ready(process, port)
        path = f"/lacak/{code}"
        if args.client == "wrk":
            return wrk_load(path, port, args.seconds, args.connections)
        return python_load(path, port, args.requests, args.seconds, args.connections)
    finally:
        process.terminate()
        process.wait(timeout=10)


def report(name: str, result: dict) -> None:
    print(
        f"{name:<34} {result['requests']:>7} req  {result['rps']:>8.0f} req/s  "
        f"p50 {result['p50']:.2f} ms  p95 {result['p95']:.2f} ms  p99 {result['p99']:.2f} ms  "
        f"max {result['max']:.2f} ms  {result['statuses']}"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        port, code, store_kind, folder = sys.argv[2:6]
        child(int(port), code, store_kind, folder, "--limited" in sys.argv)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", choices=("wrk", "python"), default=None)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--requests", type=int, default=20_000, help="python client only")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--store", choices=("memory", "state"), default="memory")
    args = parser.parse_args()
    args.client = args.client or ("wrk" if shutil.which("wrk") else "python")

    from sitras_sheets import tracking_code

    code = tracking_code.generate()
    print(
        f"client {args.client}, {args.connections} connections, <= {args.seconds:.0f} s"
        f"{'' if args.client == 'wrk' else f', <= {args.requests} requests'}, "
        f"store {args.store}, server: waitress 8 threads, 1 process, {HOST}; "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    with tempfile.TemporaryDirectory(prefix="sitras-bench-") as folder:
        report("GET /lacak/<code> (200)", scenario(args, code, folder, limited=False))
        report("GET /lacak/<code> past limit (429)", scenario(args, code, folder, limited=True))


if __name__ == "__main__":
    main()
