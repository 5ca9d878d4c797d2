"""Command-line tools of the project: set-up, training, running, evaluation."""
