"""Load test of the web demo: 20 concurrent gradio_client clients on loopback, 100 queries.

The server is a separate ``rjua demo`` process (as in real use); the clients run here.
Reports p50 / p95 end-to-end latency and errors, against the direct library call
(``DemoService.answer``) measured in the same run. Target: no errors, p95 <= 2 s
with the case backend.

Run: python scripts/bench_demo.py [--clients 20] [--queries 100] [--data-dir DIR]
"""
import argparse
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--data-dir", default=None)
    args = ap.parse_args()

    from gradio_client import Client

    from rjua.service import DemoService

    svc = DemoService.from_data(args.data_dir)
    qs = [svc.examples(1000)[i % len(svc.examples(1000))] for i in range(args.queries)]
    t_direct = []
    for q in qs[:30]:
        t = time.perf_counter()
        svc.answer(q)
        t_direct.append(time.perf_counter() - t)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # the server runs in its own process, as `rjua demo` does; clients run here
    cmd = [sys.executable, "-m", "rjua.cli", "demo", "--port", str(port)]
    if args.data_dir:
        cmd += ["--data-dir", args.data_dir]
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                sys.exit("demo server did not start")
            time.sleep(0.5)
    clients = [Client(url, verbose=False) for _ in range(args.clients)]

    def one(i):
        t = time.perf_counter()
        try:
            r = clients[i % len(clients)].predict(qs[i], api_name="/answer")
            ok = bool(r.get("diseases")) and bool(r.get("evidence"))
        except Exception as e:  # counted, not raised
            ok = False
            print("error:", type(e).__name__, str(e)[:100])
        return time.perf_counter() - t, ok

    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        res = list(pool.map(one, range(args.queries)))
    wall = time.perf_counter() - t0
    server.terminate()
    server.wait(timeout=30)
    lat = np.array([r[0] for r in res]) * 1e3
    errors = sum(not r[1] for r in res)
    d50 = np.percentile(np.array(t_direct) * 1e3, 50)
    print(f"{args.queries} queries, {args.clients} concurrent clients, case backend, {len(svc.records)} records: "
          f"errors {errors}, p50 {np.percentile(lat, 50):.0f} ms, p95 {np.percentile(lat, 95):.0f} ms "
          f"(target p95 <= 2000 ms), throughput {args.queries / wall:.1f} q/s")
    print(f"direct library call p50 {d50:.1f} ms -> HTTP + queue overhead at p50: "
          f"{np.percentile(lat, 50) / d50:.1f}x the library call under this load")


if __name__ == "__main__":
    main()
