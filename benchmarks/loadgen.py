"""An open-loop load generator (asyncio + aiohttp): arrivals on a fixed schedule, whatever the server does.

Each request has a scheduled send time (constant spacing, or Poisson arrivals at the same mean rate),
and its latency is measured **from that scheduled time**, not from when it was actually sent: a server
that falls behind makes every later request wait, and that wait is counted (no coordinated omission).
The generator never waits for a free slot either: past `max_in_flight` requests outstanding, a due
request is **dropped and counted as an error**. How late the generator itself sent (`send_lag`) is
reported too, so a generator that cannot keep up (it shares the cores with the server) is seen.

The generator shares the machine's cores with the services it measures, so what it spends per request is
taken from them: it sends with aiohttp (about a third of httpx's CPU per request, measured in
docs/load.md) on uvloop when `run` starts it, behind `LoadClient`, the small part of httpx's
`AsyncClient` interface the mixes use.
"""

import asyncio
import json as _json
import os
import random
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp

from benchmarks.latency import pct


@dataclass(frozen=True)
class Answer:
    """A response read to its end: what the generator and the mixes look at."""

    status_code: int
    headers: dict[str, str]
    content: bytes

    def json(self) -> Any:
        return _json.loads(self.content)


class LoadClient:
    """One base URL over one aiohttp session whose pool holds `max_connections` (so it never hides a
    queue); `get` and `post` as httpx's, the answer read whole."""

    def __init__(self, base_url: str, max_connections: int, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self._limit, self._timeout = max_connections, timeout
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:  # made on the running loop
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._limit, limit_per_host=self._limit),
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                skip_auto_headers=("User-Agent",),
            )
        return self._session

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        url = self.base_url + path + ("?" + urlencode(params) if params else "")
        data, sent = None, dict(headers or {})
        if json is not None:
            data = _json.dumps(json, ensure_ascii=False).encode()
            sent["content-type"] = "application/json"
        async with self._open().request(method, url, data=data, headers=sent) as response:
            body = await response.read()
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, body)

    async def get(self, path: str, **kwargs: Any) -> Answer:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Answer:
        return await self.request("POST", path, **kwargs)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


# What counts as a transport failure (status 0): refused, reset, timed out.
TRANSPORT_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)

Send = Callable[[], Awaitable[Answer]]


@dataclass(frozen=True)
class Kind:
    """One kind of request in the mix: its share and how to make one."""

    name: str
    weight: float
    make: Callable[[], Send]


@dataclass
class Outcome:
    kind: str
    latency: float  # seconds from the scheduled send time to the full response
    status: int  # 0: transport failure or time-out; -1: dropped at the in-flight cap
    send_lag: float
    code: str | None = None


@dataclass
class Step:
    """What one rate produced."""

    rate: float
    seconds: float
    outcomes: list[Outcome] = field(default_factory=list)
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    wall: float = 0.0

    def report(self) -> dict[str, Any]:
        by_kind: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.outcomes:
            by_kind[o.kind].append(o)
        kinds = {name: _summary(items) for name, items in sorted(by_kind.items())}
        total = _summary(self.outcomes)
        lags = [o.send_lag for o in self.outcomes if o.status != -1] or [0.0]
        return {
            "rate_per_s": self.rate,
            "seconds": self.seconds,
            "sent": len(self.outcomes),
            "seconds_until_the_last_answer": round(self.wall, 1),
            "all": total,
            "kinds": kinds,
            "generator_send_lag_ms": {"p50": _ms(pct(lags, 0.5)), "p99": _ms(pct(lags, 0.99))},
            "load_average": {"before": self.load_before, "after": self.load_after},
        }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _summary(items: Sequence[Outcome]) -> dict[str, Any]:
    """Latency over the answered requests; errors are 5xx, transport failures and drops; 4xx are refusals
    the mix expects now and then (a full shift, a posting already applied to), counted apart."""
    answered = [o.latency for o in items if o.status > 0] or [0.0]
    statuses = Counter(o.status for o in items)
    errors = sum(n for s, n in statuses.items() if s >= 500 or s <= 0)
    return {
        "n": len(items),
        "p50_ms": _ms(pct(answered, 0.5)),
        "p95_ms": _ms(pct(answered, 0.95)),
        "p99_ms": _ms(pct(answered, 0.99)),
        "max_ms": _ms(max(answered)),
        "errors": errors,
        "shed_503": statuses.get(503, 0),
        "dropped_at_cap": statuses.get(-1, 0),
        "transport_failures": statuses.get(0, 0),
        "refused_4xx": sum(n for s, n in statuses.items() if 400 <= s < 500),
        "statuses": {str(s): n for s, n in sorted(statuses.items())},
        "problem_codes": dict(Counter(o.code for o in items if o.code).most_common()),
    }


def schedule(rate: float, seconds: float, arrivals: str, rng: random.Random) -> list[float]:
    """Send times (seconds from the start): every 1/rate, or Poisson arrivals at `rate`."""
    if arrivals == "constant":
        return [i / rate for i in range(int(rate * seconds))]
    times, t = [], rng.expovariate(rate)
    while t < seconds:
        times.append(t)
        t += rng.expovariate(rate)
    return times


async def run_step(
    kinds: Sequence[Kind],
    rate: float,
    seconds: float,
    *,
    arrivals: str = "poisson",
    max_in_flight: int = 1000,
    seed: int = 1,
) -> Step:
    """Sends the mix at `rate` for `seconds`, then waits for the requests still out."""
    rng = random.Random(seed)
    weights = [k.weight for k in kinds]
    step = Step(rate, seconds, load_before=os.getloadavg())
    in_flight: set[asyncio.Task[None]] = set()
    loop = asyncio.get_running_loop()

    async def one(kind: Kind, scheduled: float) -> None:
        lag = loop.time() - scheduled
        try:
            response = await kind.make()()
            status = response.status_code
            code = None
            if status >= 400 and response.headers.get("content-type", "").endswith("json"):
                code = response.json().get("code")
        except TRANSPORT_ERRORS:
            status, code = 0, None
        step.outcomes.append(Outcome(kind.name, loop.time() - scheduled, status, lag, code))

    start = loop.time() + 0.05
    for offset in schedule(rate, seconds, arrivals, rng):
        due = start + offset
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        kind = rng.choices(kinds, weights)[0]
        if len(in_flight) >= max_in_flight:
            step.outcomes.append(Outcome(kind.name, 0.0, -1, loop.time() - due))
            continue
        task = asyncio.create_task(one(kind, due))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    if in_flight:
        await asyncio.wait(in_flight)
    step.wall = max(loop.time() - start, 1e-9)
    step.load_after = os.getloadavg()
    return step


def clients(max_in_flight: int, timeout: float) -> Callable[[str], LoadClient]:
    """One pooled client per base URL, sized to the in-flight cap (so the pool never hides a queue)."""
    made: dict[str, LoadClient] = {}

    def get(base: str) -> LoadClient:
        if base not in made:
            made[base] = LoadClient(base, max_in_flight, timeout)
        return made[base]

    get.made = made  # type: ignore[attr-defined]
    return get


async def close_clients(get: Callable[[str], LoadClient]) -> None:
    for client in get.made.values():  # type: ignore[attr-defined]
        await client.aclose()
