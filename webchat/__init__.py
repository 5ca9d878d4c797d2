"""Local web page with a chat box, served beside the Rasa server."""
