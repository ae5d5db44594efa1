"""``client.batches.run``: a file of requests to results in input order, through the Batch API.

- ``script.py`` is the run itself, written once as a generator that yields what it needs
  done (send a call, sleep, do slow local work) and is resumed with the answer; the
  client's driver (``together/_drivers.py``, one per client) does those things.
- ``online.py`` is the run with ``online=True``: the same requests and store, sent to the
  live endpoint by workers run at once (the drivers' ``Concurrently``).
- ``requests.py`` reads and checks the requests and writes the shards to upload.
- ``store.py`` keeps the run's state on disk: the manifest (what was uploaded and
  created, for resuming) and the index that puts the results back in input order.
- ``lock.py`` keeps two runs off one output (an OS file lock beside it).
- ``result.py`` holds what the call returns.
"""
