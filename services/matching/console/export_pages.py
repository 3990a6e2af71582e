"""The export of everything held about a seeker, as a console page staff print for the seeker at the
counter (the same document as `GET /v1/seekers/{id}/export`, audited the same way)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from services.matching.console.web import Page, PageRoute, render, staff_page
from services.matching.privacy.deps import export_document
from services.matching.privacy.schemas import SECTION_TITLES
from services.matching.seekers.schemas import SEEKER_ID_PATTERN

router = APIRouter(prefix="/console/seekers", route_class=PageRoute, include_in_schema=False)
StaffPage = Annotated[Page, Depends(staff_page)]
SeekerId = Annotated[str, Path(pattern=SEEKER_ID_PATTERN)]


@router.get("/{seeker_id}/export")
async def export_page(seeker_id: SeekerId, page: StaffPage) -> Response:
    assert page.staff is not None
    document = await export_document(page.request, page.staff, seeker_id)
    return render(
        page,
        "print/export.html",
        doc=document.model_dump(mode="json"),
        titles=SECTION_TITLES,
        seeker_id=seeker_id,
    )
