"""Reading the request examples an OpenAPI document shows, to send them as they are."""

from typing import Any


def documented_examples(spec: dict[str, Any], method: str, path: str) -> list[dict[str, Any]]:
    """The request examples the document shows for one route (through $ref and Optional bodies)."""
    body = spec["paths"][path][method.lower()].get("requestBody", {})
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    for candidate in [schema, *schema.get("anyOf", [])]:
        if "$ref" in candidate:
            found = spec["components"]["schemas"][candidate["$ref"].rsplit("/", 1)[1]].get("examples")
            if found:
                return list(found)
    return list(schema.get("examples", []))


def swapped(value: Any, swap: dict[str, str]) -> Any:
    """The example with the placeholder values a test cannot know replaced by its own."""
    if isinstance(value, dict):
        return {k: swapped(v, swap) for k, v in value.items()}
    if isinstance(value, list):
        return [swapped(v, swap) for v in value]
    return swap.get(value, value) if isinstance(value, str) else value


def documented_routes(spec: dict[str, Any]) -> set[tuple[str, str]]:
    """(METHOD, path) of every route whose request body has an example."""
    return {
        (method.upper(), path)
        for path, ops in spec["paths"].items()
        for method in ops
        if documented_examples(spec, method, path)
    }
