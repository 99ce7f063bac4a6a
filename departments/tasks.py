"""Celery tasks of the departments app (run only when CELERY_BROKER_URL is configured)."""

from celery import shared_task

from departments import webhooks


@shared_task(name="departments.deliver_webhooks", ignore_result=True)
def deliver_webhooks(limit: int = 100) -> dict[str, int]:
    """Deliver the webhook outbox rows that are due (beat runs it; retries wait for a run)."""
    return webhooks.deliver_due(limit=limit)
