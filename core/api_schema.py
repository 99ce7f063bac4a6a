"""drf-spectacular post-processing: the schema says what the bad-input edge refuses.

`core.middleware` refuses a NUL character in any query parameter or body field; a string in
the schema without a pattern of its own gets one that says so, so that clients (and
schemathesis) know it before they try. Strings with a format or an enum are left alone.
"""

NO_NUL = r"^[^\u0000]*$"


def no_nul_in_strings(result, generator, request, public):
    """Add the no-NUL pattern to every free string of the schema (parameters and bodies)."""
    _visit(result)
    return result


def _visit(node) -> None:
    if isinstance(node, dict):
        free = node.get("type") == "string" and not {"pattern", "enum", "format"} & set(node)
        if free:
            node["pattern"] = NO_NUL
        for value in node.values():
            _visit(value)
    elif isinstance(node, list):
        for value in node:
            _visit(value)
