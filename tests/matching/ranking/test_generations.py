"""Index generations between real processes: a writer publishing over and over while this process maps
whatever `current` names never sees a generation half written; a generation some process maps is kept,
and deleted once none does."""

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from services.matching.ranking import generations, synthetic
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.mapped import (
    GenerationMismatch,
    MappedPostingIndex,
    snapshot_of,
    write_generation,
)
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.text import TextEncoder
from tests.matching.ranking.conftest import NOW, keyword_predictor, posting

ROUNDS = 15

# Generation k holds 50 + 7k postings, every one at version k (a mix of two generations would show),
# and deletes the generations nobody maps after publishing.
WRITER = """
import sys
from pathlib import Path
from services.matching.ranking import generations
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.mapped import snapshot_of, write_generation
from services.matching.ranking.text import TextEncoder
from tests.matching.ranking.conftest import keyword_predictor, posting

directory, first, last = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
encoder = TextEncoder(keyword_predictor)
for k in range(first, last + 1):
    index = PostingIndex(encoder)
    index.build([posting(km=0.1 * i, version=k) for i in range(50 + 7 * k)])
    name = write_generation(snapshot_of(index, k), directory, encoder)
    generations.prune(directory, name)
"""

HOLDER = """
import sys
from pathlib import Path
from services.matching.ranking import generations

held = generations.open_generation(Path(sys.argv[1]))
print(held.name, flush=True)
sys.stdin.read()  # until the test closes it
"""


def _write(directory: Path, first: int, last: int) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-c", WRITER, str(directory), str(first), str(last)]
    return subprocess.Popen(args, cwd=Path.cwd())


def _generations(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("gen-"))


def _intact(generation: generations.Generation) -> bool:
    k = generation.seq
    index = MappedPostingIndex(TextEncoder(keyword_predictor), generation)
    versions = np.asarray(index.cols.a["version"][: index.rows])
    return (
        generations.verify(generation.path) == []
        and len(index) == 50 + 7 * k
        and index.rows == 50 + 7 * k
        and bool((versions == k).all())
    )


def test_a_reader_never_maps_a_generation_half_written(tmp_path: Path) -> None:
    directory = tmp_path / "index"
    writer = _write(directory, 1, ROUNDS)
    seen: set[str] = set()
    torn: list[str] = []
    try:
        deadline = time.monotonic() + 300
        while writer.poll() is None and time.monotonic() < deadline:
            try:
                generation = generations.open_generation(directory)
            except generations.GenerationMissing:
                continue
            try:
                if not _intact(generation):
                    torn.append(generation.name)
                seen.add(generation.name)
            finally:
                generation.release()
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait()

    assert writer.returncode == 0
    assert torn == []
    assert len(seen) >= 3  # it mapped generation after generation while they were being written
    generations.prune(directory, f"gen-{ROUNDS:08d}")  # the one this process held last is let go now
    assert _generations(directory) == [f"gen-{ROUNDS:08d}"]


def test_a_generation_a_process_maps_is_kept_until_it_lets_go(tmp_path: Path) -> None:
    directory = tmp_path / "index"
    assert _write(directory, 1, 1).wait() == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(directory)],
        cwd=Path.cwd(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdin is not None
        held = holder.stdout.readline().strip()
        assert _write(directory, 2, 3).wait() == 0
        while_held = _generations(directory)
        holder.stdin.close()
        assert holder.wait(30) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    removed = generations.prune(directory, "gen-00000003")

    assert held == "gen-00000001"
    assert while_held == ["gen-00000001", "gen-00000003"]  # gen 2 was mapped by nobody
    assert removed == ["gen-00000001"]
    assert _generations(directory) == ["gen-00000003"]


def test_an_index_mapped_from_a_generation_ranks_as_the_index_it_was_written_from(tmp_path: Path) -> None:
    encoder = TextEncoder(keyword_predictor)
    index = PostingIndex(encoder)
    index.build(list(synthetic.postings(3000, seed=31, now=NOW)))
    write_generation(snapshot_of(index, 1), tmp_path, encoder)
    mapped = MappedPostingIndex(encoder, generations.open_generation(tmp_path))
    queries = synthetic.seekers(150, seed=32, now=NOW)
    in_memory, from_disk = Ranker(index), Ranker(mapped)
    ranked = [[(m.posting_id, m.score) for m in in_memory.rank(q, 20)] for q in queries]
    assert sum(1 for r in ranked if r) > 100
    assert [[(m.posting_id, m.score) for m in from_disk.rank(q, 20)] for q in queries] == ranked


def test_a_generation_written_in_another_format_is_refused(tmp_path: Path) -> None:
    encoder = TextEncoder(keyword_predictor)
    index = PostingIndex(encoder)
    index.build([posting(km=0.1 * i) for i in range(20)])
    name = write_generation(snapshot_of(index, 1), tmp_path, encoder)
    manifest_path = tmp_path / name / generations.MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["format"] = generations.FORMAT - 1
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(GenerationMismatch, match="format"):
        MappedPostingIndex(encoder, generations.open_generation(tmp_path))
