"""GeoReport v2 responses in JSON or XML, and the standard's error format."""

import xml.etree.ElementTree as ET

from django.http import HttpResponse, JsonResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

# The element names of each list in the XML format.
XML_NAMES = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(name: str, value) -> ET.Element:
    node = ET.Element(name)
    if isinstance(value, dict):
        for key, item in value.items():
            node.append(_element(key, item))
    elif isinstance(value, list):
        for item in value:
            node.append(_element(name.rstrip("s") or "item", item))
    else:
        node.text = _text(value)
    return node


def to_xml(kind: str, rows: list[dict] | dict) -> bytes:
    """A list (`services`, `requests`, `errors`) or one object (`service_definition`) as XML."""
    if kind in XML_NAMES:
        root_name, row_name = XML_NAMES[kind]
        root = ET.Element(root_name)
        for row in rows:
            root.append(_element(row_name, row))
    else:
        root = _element(kind, rows)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, kind: str, data, status: int = 200) -> HttpResponse:
    """The answer in the format the client asked for (the URL's .json or .xml)."""
    if fmt == "xml":
        return HttpResponse(to_xml(kind, data), status=status, content_type=XML_TYPE)
    # Chinese as it is (not \\uXXXX escapes), and the charset said, for every client.
    return JsonResponse(
        data,
        status=status,
        safe=False,
        content_type=JSON_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """The standard's error answer: a list of {code, description}."""
    return respond(fmt, "errors", [{"code": status, "description": description}], status)
