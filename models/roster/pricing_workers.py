r"""Pricing people in worker processes, so a round of pricing uses more than one core.

A round of column generation prices every person against the master LP's multipliers
(:func:`models.roster.column_generation.price_round`). Pricing by the dynamic programme of
:mod:`models.roster.line_paths` runs in Python and holds the interpreter's lock, so pricing
threads take turns and a second core idles (on Curtois & Qu Instance12, 60 people, column
generation got 9-17 of the about 25 rounds it needs in its 30 s).

:class:`PricingWorkers` starts ``processes`` worker processes (``spawn``: no copy of the parent's
solver threads) when the search starts. Each receives the validated input and its people (every
``processes + 1``-th person, the main process keeping the first share) and builds their pricing
models once (:meth:`models.roster.lines.LineModel.of_person`, no re-validation), while the main
process goes on. Each round, :meth:`PricingWorkers.price` sends each worker its people's
requests (multipliers, seconds, and the pricing model's state: a node's fixings, the CP-SAT hint
and linearization level), prices the main process's own people meanwhile, and gathers the
results in the people's order. The state travels with every request and comes back with every
answer, so the pricing models of the main process stay the only state: pricing in a worker gives
the same lines as pricing in the main process, and a person is priced in the main process when
its worker is not ready yet.

Deadline and shutdown: a worker prices no person once the deadline sent with the round has
passed (those come back as None, as in :func:`~models.roster.column_generation.price_round`); a
worker that does not answer within the time left and :data:`GRACE` seconds is stopped and its
people go back to the main process; so is one still pricing when a stop is requested (Ctrl-C:
the round's people it held come back unpriced). :meth:`PricingWorkers.close` (also on leaving the ``with``
block, whatever the exception) asks each worker to end and terminates any that does not within
:data:`GRACE`; a worker whose parent has gone reads the end of its pipe and ends; workers ignore
Ctrl-C (the main process's ``with`` block ends them).

A script that runs the ``lines`` search with workers must start it under
``if __name__ == "__main__":``, as for any ``spawn`` process: a worker imports the script's main
module (``optimiser`` and ``python -m`` do not re-run it); without the guard the worker fails,
the main process reads its end and prices its people itself.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from models.roster.input import RosterInput
from models.roster.lines import Line, LineModel, Priced
from models.roster.parameters import RosterParameters
from models.roster.vars import RosterModel

__all__ = ["GRACE", "POLL", "PricingWorkers", "Request"]

GRACE = 2.0
"""Seconds past a round's deadline a worker may take to answer (one pricing call's programme or
CP-SAT's stop), and a closing worker to end, before it is terminated."""

POLL = 0.05
"""Seconds between the main process's checks for a stop request while it waits for a worker."""

Fixings = tuple[frozenset[tuple[int, str]], frozenset[tuple[int, str]]]


@dataclass(frozen=True)
class Request:
    """One person's pricing call: :meth:`models.roster.lines.LineModel.price`'s arguments and the
    pricing model's state (``fixings``, ``hint``, ``linearization``) to price from."""

    p: int
    mu: Mapping[tuple[int, str], int]
    phi: tuple[int, ...]
    seconds: float | None
    seed: int
    pool: int
    fixings: Fixings
    hint: Line | None
    linearization: int


@dataclass(frozen=True)
class Answer:
    """A worker's pricing of one person (None: the deadline passed first) and the pricing model's
    state after it."""

    priced: Priced | None
    hint: Line | None
    linearization: int


def request_of(person: LineModel, mu: Mapping[tuple[int, str], int], phi: tuple[int, ...],
               seconds: float | None, seed: int, pool: int) -> Request:  # fmt: skip
    """The request pricing ``person`` from its current state."""
    return Request(person.p, mu, phi, seconds, seed, pool, person.fixings, person.hint, person.linearization)


def answer(model: LineModel, request: Request, deadline: float | None) -> Answer:
    """Price ``request`` on ``model`` (its state set from the request first), unless ``deadline``
    (``time.monotonic``) has passed."""
    left = None if deadline is None else deadline - time.monotonic()
    if left is not None and left <= 0:
        return Answer(None, request.hint, request.linearization)
    if model.fixings != request.fixings:
        model.restrict(*request.fixings)
    model.hint = request.hint
    model.linearization = request.linearization
    seconds = (
        left if request.seconds is None else request.seconds if left is None else min(request.seconds, left)
    )
    priced = model.price(request.mu, request.phi, seconds, request.seed, request.pool)
    return Answer(priced, model.hint, model.linearization)


