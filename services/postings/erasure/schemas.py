from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from services.kit.schemas import InputModel, OutputModel, UtcDatetime

PSEUDONYM_PATTERN = r"^erased-[0-9a-f]{32}$"


class ErasureRequest(InputModel):
    """What the matching service sends: the pseudonym it gave the seeker (`erased-` + a keyed hash of the
    id, docs/privacy.md §7), so both services' kept records carry the same one."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"pseudonym": "erased-0123456789abcdef0123456789abcdef"}]}
    )

    pseudonym: Annotated[str, Field(pattern=PSEUDONYM_PATTERN, max_length=39)]


class ErasureRead(OutputModel):
    """Where the erasure stands: `holding` while wage or dispute records keep the seeker id (`held`
    engagements, until `hold_until`; null while a dispute is open), `done` once none does."""

    model_config = ConfigDict(from_attributes=True)

    pseudonym: str
    status: Literal["holding", "done"]
    requested_at: UtcDatetime
    held: int
    hold_until: UtcDatetime | None
    done_at: UtcDatetime | None
