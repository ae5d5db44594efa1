"""together: a Python client for the Together AI API."""
