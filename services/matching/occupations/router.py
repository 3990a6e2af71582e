from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.kit.problems import InvalidInput
from services.kit.problems import problem_responses as problems
from services.kit.routing import UnitOfWorkRoute
from services.matching.occupations.coder import OccupationCoder
from services.matching.occupations.schemas import OccupationSuggestion, OccupationSuggestions
from services.matching.occupations.search import suggest

router = APIRouter(prefix="/v1/occupations", tags=["occupations"], route_class=UnitOfWorkRoute)

MAX_QUERY = 50
MAX_LIMIT = 50

_responses = problems(InvalidInput)
_responses.pop(401)  # public: no token is asked for


@router.get(
    "",
    response_model=OccupationSuggestions,
    summary="CSCO-2022 occupations for what was typed (public: the mobile autocomplete)",
    description=(
        "Names and aliases that contain the query (an exact or prefix match first), joined by the "
        "occupation coder's most likely codes once it is loaded. A query shaped like a code (`6-18`) "
        "lists the codes under it."
    ),
    responses=_responses,
)
async def search_occupations(
    request: Request,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY,
            description="What was typed: part of a job title, or a code prefix",
            examples=["电焊", "焊", "服务员", "6-18"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="How many to return")] = 10,
) -> OccupationSuggestions:
    if not q.strip():
        raise InvalidInput("q must contain something other than spaces")
    state = request.app.state
    coder = getattr(state, "occupation_coder", None)
    coder = coder if isinstance(coder, OccupationCoder) else None
    items = suggest(q, limit, coder)
    return OccupationSuggestions(
        query=q,
        coder="ready" if coder is not None else getattr(state, "occupation_coder_status", "off"),
        items=[OccupationSuggestion.model_validate(s, from_attributes=True) for s in items],
    )
