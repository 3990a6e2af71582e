"""`python -m services.matching.keyring`: re-encrypt every stored value under the current data key."""

import asyncio
import json

from services.kit.db import build_engine, build_sessionmaker
from services.matching.config import get_settings
from services.matching.keyring.config import get_keyring_settings
from services.matching.keyring.rotation import rotate
from services.matching.seekers.crypto import get_cipher


async def main() -> None:
    engine = build_engine(get_settings())
    ring = get_keyring_settings()
    try:
        progress = await rotate(
            build_sessionmaker(engine), get_cipher(), batch_size=ring.batch_size, pause=ring.pause_seconds
        )
    finally:
        await engine.dispose()
    print(json.dumps({"rewritten": progress.rewritten, "undecryptable": progress.undecryptable}))


if __name__ == "__main__":
    asyncio.run(main())
