"""Map coordinates: WGS84 (GPS, Open311, the rest of the world) and GCJ-02 (Chinese map apps).

Maps published in mainland China (Amap/Gaode, Tencent, the WeChat location picker) give GCJ-02
coordinates: WGS84 shifted by a published obfuscation formula, a few hundred metres off. We
store WGS84. `gcj02_to_wgs84` inverts the standard forward formula by iteration (to well under
a metre); outside mainland China the two datums are the same and nothing is shifted.
"""

import math

AXIS = 6378245.0  # Krasovsky 1940 semi-major axis, as the formula has it
ECCENTRICITY2 = 0.00669342162296594323
DATUMS = ("wgs84", "gcj02")


def outside_china(lat: float, lon: float) -> bool:
    """The formula's own rough box: outside it GCJ-02 equals WGS84."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _shift_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _shift_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """The standard forward formula (what a Chinese map app shows for a GPS position)."""
    if outside_china(lat, lon):
        return lat, lon
    d_lat = _shift_lat(lon - 105.0, lat - 35.0)
    d_lon = _shift_lon(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - ECCENTRICITY2 * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((AXIS * (1 - ECCENTRICITY2)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (AXIS / sqrt_magic * math.cos(rad) * math.pi)
    return lat + d_lat, lon + d_lon


def gcj02_to_wgs84(lat: float, lon: float, *, rounds: int = 10) -> tuple[float, float]:
    """The WGS84 position whose GCJ-02 image is (lat, lon), by fixed-point iteration."""
    if outside_china(lat, lon):
        return lat, lon
    wgs_lat, wgs_lon = lat, lon
    for _ in range(rounds):
        g_lat, g_lon = wgs84_to_gcj02(wgs_lat, wgs_lon)
        wgs_lat, wgs_lon = wgs_lat - (g_lat - lat), wgs_lon - (g_lon - lon)
    return wgs_lat, wgs_lon


def to_wgs84(lat: float, lon: float, datum: str) -> tuple[float, float]:
    """(lat, lon) in WGS84 from the datum the client named (`wgs84` or `gcj02`)."""
    if datum == "gcj02":
        return gcj02_to_wgs84(lat, lon)
    return lat, lon
