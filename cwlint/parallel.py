"""Scanning inputs in worker processes: ``cwlint scan --jobs N``.

:func:`cwlint.engine.discover` decides what the inputs are (a Terraform module directory
is one input, with all its files); this module only spreads the
:func:`cwlint.engine.scan_guarded` calls over worker processes and hands the outcomes back
in input order, so that the report is byte for byte the one a single process writes.

* **Start method.** ``forkserver`` where the platform has it, with cwlint preloaded into
  the server: the server imports cwlint once and every worker is a fork of it, so a
  worker costs milliseconds, not the 0.1 to 0.2 s of importing the engine. ``spawn`` elsewhere
  (Windows). Never a plain ``fork`` of the calling process, which is unsafe when it has
  threads. Everything that crosses to a worker is pickled, so nothing depends on state
  inherited from the parent: the options go once per worker (the initializer), inputs in
  chunks, outcomes back.
* **When.** Only for at least two inputs and two jobs. With ``jobs=None`` (automatic, the
  command's default) the CPU count is the limit and workers start only when the inputs
  are large enough to repay starting them (:mod:`cwlint.workers`, which decides);
  a number asked for explicitly is used as is.
* **Order and balance.** The largest inputs (by size on disk) are handed out first, in
  small chunks, so one big template does not finish last; the outcomes are put back in
  input order.
* **Failures.** An exception inside a worker is already an input error there
  (:func:`cwlint.engine.scan_guarded`), exactly as in one process. An outcome that cannot
  travel back (pickling) is recomputed in this process, and so is everything when the
  workers cannot start at all. A worker that dies (a crash, the
  out-of-memory killer) breaks the pool: the inputs whose outcome had not arrived are
  scanned again one at a time in a fresh single worker, and an input that kills that
  worker too becomes an input error naming it (:data:`WORKER_DIED`). Workers never print a
  traceback.
* **Ctrl-C.** Workers never see SIGINT (it is blocked while they start, and ignored in
  them); the parent gets ``KeyboardInterrupt``, terminates its workers and re-raises.

As with any use of :mod:`multiprocessing` outside fork, a program that calls
:func:`cwlint.engine.scan` with ``jobs`` other than 1 needs the
``if __name__ == "__main__":`` guard in its main module (the ``cwlint`` command has it).
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from cwlint.engine import Input, InputOutcome, ScanOptions, scan_guarded
from cwlint.findings import InputError
from cwlint.workers import input_size

#: Inputs per task: small enough to balance the load, large enough that the per-task
#: cost (pickling, a round trip) stays negligible.
MAX_CHUNK = 16
#: The error for an input during which a worker process died twice.
WORKER_DIED = ("the worker process scanning this input stopped unexpectedly (it crashed "
               "or ran out of memory)")
#: Modules the fork server imports once, before forking workers.
PRELOAD = ["__main__", "cwlint.cli", "cwlint.engine", "cwlint.parallel"]

_options: ScanOptions | None = None  # a worker's options, set by _start_worker


def scan_parallel(inputs: Sequence[Input], options: ScanOptions,
                  workers: int) -> list[InputOutcome]:
    """The outcome of every input, in input order, computed by ``workers`` processes."""
    outcomes: dict[int, InputOutcome] = {}
    order = sorted(range(len(inputs)), key=lambda i: -input_size(inputs[i]))
    size = max(1, min(MAX_CHUNK, len(inputs) // (workers * 8)))
    chunks = [[(i, inputs[i]) for i in order[start:start + size]]
              for start in range(0, len(order), size)]
    executor = _executor(workers, options)
    try:
        with _sigint_blocked():  # the workers start while their chunks are submitted
            futures = {executor.submit(_scan_chunk, chunk): chunk for chunk in chunks}
        broken = _collect(futures, outcomes, options)
    except Exception:  # the workers could not start (options that cannot be pickled...)
        _terminate(executor)
        return [scan_guarded(item, options) for item in inputs]
    except BaseException:  # Ctrl-C: no worker outlives the scan
        _terminate(executor)
        raise
    executor.shutdown(wait=True)
    if broken:
        left = [i for i in range(len(inputs)) if i not in outcomes]
        outcomes.update(_one_at_a_time([(i, inputs[i]) for i in left], options))
    return [outcomes[i] for i in range(len(inputs))]


def _collect(futures: dict[Future[list[tuple[int, InputOutcome]]], list[tuple[int, Input]]],
             outcomes: dict[int, InputOutcome], options: ScanOptions) -> bool:
    """Store each chunk's outcomes as it finishes; True when a worker died."""
    pending = set(futures)
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            try:
                outcomes.update(future.result())
            except BrokenProcessPool:
                return True
            except Exception:  # an outcome that could not be pickled: compute it here
                for index, item in futures[future]:
                    outcomes[index] = scan_guarded(item, options)
    return False


def _one_at_a_time(chunk: list[tuple[int, Input]],
                   options: ScanOptions) -> Iterator[tuple[int, InputOutcome]]:
    """Scan each input alone in a single worker, to find the input that kills workers."""
    executor: ProcessPoolExecutor | None = None
    try:
        for index, item in chunk:
            if executor is None:
                executor = _executor(1, options)
            try:
                with _sigint_blocked():
                    future = executor.submit(_scan_chunk, [(index, item)])
                yield from future.result()
            except BrokenProcessPool:
                executor.shutdown(wait=True)
                executor = None
                yield index, InputOutcome(error=InputError(item.path, WORKER_DIED), files=1)
            except Exception:  # an outcome that could not be pickled
                yield index, scan_guarded(item, options)
    except BaseException:
        if executor is not None:
            _terminate(executor)
            executor = None
        raise
    finally:
        if executor is not None:
            executor.shutdown(wait=True)


def _executor(workers: int, options: ScanOptions) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                               initializer=_start_worker, initargs=(options,))


def _context() -> Any:
    """A ``forkserver`` context preloaded with cwlint, else ``spawn``."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Block SIGINT while worker processes start, so they (and the fork server) inherit
    it blocked; a Ctrl-C meanwhile is delivered to this process right after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _terminate(executor: ProcessPoolExecutor) -> None:
    """Stop at once: cancel what has not started and end the worker processes."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()


def _start_worker(options: ScanOptions) -> None:
    """A worker's initializer: no Ctrl-C, the CLI's garbage collector tuning, the
    options for every chunk."""
    global _options
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from cwlint.cli import tune_garbage_collector

    tune_garbage_collector()
    _options = options


def _scan_chunk(chunk: list[tuple[int, Input]]) -> list[tuple[int, InputOutcome]]:
    """A worker's task: the outcome of each input of ``chunk``, keyed by its index."""
    if _options is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker started without options")
    return [(index, scan_guarded(item, _options)) for index, item in chunk]
