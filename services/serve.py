"""`lingong serve`: both services in one process on the embedded default."""

import asyncio
import logging

import uvicorn

from services.kit.auth import mint_token
from services.matching.demo import demo_id, load_demo_seekers
from services.matching.main import create_app as create_matching
from services.postings.config import get_settings as postings_settings
from services.postings.demo_loader import DEMO_SOURCE, load_demo
from services.postings.main import create_app as create_postings

log = logging.getLogger("lingong.serve")

BANNER = """
lingong is running on the embedded default (SQLite).
  postings service  http://{host}:{pp}   (API docs: http://{host}:{pp}/docs)
  matching service  http://{host}:{mp}   (API docs: http://{host}:{mp}/docs)

Station console (staff): http://{host}:{mp}/console/login  (click 演示登录, or paste a staff token)

Tokens for trying the API (embedded local key; never in production):
  .venv/bin/lingong dev-token --role employer --sub demo-employer
  .venv/bin/lingong dev-token --role seeker   --sub {seeker}   (then GET /v1/seekers/{seeker}/matches)
  .venv/bin/lingong dev-token --role staff    --sub demo-staff --station st-001 --county 370102
  .venv/bin/lingong dev-token --role service  --sub matching
  .venv/bin/lingong dev-token --role admin    --sub demo-admin
Then: curl -H "Authorization: Bearer $TOKEN" http://{host}:{pp}/v1/postings
An employer token that owns the demo employers and postings (valid 8 h; try
GET http://{host}:{mp}/v1/postings/ID/candidates with it):
  {token}
"""


async def _load_demo_in_background() -> None:
    loaded = await load_demo()
    if loaded:
        print(f"demo data loaded: {loaded} postings", flush=True)
    seekers = await load_demo_seekers()
    if seekers:
        print(f"demo seekers registered: {seekers} (ids {demo_id(0)} …)", flush=True)


async def serve_both(host: str, postings_port: int, matching_port: int, *, demo: bool) -> None:
    servers = [
        uvicorn.Server(uvicorn.Config(create_postings(), host=host, port=postings_port, log_config=None)),
        uvicorn.Server(uvicorn.Config(create_matching(), host=host, port=matching_port, log_config=None)),
    ]
    # The demo's employers are owned by the account that imported them.
    token = mint_token(postings_settings().auth, "employer", f"import:{DEMO_SOURCE}", ttl=8 * 3600)
    banner = BANNER.format(host=host, pp=postings_port, mp=matching_port, token=token, seeker=demo_id(0))
    print(banner, flush=True)
    tasks = [asyncio.create_task(s.serve()) for s in servers]
    if demo:
        # Loaded through the importer in small batches while the services already answer.
        print("loading demo data in the background (about a minute on 2 cores)...", flush=True)
        tasks.append(asyncio.create_task(_load_demo_in_background()))
    await asyncio.gather(*tasks)
