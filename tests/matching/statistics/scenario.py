"""The hand-computed scenario the statistics tests share (docs/statistics.md walks through it).

County A (370102): two 6-29 jobs (10 and 5 places), a closed 6-29 job (8), a 6-29 job past its
valid_until (4), a 4-02 gig whose open future shifts have 3 free places (4-1, 2-2 full, 5 cancelled).
County B (370103): an unclassified job (7 places) and a 4-02 job (20).
Seekers in A: six want 6-29 (one of them 4-02 as well), one names no code, one withdrew consent.
Seekers in B: five want 4-02.

Expected (level 2):        postings vacancies seekers ratio
  A  all occupations          3        18        7     2.57
  A  4-02                     1         3       <5      <5
  A  6-29                     2        15        6     2.5
  A  unclassified             0         0       <5      <5
  B  all occupations          2        27        5     5.4
  B  4-02                     1        20        5     4.0
  B  unclassified             1         7        0     null
"""

from datetime import timedelta

from tests.matching.statistics.conftest import NOW, A, B, Feed, Seekers, shift

BUILDING, WAREHOUSE = "6-29-01-03", "4-02-06-01"


async def build(feed: Feed, seekers: Seekers) -> None:
    await feed.post(A, BUILDING, 10)
    await feed.post(A, "6-29-01-04", 5)
    await feed.post(A, BUILDING, 8, status="closed")
    await feed.post(A, BUILDING, 4, valid_until=(NOW - timedelta(hours=1)).isoformat())
    gig = await feed.post(A, WAREHOUSE, 1, kind="gig", booking="instant")
    start = NOW + timedelta(days=1)
    shifts = [shift(gig, start, 4, 1), shift(gig, start, 2, 2), shift(gig, start, 5, 0, status="cancelled")]
    await feed.post(A, WAREHOUSE, 1, id=gig, kind="gig", booking="instant", shifts=shifts)
    await feed.post(B, None, 7)
    await feed.post(B, WAREHOUSE, 20)
    await seekers.register(A, [BUILDING, WAREHOUSE])
    for _ in range(5):
        await seekers.register(A, [BUILDING])
    await seekers.register(A, [])
    await seekers.withdraw(await seekers.register(A, [BUILDING]))
    for _ in range(5):
        await seekers.register(B, [WAREHOUSE])


EXPECTED_A = [
    (A, None, 3, 18, 7, 2.57),
    (A, "4-02", 1, 3, "<5", "<5"),
    (A, "6-29", 2, 15, 6, 2.5),
    (A, "unclassified", 0, 0, "<5", "<5"),
]
EXPECTED_B = [
    (B, None, 2, 27, 5, 5.4),
    (B, "4-02", 1, 20, 5, 4.0),
    (B, "unclassified", 1, 7, 0, None),
]
