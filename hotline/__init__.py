"""The 12345 hotline project: settings, URLs and what belongs to the center as a whole."""

from hotline.celery import app as celery_app

__all__ = ["celery_app"]
