"""`lingong serve --workers N`: the production layout on one host.

The postings service runs in one process; the matching service in N processes that share one port:
each binds its own listening socket with SO_REUSEPORT and the kernel spreads new connections across
them. The matching workers are forked by one pool process after it has loaded what they all only read
(the modules, the occupation coder, its tables), so they share those pages copy-on-write. Worker 0
runs the feed consumer (the replica) and publishes the shared index (docs/load.md, part 2); the others
map it and follow the replica tables (`MATCHING_REPLICA__ENABLED=false`, docs/serving.md). Every
process reads the databases the environment names. The parent loads the demo when asked, forwards
SIGINT/SIGTERM to its children and waits for them; a child whose parent has gone stops by itself.
"""

import asyncio
import contextlib
import gc
import logging
import os
import shutil
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn

from services.kit import loop
from services.kit.auth import mint_token
from services.kit.http import client as http_client
from services.kit.server import Server
from services.matching.config import get_settings as matching_settings
from services.matching.demo import demo_id, load_demo_seekers
from services.postings.config import get_settings as postings_settings
from services.postings.demo_loader import load_demo
from services.serve import DemoSize, loopback

log = logging.getLogger("lingong.workers")

STOP_GRACE = 20.0  # seconds a child gets to stop before it is killed
DRAIN_SECONDS = 10  # seconds a child's requests get to finish (a feed long poll answers at once)
READY_TIMEOUT = 600.0  # seconds to wait for the demo to reach every matching worker
READER_POLL_SECONDS = 0.25  # the shared layout's readers: how often they read the replica tables
PARENT_WATCH = 1.0  # seconds between a child's looks at whether its parent is still there


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening socket that other processes may bind to the same address too (Linux SO_REUSEPORT).

    Made with proto IPPROTO_TCP, as asyncio makes its own: asyncio turns Nagle's algorithm off
    (TCP_NODELAY) only on accepted sockets whose proto says TCP, and with proto 0 every answer on a
    kept-alive connection waited ~40 ms for the client's delayed ACK (measured: /healthz 44 ms against
    1.4 ms)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


async def _watch_parent(parent: int, server: uvicorn.Server) -> None:
    while os.getppid() == parent:
        await asyncio.sleep(PARENT_WATCH)
    log.warning("the serving parent has gone; stopping")
    server.should_exit = True


async def run_worker(
    service: str, host: str, port: int, postings_port: int, matching_port: int, log_json: bool
) -> None:
    """One child: one service's app under uvicorn on a SO_REUSEPORT socket."""
    from services.matching.main import create_app as create_matching
    from services.postings.main import create_app as create_postings
    from services.serve import follow_matching_at, follow_postings_at

    if service == "postings":
        own = postings_settings().model_copy(update={"log_json": log_json})
        app = create_postings(follow_matching_at(own, host, matching_port))
    else:
        settings = matching_settings().model_copy(update={"log_json": log_json})
        app = create_matching(follow_postings_at(settings, host, postings_port))
    server = Server(
        uvicorn.Config(
            app, log_config=None, backlog=2048, timeout_keep_alive=30, timeout_graceful_shutdown=DRAIN_SECONDS
        )
    )
    watch = asyncio.create_task(_watch_parent(os.getppid(), server))
    try:
        await server.serve(sockets=[reuse_port_socket(host, port)])
    finally:
        watch.cancel()


