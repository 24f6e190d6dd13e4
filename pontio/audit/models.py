"""The append-only audit trail, and the worker's operational records.

``AuditEvent`` rows form a hash chain: each holds the SHA-256 of its own canonical
serialisation, which includes the previous row's hash, so a changed, removed or
inserted row breaks the chain (``pontio audit verify``). ``AuditHead`` is the one
row that serialises appends and remembers the end of the chain.

``WorkerHeartbeat`` and ``ScheduledRun`` belong to the worker and scheduler
(``pontio/ops``); they live here because this app is their installed home.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class AuditEvent(models.Model):
    """One thing someone did (or tried to do). Never updated, never deleted."""

    # Position in the chain: 1, 2, 3... without gaps.
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    # Plain values, not foreign keys: the record outlives the user and the object.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    organisation_code = models.CharField(max_length=16, blank=True)
    role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    # A public code (UUID, establishment number...), never a UPN or a name.
    object_ref = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=16, default="success")
    ip_address = models.CharField(max_length=45, blank=True)
    details = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            # An organisation's own trail, newest first (reports, LA audit pages).
            models.Index(fields=["organisation_code", "-at"], name="audit_org_at_idx"),
            # One kind of event over time (e.g. every lost pupil search).
            models.Index(fields=["action", "-at"], name="audit_action_at_idx"),
            # Everything one person did.
            models.Index(fields=["actor_id", "-at"], name="audit_actor_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.actor_label or '-'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only: an existing row is never written again.
        if not self._state.adding:
            raise TypeError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events cannot be deleted.")


class AuditHead(models.Model):
    """The end of the chain: locked by every append, so appends never fork."""

    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit head at {self.seq}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of one ``pontio worker`` process."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        indexes = [
            # /healthz: the most recent heartbeat of any worker.
            models.Index(fields=["-seen_at"], name="heartbeat_seen_at_idx"),
        ]

    def __str__(self) -> str:
        return self.worker_id


class ScheduledRun(models.Model):
    """A periodic job claimed for one period: the unique pair makes it run once."""

    job = models.CharField(max_length=64)
    period = models.CharField(max_length=32)
    claimed_at = models.DateTimeField()
    worker_id = models.CharField(max_length=64)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["job", "period"], name="scheduled_run_once_per_period"
            ),
        ]
        indexes = [
            # Housekeeping: prune claims older than the retention period.
            models.Index(fields=["claimed_at"], name="scheduled_run_claimed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
