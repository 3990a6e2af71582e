"""Printed paper for people without a smartphone: the seeker's slip (A4 or 80 mm receipt) and the
posting's notice-board poster, each with a QR code that opens the posting."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from services.kit.uow import unit_of_work
from services.matching.console import cards, qr
from services.matching.console.web import Page, PageRoute, console_settings, render, staff_page
from services.matching.seekers import service as seekers
from services.matching.seekers.deps import Ctx, cipher_of
from services.matching.seekers.schemas import SEEKER_ID_PATTERN
from services.matching.serving import reads, views
from services.matching.serving.deps import get_engine
from services.matching.serving.exceptions import MatchingNotReady, PostingNotFound

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)
StaffPage = Annotated[Page, Depends(staff_page)]
SeekerId = Annotated[str, Path(pattern=SEEKER_ID_PATTERN)]
MAX_ON_SLIP = 6


@dataclass(frozen=True, slots=True)
class QrLine:
    card: cards.Card
    url: str
    svg: str


def _with_qr(page: Page, card: cards.Card) -> QrLine:
    url = qr.posting_url(console_settings(page.request).public_base_url, card.posting_id)
    return QrLine(card, url, qr.svg(url, page.t(f"二维码：{card.title}", f"QR code: {card.title}")))


@router.get("/seekers/{seeker_id}/slip")
async def slip(
    seeker_id: SeekerId,
    page: StaffPage,
    p: Annotated[list[uuid.UUID], Query(max_length=MAX_ON_SLIP)] = [],  # noqa: B006 - FastAPI reads it
    layout: Annotated[str, Query(pattern="^(a4|receipt)$")] = "a4",
) -> Response:
    """The chosen postings (else the best few), with address, the way there, shift times and QR codes."""
    assert page.staff is not None
    request = page.request
    async with unit_of_work(request.app.state.sessionmaker, writer=False) as session:
        ctx = Ctx(session=session, clock=request.app.state.clock, cipher=cipher_of(request))
        seeker = await seekers.get_for(ctx, page.staff, seeker_id)
        mode = seeker.travel_mode
    try:
        found = (
            await views.seeker_matches(request, page.staff, get_engine(request), seeker_id, None, 20)
        ).items
    except MatchingNotReady:
        found = []
    chosen = [str(x) for x in p] or [str(m.posting_id) for m in found[:3]]
    by_id = {str(m.posting_id): m for m in found}
    async with unit_of_work(request.app.state.sessionmaker, writer=False) as session:
        stored = await reads.postings(session, chosen)
    lines = []
    for posting_id in chosen:
        if posting_id not in stored:
            continue
        match = by_id.get(posting_id)
        card = (
            cards.card(match, stored[posting_id], mode, page.lang, None)
            if match is not None
            else cards.posting_card(uuid.UUID(posting_id), stored[posting_id], page.lang)
        )
        lines.append(_with_qr(page, card))
    query = "&".join(f"p={x}" for x in chosen)
    return render(page, "print/slip.html", seeker_id=seeker_id, lines=lines, layout=layout, query=query)


@router.get("/postings/{posting_id}/poster")
async def poster(posting_id: uuid.UUID, page: StaffPage) -> Response:
    """An A4 poster in large type with a QR code that opens the posting (云聘e码通)."""
    async with unit_of_work(page.request.app.state.sessionmaker, writer=False) as session:
        stored = await reads.posting(session, posting_id)
    if stored is None:
        raise PostingNotFound()
    line = _with_qr(page, cards.posting_card(posting_id, stored, page.lang))
    return render(page, "print/poster.html", card=line.card, svg=line.svg, url=line.url)
