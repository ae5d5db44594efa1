"""Contract tests: the public client against the Prism mock server serving the overlaid
spec (``make contract``; part of ``make test``)."""
