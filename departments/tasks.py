"""Celery tasks of the departments app (run only when CELERY_BROKER_URL is configured)."""

from celery import shared_task

from departments import webhooks


@shared_task(name="departments.deliver_webhooks", ignore_result=True)
def deliver_webhooks(limit: int = 100) -> dict[str, int]:
    """Deliver the webhook outbox rows that are due, and come back when the next retry is."""
    counts = webhooks.deliver_due(limit=limit)
    wait = webhooks.seconds_until_next_due()
    if wait is not None:
        deliver_webhooks.apply_async(kwargs={"limit": limit}, countdown=wait)
    return counts
