"""What tests share and do not test: local servers, request helpers, clients of either kind,
bodies as the spec describes them. Fixtures live in tests/conftest.py; test modules import
from here, never from one another."""

API_KEY = "sk-test-0123456789abcdef"
