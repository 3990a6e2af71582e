"""What each route is called on: its path's ids, a valid body, the headers it needs (If-Match).

A route without a setup is called on the world's shared resources (`target.shared`), without a body.
A route whose call changes something gets a new target from its setup for every principal allowed to
call it, so each authorised call meets the state its success needs.
"""

from tests.security.matching_targets import CONSOLE, MATCHING
from tests.security.postings_targets import POSTINGS
from tests.security.target import Setup, Target, shared
from tests.security.world import World

SETUPS: dict[str, Setup] = POSTINGS | MATCHING | CONSOLE


async def target_for(w: World, route: str) -> Target:
    """A target for `service METHOD /path[ variant]`."""
    setup = SETUPS.get(route.split(" ", 1)[1])
    return await setup(w) if setup else Target(shared(w))