@dataclass
class Workers:
    """The parent: starts the children, loads the demo, stops everything on a signal or a child's death."""

    host: str
    postings_port: int
    matching_port: int
    workers: int
    demo: bool
    log_json: bool = True
    demo_size: DemoSize = field(default_factory=DemoSize)
    index_dir: Path | None = None  # the shared index's generations (docs/load.md, part 2); None: each its own
    children: list[asyncio.subprocess.Process] = field(default_factory=list)  # postings, the matching pool
    worker_pids: list[int] = field(default_factory=list)  # the matching workers (the pool's children)

    async def _spawn(self, service: str, port: int, *extra: str, pass_fds: tuple[int, ...] = ()) -> None:
        env = dict(os.environ)
        if service == "matching-pool":
            if self.index_dir is not None:
                env["MATCHING_SERVING__SHARED_INDEX_DIR"] = str(self.index_dir)
                # A reader applies what the publisher wrote to the replica by polling its tables: often
                # enough that a posting reaches every worker well within the feed lag target (1 s).
                env.setdefault("MATCHING_SERVING__REPLICA_POLL_SECONDS", str(READER_POLL_SECONDS))
        ports = [str(port), str(self.postings_port), str(self.matching_port)]
        args = [service, self.host, *ports, "json" if self.log_json else "text"]
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "services.workers",
            *args,
            *extra,
            env=env,
            start_new_session=True,
            pass_fds=pass_fds,
        )
        self.children.append(child)

    async def _spawn_pool(self) -> list[int]:
        """The matching workers, forked by one process after it loaded what they all read (the pids)."""
        read, write = os.pipe()
        try:
            await self._spawn(
                "matching-pool", self.matching_port, str(self.workers), str(write), pass_fds=(write,)
            )
        finally:
            os.close(write)
        with os.fdopen(read, encoding="ascii") as pipe:
            line = await asyncio.get_running_loop().run_in_executor(None, pipe.readline)
        return [int(pid) for pid in line.split()]

    async def run(self) -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        if self.index_dir is not None:
            clear_generations(self.index_dir)
        await self._spawn("postings", self.postings_port)
        self.worker_pids = await self._spawn_pool()
        print(self._banner(), flush=True)
        watchers = [asyncio.create_task(c.wait()) for c in self.children]
        demo = asyncio.create_task(self._load_demo()) if self.demo else None
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait([stopping, *watchers], return_when=asyncio.FIRST_COMPLETED)
        died = [c.pid for c in self.children if c.returncode is not None]
        if died:
            print(f"a serving process stopped unexpectedly (pid {died}); stopping the others", flush=True)
        if demo is not None:
            demo.cancel()
            await asyncio.gather(demo, return_exceptions=True)
        stopping.cancel()
        await self._stop_children()
        return 1 if died else 0

    async def _stop_children(self) -> None:
        for child in self.children:
            if child.returncode is None:
                child.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.gather(*(c.wait() for c in self.children)), STOP_GRACE)
        except TimeoutError:
            for child in self.children:
                if child.returncode is None:
                    child.kill()
            await asyncio.gather(*(c.wait() for c in self.children))

    def _banner(self) -> str:
        pids = ", ".join(str(pid) for pid in self.worker_pids)
        host = self.host
        return (
            f"lingong is running: postings http://{host}:{self.postings_port} (pid {self.children[0].pid}), "
            f"matching http://{host}:{self.matching_port} ({self.workers} workers, pids {pids}; "
            f"the first consumes the feed)"
        )

    async def _load_demo(self) -> None:
        try:
            loaded = await load_demo(postings_settings(), n_postings=self.demo_size.postings)
            seekers = await load_demo_seekers(matching_settings(), n=self.demo_size.seekers)
            print(f"demo loaded: {loaded} postings, {seekers} seekers", flush=True)
            try:
                held = await asyncio.wait_for(self._until_workers_hold(), READY_TIMEOUT)
            except TimeoutError:
                url = f"http://{self.host}:{self.matching_port}/v1/matching/status"
                print(f"the matching workers still differ after {READY_TIMEOUT:.0f} s: GET {url}", flush=True)
                return
            print(
                f"demo ready: every matching worker holds {held} open postings; try GET "
                f"http://{self.host}:{self.matching_port}/v1/seekers/{demo_id(0)}/matches",
                flush=True,
            )
        except Exception:
            log.exception("the demo data could not be loaded")
            print("the demo data could not be loaded (see the log); the services keep running", flush=True)

    async def _until_workers_hold(self) -> int:
        """Asks the shared port until many answers in a row (so from every worker) agree and are ready."""
        staff = mint_token(matching_settings().auth, "staff", "serve", station_id="st-001", ttl=3600)
        url = f"http://{loopback(self.host)}:{self.matching_port}/v1/matching/status"
        agreeing, last = 0, -1
        while agreeing < 8 * self.workers:
            # A new connection each time, so the kernel may hand it to any worker.
            async with http_client(timeout=10) as client:
                try:
                    status = (await client.get(url, headers={"Authorization": f"Bearer {staff}"})).json()
                except (httpx.HTTPError, ValueError):
                    status = {}
            held = int(status.get("postings") or 0)
            ok = status.get("ready") is True and held > 0
            agreeing, last = (agreeing + 1 if ok and held == last else 0), held
            await asyncio.sleep(0.1 if ok else 0.5)
        return last


