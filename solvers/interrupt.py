"""Stop a solve on request and keep its best plan: one process-wide stop request, set by Ctrl-C.

The shell wraps a solve in :func:`stop_on_signals`.  The first SIGINT (Ctrl-C) or SIGTERM sets
the stop request; every backend sees it at its next callback and returns the best plan it has
(status ``feasible``, or ``no_solution`` without one, with ``interrupted=True``):

* HiGHS (direct, pricing, and pyomo's HiGHS) through its interrupt callbacks, which run after
  presolve, at every branch-and-bound node and heuristic, and during a plain linear program's
  simplex iterations.  The root linear relaxation of a MILP has no callback: a stop requested
  there takes effect when it ends (its time limit still holds);
* CP-SAT through ``CpSolver.stop_search``, called at once (see :func:`on_stop`);
* pyomo's legacy solvers (CBC, GLPK, SCIP) at the next solve: Ctrl-C at a terminal reaches the
  solver process too and it stops itself; a SIGTERM sent to this process alone does not.

A model's own loops (weekly stages, pricing rounds, heuristics) ask
:meth:`solvers.SolveOptions.should_stop` between steps.

The second signal raises :class:`KeyboardInterrupt` in the main thread as soon as it runs Python;
if it does not within :data:`FORCE_AFTER_SECONDS` (the main thread stuck in a solver with no
callback), the process ends at once with exit code 128 + the signal number.

Signals reach Python's handler only when the main thread runs Python code, which it does not
while it is inside a solver.  The handler's wake-up file (:func:`signal.set_wakeup_fd`) receives a
byte for every signal at the moment it arrives, so a watcher thread sets the stop request without
waiting for the main thread.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType

FORCE_AFTER_SECONDS = 2.0
"""Seconds after a second signal before the process ends if the main thread has not stopped."""

INTERRUPTED_NO_PLAN = "interrupted before any plan was found"
INTERRUPTED_PLAN = "interrupted; the best plan found so far is kept"
STOP_MESSAGE = "Stopping: the best plan found so far will be kept (press Ctrl-C again to quit at once)."

_REQUEST = threading.Event()
_LOCK = threading.RLock()  # re-entrant: the signal handler may run while the main thread holds it
_ACTIONS: list[Callable[[], None]] = []
_ACTIVE = False


def stop_requested() -> bool:
    """Whether a stop has been requested (by a signal or :func:`request_stop`)."""
    return _REQUEST.is_set()


def request_stop() -> None:
    """Ask every running solve to stop and return its best plan; runs the :func:`on_stop` actions."""
    with _LOCK:
        first = not _REQUEST.is_set()
        _REQUEST.set()
        actions = list(_ACTIONS) if first else []
    for action in actions:
        action()


def stopped_early_message(has_plan: bool) -> str:
    """The message of a solve cut short by a stop request."""
    return INTERRUPTED_PLAN if has_plan else INTERRUPTED_NO_PLAN


def clear_stop() -> None:
    """Withdraw the stop request (a new solve starts)."""
    _REQUEST.clear()


@contextlib.contextmanager
def on_stop(action: Callable[[], None]) -> Iterator[None]:
    """Run ``action`` (thread-safe, e.g. ``CpSolver.stop_search``) when a stop is requested in the block.

    Called at once if the stop was requested before the block.
    """
    with _LOCK:
        _ACTIONS.append(action)
        already = _REQUEST.is_set()
    if already:
        action()
    try:
        yield
    finally:
        with _LOCK:
            _ACTIONS.remove(action)


def _write_stderr(text: str) -> None:
    sys.stderr.write(f"\n{text}\n")
    sys.stderr.flush()


class _Handler:
    """The installed state of :func:`stop_on_signals`: signal handler, wake-up pipe, watcher thread."""

    def __init__(self, signals: tuple[int, ...], notify: Callable[[str], None] | None) -> None:
        self.signals = signals
        self.notify = notify
        self.calls = 0  # signals seen by the Python-level handler (main thread)
        self.received = 0  # signals seen by the watcher (at once)
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.write_fd, False)
        self.force = threading.Timer(FORCE_AFTER_SECONDS, self._force_exit)
        self.force.daemon = True
        self.last_signal: int = int(signal.SIGINT)
        self.watcher = threading.Thread(target=self._watch, name="stop-on-signals", daemon=True)

    def handle(self, signum: int, frame: FrameType | None) -> None:
        """Python's handler (main thread, when it runs Python): a stop request, then KeyboardInterrupt."""
        self.calls += 1
        self.last_signal = signum
        if max(self.calls, self.received) >= 2:
            raise KeyboardInterrupt
        request_stop()  # no output here: the main thread may be inside a write to stderr

    def _watch(self) -> None:
        while True:
            try:
                data = os.read(self.read_fd, 64)
            except OSError:
                return
            for byte in data:
                if byte == 0:  # the sentinel written on leaving the block
                    return
                self.received += 1
                self.last_signal = byte
                if self.received == 1:
                    request_stop()
                    if self.notify is not None:
                        self.notify(STOP_MESSAGE)
                elif self.received == 2:
                    self.force.start()

    def _force_exit(self) -> None:
        if self.notify is not None:
            self.notify("Stopped at once; nothing written.")
        os._exit(128 + int(self.last_signal))

    def close(self) -> None:
        self.force.cancel()
        with contextlib.suppress(OSError):
            os.write(self.write_fd, b"\0")
        self.watcher.join(timeout=1.0)
        os.close(self.write_fd)
        os.close(self.read_fd)


@contextlib.contextmanager
def stop_on_signals(
    signals: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM),
    notify: Callable[[str], None] | None = _write_stderr,
) -> Iterator[None]:
    """Within the block, the first of ``signals`` requests a stop and the second raises KeyboardInterrupt.

    Clears the stop request on entry and on exit (read :func:`stop_requested` inside).  Outside
    the main thread, or nested in another such block, it changes nothing (the outer block
    handles the signals).  ``notify`` receives a
    line for the user when the first signal arrives (default: stderr).
    """
    global _ACTIVE
    if _ACTIVE or threading.current_thread() is not threading.main_thread():
        yield
        return
    clear_stop()
    handler = _Handler(signals, notify)
    previous = {sig: signal.signal(sig, handler.handle) for sig in signals}
    try:
        previous_fd: int | None = signal.set_wakeup_fd(handler.write_fd, warn_on_full_buffer=False)
    except ValueError:  # Windows takes only a socket: the handler alone, when Python runs
        previous_fd = None
    handler.watcher.start()
    _ACTIVE = True
    try:
        yield
    finally:
        _ACTIVE = False
        if previous_fd is not None:
            signal.set_wakeup_fd(previous_fd)
        for sig, old in previous.items():
            signal.signal(sig, old)
        handler.close()
        clear_stop()
