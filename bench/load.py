"""Load from concurrent clients: one thread per client, one new connection per request
(gunicorn's sync workers close the connection after each response anyway)."""

import http.client
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .server import Server


@dataclass(frozen=True)
class Sample:
    finished_at: float
    seconds: float
    status: int  # 0 when the request failed before a response


@dataclass(frozen=True)
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    sent: int  # every request, the warm-up's too
    failures: list[str]  # of those sent, the ones that failed

    @property
    def failed(self) -> int:
        return len(self.failures)


def failed(status: int) -> bool:
    """No response, or an error status: neither 2xx nor 3xx."""
    return not 200 <= status < 400


def measure(server: Server, path: str, clients: int, warmup_seconds: float, seconds: float, cookie: str = "") -> Result:
    warmup = run_clients(server, path, clients, warmup_seconds, cookie)
    started = time.perf_counter()
    samples = run_clients(server, path, clients, seconds, cookie)
    in_window = [s for s in samples if s.finished_at <= started + seconds]
    return summarise(in_window, seconds, warmup + samples, path)


def run_clients(server: Server, path: str, clients: int, seconds: float, cookie: str = "") -> list[Sample]:
    deadline = time.perf_counter() + seconds
    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(client_loop, server, path, deadline, cookie) for _ in range(clients)]
        return [sample for future in futures for sample in future.result()]


def client_loop(server: Server, path: str, deadline: float, cookie: str) -> list[Sample]:
    samples = []
    while time.perf_counter() < deadline:
        samples.append(timed_get(server, path, cookie))
    return samples


def timed_get(server: Server, path: str, cookie: str = "") -> Sample:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        connection.close()
    finished = time.perf_counter()
    return Sample(finished, finished - started, status)


def summarise(samples: list[Sample], seconds: float, sent: list[Sample], path: str) -> Result:
    """Speed from the samples of the measured window; failures from every request sent."""
    latencies = sorted(s.seconds for s in samples)
    return Result(
        requests_per_second=len(samples) / seconds,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        sent=len(sent),
        failures=[f"GET {path}: {'no response' if s.status == 0 else s.status}" for s in sent if failed(s.status)],
    )


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]