def clear_generations(directory: Path) -> None:
    """Generations left by an earlier run (perhaps on other databases) must not be mapped: the first
    worker publishes afresh."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.iterdir():
        if path.name.startswith(("gen-", "current")):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def preload() -> None:
    """What every matching worker reads and never changes, loaded once before they are forked so that
    they share it copy-on-write: the modules, the occupation coder (when cached), its tables."""
    import services.postings.main  # noqa: F401 - the imports are the point
    import services.serve  # noqa: F401
    from services.matching import main as matching_main
    from services.matching.occupations.store import preload_cached_coder
    from services.matching.ranking.coder import predictor_of
    from services.matching.ranking.fair import minimum_table
    from services.matching.ranking.related import relatedness
    from services.matching.ranking.vocab import occupation_table
    from services.matching.serving.config import FairnessSettings

    for part in ("router", "lifecycle"):  # every domain module the app will include
        matching_main._domain_modules(part)
    coder = preload_cached_coder()
    if coder is not None:
        predictor_of(coder)(["仓库装卸工"])  # builds whatever the coder makes on first use
    occupation_table()
    relatedness()
    fairness = FairnessSettings()
    minimum_table(50, fairness.p, fairness.alpha, fairness.adjust)  # the candidates' default length
    gc.collect()
    gc.freeze()  # the cyclic collector never writes to these objects' pages again


def _fork_worker(i: int, host: str, port: int, postings_port: int, matching_port: int, log_json: bool) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        os.environ["MATCHING_REPLICA__ENABLED"] = "true" if i == 0 else "false"  # worker 0 consumes
        loop.run(run_worker("matching", host, port, postings_port, matching_port, log_json))
        code = 0
    except BaseException:  # noqa: BLE001 - reported, then this child ends with 1
        log.exception("matching worker failed")
    finally:
        os._exit(code)


def _fork_builder() -> int:
    """With a shared index: a child that builds the first generation from the replica and exits, so the
    memory the build takes (the parsed snapshots, the coder's caches) is returned, not kept by a worker."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        asyncio.run(_build())
        code = 0
    except BaseException:  # noqa: BLE001 - reported, then this child ends with 1
        log.exception("building the first index generation failed")
    finally:
        os._exit(code)


async def _build() -> None:
    from services.kit.db import build_engine, build_sessionmaker
    from services.matching.ranking.coder import default_encoder
    from services.matching.serving.config import get_serving_settings
    from services.matching.serving.loading import build_first_generation

    settings = matching_settings()
    engine = build_engine(settings)
    try:
        encoder = await asyncio.to_thread(default_encoder)
        await build_first_generation(build_sessionmaker(engine), encoder, get_serving_settings())
    finally:
        await engine.dispose()


def run_pool(
    host: str, port: int, postings_port: int, matching_port: int, log_json: bool, workers: int, report_fd: int
) -> int:
    """The matching pool: preload, fork the builder of the first index generation (with a shared index)
    and `workers` workers, write their pids to `report_fd`, forward SIGTERM/SIGINT to them and wait. A
    worker that stops unasked, or a builder that fails, stops the others (exit 1)."""
    preload()
    builder = None
    if os.environ.get("MATCHING_SERVING__SHARED_INDEX_DIR"):
        builder = _fork_builder()
        os.environ["MATCHING_SERVING__BUILD_FIRST_GENERATION"] = "false"  # the workers map its generation
    pids = [_fork_worker(i, host, port, postings_port, matching_port, log_json) for i in range(workers)]
    with os.fdopen(report_fd, "w", encoding="ascii") as report:
        report.write(" ".join(map(str, pids)) + "\n")
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    parent, alive, failed = os.getppid(), set(pids), False
    while alive:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            if os.getppid() != parent and not stopping:
                stop()
            time.sleep(0.2)
            continue
        if pid == builder:
            if os.waitstatus_to_exitcode(status) != 0 and not stopping:
                failed = True
                stop()
            continue
        alive.discard(pid)
        if not stopping or os.waitstatus_to_exitcode(status) != 0:
            failed = failed or not stopping or os.waitstatus_to_exitcode(status) != 0
            if not stopping:
                stop()
    return 1 if failed else 0


def main() -> None:
    service, host, port, postings_port, matching_port, log_format = sys.argv[1:7]
    ports = int(port), int(postings_port), int(matching_port)
    if service == "matching-pool":
        workers, report_fd = int(sys.argv[7]), int(sys.argv[8])
        sys.exit(run_pool(host, *ports, log_format == "json", workers, report_fd))
    loop.run(run_worker(service, host, *ports, log_format == "json"))


if __name__ == "__main__":
    main()
