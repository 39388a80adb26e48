"""Background jobs: training runs of new model versions."""
