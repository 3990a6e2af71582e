from typing import Annotated

from pydantic import StringConstraints

from services.kit.schemas import InputModel

SeekerId = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]{1,200}$")]
StationId = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]{1,200}$")]


class OnBehalf(InputModel):
    """Whom a request acts for: a seeker leaves both out; staff, admins and the matching service name
    the seeker, and the service (or an admin) may name the referring station (staff: their token's)."""

    seeker_id: SeekerId | None = None
    station_id: StationId | None = None
