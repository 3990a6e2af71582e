"""The hand-computed scenario the statistics tests share (docs/statistics.md walks through it).

County A (370102): two 6-29 jobs (10 and 5 places), a closed 6-29 job (8), a 6-29 job past its
valid_until (4), a 4-02 gig whose open future shifts have 3 free places (4-1, 2-2 full, 5 cancelled).
County B (370103): an unclassified job (7 places) and a 4-02 job (20).
Seekers in A: six want 6-29 (one of them 4-02 as well), one names no code, one withdrew consent.
Seekers in B: five want 4-02.

Raw seekers (level 2): A total 7, 4-02 1, 6-29 6, unclassified 1; B total 5, 4-02 5, unclassified 0;
the area's 4-02 total 6 and 6-29 total 6 (the shortage list shows them).

Suppression, by hand (docs/statistics.md, "Suppression"): primary A 4-02 (1) and A unclassified (1).
  1. The 4-02 column: 6 (area) − 5 (B) gives A's 1 → the smallest other cell of that column, B 4-02
     (5), is hidden ("x").
  2. The column alone still pins A: 6 = a + b with b ≥ 5 gives a ≤ 1 → its total, the area's 4-02 (6),
     is hidden too. B's row gives b = 5 back, but a + 5 = t with t unknown leaves a free.
  3. A's row: 7 = a + 6 + u would say a + u = 1, impossible for two cells of 1-4 — the row is not a sum
     (one seeker names both 4-02 and 6-29), so it pins nothing; A's total and 6-29 stay shown.
  Level 1 hides the same cells (A 4 <5, B 4 x): the levels are one pattern.

Expected (level 2):        postings vacancies seekers ratio
  A  all occupations          3        18        7     2.57
  A  4-02                     1         3       <5      <5
  A  6-29                     2        15        6     2.5
  A  unclassified             0         0       <5      <5
  B  all occupations          2        27        5     5.4
  B  4-02                     1        20        x      x
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
    (B, "4-02", 1, 20, "x", "x"),
    (B, "unclassified", 1, 7, 0, None),
]
