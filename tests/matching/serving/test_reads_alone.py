"""A matching unit of work that reads without a transaction (a seeker's own matches, an employer's
candidates: `kit.db.reads_alone`) is guarded as the postings service's GETs are: a statement that writes
or locks is refused, and nothing of it stays."""

from collections.abc import Callable

import pytest
from fastapi import FastAPI

from tests.reads_guard import write_on_a_read

Token = Callable[..., dict[str, str]]


@pytest.mark.postgres_only
async def test_a_unit_of_work_reading_alone_that_writes_is_refused_and_leaves_nothing_behind(
    matching_app: FastAPI, token: Token
) -> None:
    outcome = await write_on_a_read(matching_app, token("seeker", "s-1"), "written_alone", alone=True)

    assert outcome == (500, False)
