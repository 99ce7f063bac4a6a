"""Celery tasks of the notifications (run only when CELERY_BROKER_URL is configured)."""

from celery import shared_task

from notifications import delivery, survey


@shared_task(name="notifications.deliver_notifications", ignore_result=True)
def deliver_notifications(limit: int = 100) -> dict[str, int]:
    """Send the messages that are due and close the SMS surveys past their deadline."""
    counts = delivery.deliver_due(limit=limit)
    counts["surveys_expired"] = survey.expire_surveys()
    return counts
