"""What an erased seeker's feed events look like: the seeker id replaced by the pseudonym, free text
gone (docs/privacy.md §7.1). Used on events already written (`erasure.service`) and on events being
written about records made before the erasure (`feed.service`)."""

from typing import Any

ERASED = "(erased)"
# Free text in feed snapshots: dropped (the appeal's required reason is replaced instead).
TEXT_FIELDS = frozenset({"note", "decision_reason", "cancel_reason", "decision_note", "comment"})


def redacted(value: Any, seeker_id: str, alias: str, *, appeal: bool) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in TEXT_FIELDS and item is not None:
                out[key] = None
            elif appeal and key == "reason" and item is not None:
                out[key] = ERASED
            else:
                out[key] = redacted(item, seeker_id, alias, appeal=appeal)
        return out
    if isinstance(value, list):
        return [redacted(item, seeker_id, alias, appeal=appeal) for item in value]
    return alias if value == seeker_id else value
