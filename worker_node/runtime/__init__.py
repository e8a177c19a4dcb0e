"""The worker's runtime: connection, consuming and acking, heartbeats, control, shutdown."""