def _serve(conn: Connection, inp: RosterInput, params: RosterParameters, people: list[tuple[int, str]],
           paths: bool) -> None:  # fmt: skip
    """A worker: build the people's pricing models, say ready, then answer rounds (a list of
    requests and the seconds left) until told to end (None) or the parent's end of the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent ends its workers on Ctrl-C
    try:
        models = {p: LineModel.of_person(inp, params, p, staff, paths) for p, staff in people}
        conn.send("ready")
        while True:
            message = conn.recv()
            if message is None:
                return
            left, requests = message
            deadline = None if left is None else time.monotonic() + left
            conn.send([answer(models[r.p], r, deadline) for r in requests])
    except (EOFError, BrokenPipeError):
        return
    except Exception:  # noqa: BLE001 - the parent raises it
        try:
            conn.send(traceback.format_exc())
        except (EOFError, BrokenPipeError, OSError):
            return


class PricingWorkers:
    """``processes`` pricing worker processes for the people of ``rm`` (module docstring);
    ``paths`` as :class:`models.roster.lines.LineModel`. Use as a context manager."""

    def __init__(self, rm: RosterModel, processes: int, paths: bool = True) -> None:
        context = multiprocessing.get_context("spawn")
        self.processes = processes
        self.owner = [p % (processes + 1) for p in range(len(rm.staff))]  # 0: the main process
        self._workers: list[tuple[Any, Connection] | None] = []
        self._ready = [False] * processes
        try:
            for k in range(1, processes + 1):
                mine, theirs = context.Pipe()
                people = [(p, str(rm.staff[p])) for p in range(len(rm.staff)) if self.owner[p] == k]
                process = context.Process(
                    target=_serve, args=(theirs, rm.inp, rm.params, people, paths), daemon=True,
                    name=f"pricing-{k}",
                )  # fmt: skip
                process.start()
                theirs.close()
                self._workers.append((process, mine))
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> PricingWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ready(self, k: int) -> bool:
        """Whether worker ``k`` (1-based) has built its models (without waiting)."""
        worker = self._workers[k - 1]
        if worker is None:
            return False
        if not self._ready[k - 1]:
            process, conn = worker
            try:
                if conn.poll():
                    message = conn.recv()
                    if message != "ready":
                        self._stop(k)
                        raise RuntimeError(f"pricing worker {k} failed:\n{message}")
                    self._ready[k - 1] = True
            except (EOFError, OSError):
                self._stop(k)
                return False
        return self._ready[k - 1]

    def price(
        self,
        people: list[LineModel],
        requests: Callable[[LineModel], Request | None],
        left: float | None,
        stop: Callable[[], bool] | None = None,
    ) -> list[Priced | None]:
        """Price ``people`` (a subset of the model's, in order): each worker that is ready gets
        its people's requests (``requests(person)``; None: out of time), the main process prices
        the rest meanwhile, with ``left`` seconds (None: no deadline). Results in ``people``'s
        order; each person's pricing model takes the state its worker returns. When ``stop()`` is
        true (a stop request, Ctrl-C) once the main process's own people are priced, it does not
        wait: the workers are ended and their people come back unpriced (None)."""
        deadline = None if left is None else time.monotonic() + left
        sent: dict[int, list[LineModel]] = {}
        for k in range(1, self.processes + 1):
            theirs = [person for person in people if self.owner[person.p] == k]
            if not theirs or not self.ready(k):
                continue
            built = [requests(person) for person in theirs]
            if any(r is None for r in built):
                continue
            worker = self._workers[k - 1]
            assert worker is not None
            try:
                worker[1].send((left, built))
            except (BrokenPipeError, OSError):
                self._stop(k)
                continue
            sent[k] = theirs
        away = {person.p for theirs in sent.values() for person in theirs}
        found: dict[int, Priced | None] = {}
        for person in people:
            if person.p in away:
                continue
            request = requests(person)
            found[person.p] = None if request is None else _apply(person, answer(person, request, deadline))
        for k, theirs in sent.items():
            answers = self._receive(k, deadline, stop)
            if answers is None:  # stopped: its people this round are not priced
                found.update((person.p, None) for person in theirs)
                continue
            for person, got in zip(theirs, answers, strict=True):
                found[person.p] = _apply(person, got)
        return [found[person.p] for person in people]

    def _receive(
        self, k: int, deadline: float | None, stop: Callable[[], bool] | None
    ) -> list[Answer] | None:
        """Worker ``k``'s answers, or None when it did not answer in time or ``stop()`` turned
        true first (it is stopped)."""
        worker = self._workers[k - 1]
        assert worker is not None
        conn = worker[1]
        end = None if deadline is None else deadline + GRACE
        try:
            while True:
                if stop is not None and stop():  # a stop request: no waiting, whatever is on its way
                    self._stop(k)
                    return None
                if conn.poll(POLL if end is None else min(POLL, max(end - time.monotonic(), 0.0))):
                    break
                if end is not None and time.monotonic() >= end:
                    self._stop(k)
                    return None
            message = conn.recv()
        except (EOFError, OSError):
            self._stop(k)
            return None
        if isinstance(message, str):
            self._stop(k)
            raise RuntimeError(f"pricing worker {k} failed:\n{message}")
        answers: list[Answer] = message
        return answers

    def _stop(self, k: int) -> None:
        """End worker ``k`` (asked first, then terminated) and give its people to the main process."""
        worker = self._workers[k - 1]
        self._workers[k - 1] = None
        self._ready[k - 1] = False
        self.owner = [0 if owner == k else owner for owner in self.owner]
        if worker is None:
            return
        process, conn = worker
        with contextlib.suppress(BrokenPipeError, OSError):
            conn.send(None)
        process.join(GRACE)
        if process.is_alive():
            process.terminate()
            process.join(GRACE)
        if process.is_alive():
            process.kill()
            process.join()
        conn.close()

    def close(self) -> None:
        """End every worker (:meth:`_stop`); safe to call twice."""
        for k in range(1, len(self._workers) + 1):
            self._stop(k)


def _apply(person: LineModel, got: Answer) -> Priced | None:
    """Take the state a pricing call left (in a worker or here) into ``person``'s model."""
    person.hint = got.hint
    person.linearization = got.linearization
    return got.priced
