"""Custom actions of the assistant, served by the Rasa SDK action server."""
