"""What the export needs from the running app: the postings client, a token for it, the settings."""

from fastapi import FastAPI, Request

from services.kit.auth import Principal
from services.kit.uow import unit_of_work
from services.matching.privacy import export
from services.matching.privacy.config import PrivacySettings, get_privacy_settings
from services.matching.privacy.schemas import SeekerExport
from services.matching.referrals.client import PostingsActions
from services.matching.replica.client import token_source
from services.matching.replica.config import ReplicaSettings, get_replica_settings
from services.matching.seekers import service
from services.matching.seekers.deps import Ctx, audited_read, cipher_of


def privacy_settings(request: Request) -> PrivacySettings:
    found = getattr(request.app.state, "privacy_settings", None)
    return found if isinstance(found, PrivacySettings) else get_privacy_settings()


def postings_token(request: Request) -> str | None:
    """The matching service's own token: the route has checked who may see this seeker."""
    return service_token(request.app)


def service_token(app: FastAPI) -> str | None:
    """The matching service's own token for the postings service (None when none can be had)."""
    replica = getattr(app.state, "replica_settings", None)
    try:
        source = token_source(
            app.state.settings.auth,
            replica if isinstance(replica, ReplicaSettings) else get_replica_settings(),
        )
        return source.token()
    except ValueError:
        return None


async def export_document(request: Request, principal: Principal, seeker_id: str) -> SeekerExport:
    """The export of a seeker the principal reaches (else `SeekerNotFound`), audited and committed: the
    JSON route and the console page both serve this."""
    async with unit_of_work(request.app.state.sessionmaker, writer=False) as session:
        await service.get_for(Ctx(session, request.app.state.clock, cipher_of(request)), principal, seeker_id)
    postings = getattr(request.app.state, "postings_actions", None)
    remote = await export.fetch_remote(
        postings if isinstance(postings, PostingsActions) else None,
        postings_token(request),
        seeker_id,
        privacy_settings(request).export_postings_limit,
    )
    async with audited_read(request) as ctx:
        seeker = await service.get_for(ctx, principal, seeker_id)
        return await export.build(ctx, principal, seeker, remote)
