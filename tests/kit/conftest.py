from tests.postings.conftest import app, client, postings_settings

__all__ = ["app", "client", "postings_settings"]
