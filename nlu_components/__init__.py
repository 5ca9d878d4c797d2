"""Custom NLU pipeline components of the assistant."""
