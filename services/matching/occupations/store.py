"""The process-wide coder the service uses, cached on disk so that a restart does not retrain.

It learns from the shipped classification plus, when present, the labelled dev titles under the shared
data folder (`LINGONG_SHARED_DATA`, default `<repo>/../shared/data`): those titles are read at training
time and never copied into the repository. The fitted model is kept under `MATCHING_CODER_CACHE`
(default `var/cache/occupations`), named by a hash of everything it was trained from.
"""

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from dataclasses import asdict
from importlib import resources
from pathlib import Path

import joblib
import sklearn

from services.matching.occupations.coder import CoderParams, OccupationCoder
from services.matching.occupations.evaluate import read_labelled
from services.matching.occupations.meaning import meaning_enabled

log = logging.getLogger("lingong.occupations")

CODER_VERSION = "2026-11-23.1"  # bump when a change to the coder's code changes what it learns
DEV_TITLES = Path("eval") / "occupation_titles_dev.csv"

_lock = threading.Lock()
_coder: OccupationCoder | None = None


def shared_data() -> Path:
    default = Path(__file__).resolve().parents[4] / "shared" / "data"
    return Path(os.environ.get("LINGONG_SHARED_DATA", default))


def cache_dir() -> Path:
    return Path(os.environ.get("MATCHING_CODER_CACHE", Path("var") / "cache" / "occupations"))


def training_examples() -> list[tuple[str, str]]:
    """The labelled dev titles when the shared data is here, else none."""
    path = shared_data() / DEV_TITLES
    return read_labelled(path) if path.is_file() else []


def service_params() -> CoderParams:
    """The service's hyperparameters: with the two meaning signals when `MATCHING_MEANING` is on."""
    return CoderParams().with_meaning() if meaning_enabled() else CoderParams()


def cache_key(examples: list[tuple[str, str]], params: CoderParams) -> str:
    digest = hashlib.sha256()
    classification = resources.files("services.reference") / "data" / "csco22.csv"
    digest.update(classification.read_bytes())
    meta = {"version": CODER_VERSION, "sklearn": sklearn.__version__, "params": asdict(params)}
    digest.update(json.dumps(meta, sort_keys=True, ensure_ascii=False).encode())
    digest.update(json.dumps(examples, ensure_ascii=False).encode())
    return digest.hexdigest()[:20]


def load_or_train(
    examples: list[tuple[str, str]], params: CoderParams | None = None, directory: Path | None = None
) -> OccupationCoder:
    """The cached coder for these inputs, or a freshly trained one (then cached)."""
    params = params or service_params()
    path = (directory or cache_dir()) / f"coder-{cache_key(examples, params)}.joblib"
    if path.is_file():
        try:
            coder = joblib.load(path)
            if isinstance(coder, OccupationCoder):
                return coder
        except Exception as exc:  # noqa: BLE001 - a damaged cache file is retrained, not fatal
            log.warning("occupation coder cache unreadable, retraining", extra={"error": repr(exc)})
    started = time.perf_counter()
    coder = OccupationCoder.train(examples, params=params)
    log.info(
        "occupation coder trained",
        extra={"titles": len(examples), "seconds": round(time.perf_counter() - started, 1)},
    )
    _save(coder, path)
    return coder


def _save(coder: OccupationCoder, path: Path) -> None:
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as fh:
            tmp = Path(fh.name)
        joblib.dump(coder, tmp)
        tmp.replace(path)  # atomic: a process reading the cache never sees half a file
    except OSError as exc:  # a read-only disk costs a retrain at the next start, nothing more
        log.warning("occupation coder not cached", extra={"path": str(path), "error": repr(exc)})
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def default_coder() -> OccupationCoder:
    """The coder the service uses (trained, or loaded from the disk cache, on first use); one per
    setting of the meaning switch, so flipping `MATCHING_MEANING` takes effect at the next call."""
    global _coder
    params = service_params()
    with _lock:
        if _coder is None or _coder.params != params:
            _coder = load_or_train(training_examples(), params)
        return _coder


def preload_cached_coder() -> OccupationCoder | None:
    """Load the coder if it is in the disk cache (never trains): a parent loads it before forking its
    workers, so they share its memory copy-on-write. None when it would have to be trained."""
    global _coder
    params = service_params()
    path = cache_dir() / f"coder-{cache_key(training_examples(), params)}.joblib"
    with _lock:
        if (_coder is None or _coder.params != params) and path.is_file():
            _coder = load_or_train(training_examples(), params)
        return _coder if _coder is not None and _coder.params == params else None


def loaded_coder() -> OccupationCoder | None:
    """The process-wide coder if it is already loaded (never blocks, never trains)."""
    return _coder
