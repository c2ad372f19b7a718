"""Running an instance: backups and restores, health checks, Prometheus metrics."""
