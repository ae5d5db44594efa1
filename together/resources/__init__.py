"""One module per API namespace; each method is written once for both clients."""
