"""How Helm combines a user's values with a chart's defaults, for the
validators and the runtime checks (one copy, so both judge the same values)."""

from __future__ import annotations

import copy


def helm_merge(defaults: dict, overlay: dict) -> dict:
    """Helm's coalescing of user values over chart defaults.

    Maps merge recursively; lists and scalars replace; an explicit null deletes
    the key when the defaults have it (a null for a key the defaults lack is
    kept, as Helm keeps it). Lists are never walked into.
    """
    result = copy.deepcopy(defaults)
    for key, value in overlay.items():
        if value is None and key in result:
            del result[key]
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = helm_merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result
