"""Running Pontio: worker, scheduler, heartbeats, health checks, housekeeping."""
