from services.kit.problems import Conflict


class PseudonymMismatch(Conflict):
    """The seeker is already being erased under another pseudonym (the matching service's lookup key
    changed): applying a second one would split the person's records between two pseudonyms."""

    code, title = "erasure_pseudonym_mismatch", "This seeker is already erased under another pseudonym"
    title_zh = "该求职者已以另一假名删除"
