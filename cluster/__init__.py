"""Running the assistant as several server instances: shared stores, safe locks, health, local cluster."""
