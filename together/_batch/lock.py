"""One batch run per output at a time: an OS file lock on ``OUT.batch.lock``, beside the
run's state folder. The OS releases it when the process ends, however it ends, so a crash
never leaves a stale lock behind."""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

from .._errors import BatchRunLockedError


def _try_lock(fd: int) -> bool:
    """Whether this process now holds the OS lock on the open file ``fd`` (False: another
    open file, in this process or another, holds it)."""
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class RunLock:
    """The exclusive lock of the runs on one output: the file ``OUT.batch.lock``, locked by
    the OS (flock; on Windows msvcrt.locking) and holding who took it. The file is left in
    place when the lock is released: removing it would let a third run lock a new file
    while a second still holds the old one."""

    def __init__(self, output: Path) -> None:
        self.path = output.with_name(output.name + ".batch.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Takes the lock, or raises BatchRunLockedError naming the file and its holder."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            holder = _holder(fd)
            os.close(fd)
            raise BatchRunLockedError(
                f"batches.run: another run is using this output (lock {str(self.path)!r}, "
                f"held by {holder}); wait for it to end, or use another output"
            )
        self._fd = fd
        started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        os.ftruncate(fd, 0)
        os.write(fd, f"process {os.getpid()} on {socket.gethostname()} since {started}".encode())

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # (which releases the lock)
            self._fd = None


def _holder(fd: int) -> str:
    """Who holds the lock, as the holder wrote it (which it does just after taking it)."""
    for _ in range(20):
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            text = os.read(fd, 1000).decode("utf-8", "replace").strip()
        except OSError:  # (Windows: the holder's locked byte can't be read)
            return "unknown"
        if text:
            return text
        time.sleep(0.025)
    return "unknown"
