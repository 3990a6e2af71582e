"""Every table of the matching service, imported so the metadata is complete (alembic, tests).

Each domain folder's `models.py` is imported, so a new part needs no edit here.
"""

import importlib
import pkgutil

import services.matching as package
from services.matching.database import Base, IdempotencyKey

for _info in pkgutil.iter_modules(package.__path__):
    if _info.ispkg:
        try:
            importlib.import_module(f"{package.__name__}.{_info.name}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package.__name__}.{_info.name}.models":
                raise

__all__ = ["Base", "IdempotencyKey"]
