"""Open311 GeoReport v2: citizens' apps list our services and submit and follow requests."""
