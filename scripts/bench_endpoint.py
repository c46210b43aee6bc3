"""Benchmark the openai backend's concurrency against a local stub endpoint with a fixed latency.

The stub (:class:`rjua.testing.StubEndpoint`, OpenAI-style chat completions on 127.0.0.1) runs in its
own process and answers every request after ``--latency`` seconds (default 0.2). For each concurrency
N (default 1, 8, 32, 64) the backend sends ``max(--min-requests, --rounds x N)`` requests (8 rounds by
default) in one ``generate`` call, after a warm-up call of N requests; the wall time includes opening the
connections and the event loop. It prints records/s and its ratio to the ideal ``N / latency`` (the
named baseline), with N = 1 measured in the same run. Target: ratio >= 0.8 up to N = 32.

A second part checks that nothing is lost or duplicated when the stub fails 10% of requests (HTTP 503),
without retries (every failure is exactly one error row) and with them (every row answered).

Run: python scripts/bench_endpoint.py [--latency 0.2] [--levels 1 8 32 64] [--out docs/results/bench_endpoint.json]
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from rjua.backends import GenRequest
from rjua.backends.openai import OpenAIBackend
from rjua.testing import StubEndpoint

ROOT = Path(__file__).resolve().parents[1]


def _ask(text: str) -> GenRequest:
    """A one-message request whose stub reply echoes ``text``."""
    return GenRequest(text, [{"role": "user", "content": text}])


def serve(latency: float) -> None:
    """Child process: run a stub until stdin closes."""
    with StubEndpoint(latency=latency) as stub:
        print(stub.url, flush=True)
        sys.stdin.read()


def throughput(url: str, n: int, requests: int, latency: float) -> dict:
    be = OpenAIBackend("stub", base_url=url, concurrency=n, max_retries=0, timeout=30)
    reqs = [_ask(f"问题{i}") for i in range(requests)]
    be.generate(reqs[:n])  # warm: connections opened, imports done
    t0, c0 = time.perf_counter(), time.process_time()
    res = be.generate(reqs)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    errors = sum(r.error is not None for r in res)
    in_order = all(r.text.endswith(f"echo 问题{i}") for i, r in enumerate(res) if r.error is None)
    rate, ideal = requests / wall, n / latency
    return {"concurrency": n, "requests": requests, "seconds": round(wall, 3), "records_per_s": round(rate, 1),
            "ideal_records_per_s": round(ideal, 1), "ratio_to_ideal": round(rate / ideal, 3), "errors": errors,
            "client_cpu_ms_per_request": round(1000 * cpu / requests, 2),
            "in_order": in_order}


def failures(n: int, requests: int, retries: int, fail_rate: float = 0.1) -> dict:
    with StubEndpoint(latency=0.02, fail_rate=fail_rate, seed=7) as stub:
        be = OpenAIBackend("stub", base_url=stub.url, concurrency=n, max_retries=retries, backoff=0.001)
        res = be.generate([_ask(f"问题{i}") for i in range(requests)])
    ok = [i for i, r in enumerate(res) if r.error is None]
    return {"retries": retries, "requests": requests, "rows": len(res), "answered": len(ok),
            "error_rows": len(res) - len(ok), "stub_failed": stub.failed, "stub_served": stub.served,
            "each_row_its_own_answer": all(res[i].text.endswith(f"echo 问题{i}") for i in ok),
            "no_lost_or_duplicated": len(res) == requests and (
                len(res) - len(ok) == stub.failed if retries == 0 else stub.served == requests + stub.failed)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--latency", type=float, default=0.2)
    ap.add_argument("--levels", type=int, nargs="+", default=[1, 8, 32, 64])
    ap.add_argument("--min-requests", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=8, help="Requests per level = rounds x N (at least --min-requests).")
    ap.add_argument("--out", type=Path, default=None, help="Write the results as JSON here.")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve:
        serve(a.latency)
        return 0
    child = subprocess.Popen([sys.executable, __file__, "--serve", "--latency", str(a.latency)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = child.stdout.readline().strip()
        rows = [throughput(url, n, max(a.min_requests, a.rounds * n), a.latency) for n in a.levels]
    finally:
        child.stdin.close()
        child.wait(10)
    print(f"stub endpoint, fixed latency {a.latency * 1000:.0f} ms; baseline: ideal N / latency; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"{'N':>4} {'requests':>8} {'seconds':>8} {'records/s':>10} {'ideal':>7} {'ratio':>6} {'errors':>6} "
          f"{'client CPU ms/req':>17}")
    for r in rows:
        print(f"{r['concurrency']:>4} {r['requests']:>8} {r['seconds']:>8.2f} {r['records_per_s']:>10.1f} "
              f"{r['ideal_records_per_s']:>7.1f} {r['ratio_to_ideal']:>6.2f} {r['errors']:>6} "
              f"{r['client_cpu_ms_per_request']:>17.2f}")
    serial = rows[0]["records_per_s"] if rows and rows[0]["concurrency"] == 1 else None
    if serial:
        print("speed-up over N = 1 (measured): " + ", ".join(f"N={r['concurrency']} x{r['records_per_s'] / serial:.1f}"
                                                          for r in rows[1:]))
    met = all(r["ratio_to_ideal"] >= 0.8 for r in rows if r["concurrency"] <= 32)
    print(f"target ratio >= 0.8 up to N = 32: {'met' if met else 'NOT met'}")
    fails = [failures(32, 400, 0), failures(32, 400, 6)]
    for f in fails:
        print(f"10% failed requests, retries={f['retries']}: {f['rows']} rows for {f['requests']} requests, "
              f"{f['answered']} answered, {f['error_rows']} error rows, stub failed {f['stub_failed']} "
              f"-> no lost or duplicated rows: {f['no_lost_or_duplicated'] and f['each_row_its_own_answer']}")
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        load = [round(x, 2) for x in os.getloadavg()]
        a.out.write_text(json.dumps({"latency_s": a.latency, "cpus": os.cpu_count(), "load_average": load,
                                     "throughput": rows, "target_met": met,
                                     "failures": fails}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if met and all(f["no_lost_or_duplicated"] for f in fails) else 1


if __name__ == "__main__":
    sys.exit(main())
