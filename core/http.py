"""The client's address, as far as this deployment can trust it.

`NUM_PROXIES` says how many reverse proxies of ours stand in front of the application. With 0
(the default) the address is the connection's own (`REMOTE_ADDR`) and a client's
`X-Forwarded-For` changes nothing; with n, it is the n-th entry from the right of
`X-Forwarded-For`, the one our outermost proxy appended (entries to its left are the client's
word). The throttles and anything else that keys on the client use this one function; it
reads the header the same way Django REST framework does with the same setting.
"""

from django.conf import settings


def client_address(request) -> str:
    """The address of the client that sent `request` (a Django or DRF request)."""
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "NUM_PROXIES", 0)
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if proxies <= 0 or not hops:
        return remote
    return hops[-min(proxies, len(hops))]
