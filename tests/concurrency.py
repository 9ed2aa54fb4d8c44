"""Race helpers for the rules that must hold under concurrency: real threads against PostgreSQL,
released together by a barrier, each closing its own database connection."""

import threading

from django.db import connections

from marathon.exceptions import RuleViolation


def race(*actions, timeout: float = 60) -> list:
    """Run each action in its own thread, all released at once. Returns, per action in order, its
    return value or the exception it raised (collected for the test's assertions)."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def worker(index, action):
        try:
            barrier.wait(timeout=timeout)
            results[index] = action()
        except Exception as exc:  # collected, asserted by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


def run_together(*actions, timeout: float = 60) -> list[str]:
    """`race`, read as "ok" or "refused" (a RuleViolation) per action, sorted; any other error
    is a bug and is raised."""
    outcomes = []
    for result in race(*actions, timeout=timeout):
        if isinstance(result, RuleViolation):
            outcomes.append("refused")
        elif isinstance(result, Exception):
            raise result
        else:
            outcomes.append("ok")
    return sorted(outcomes)


def errors_of(results: list) -> list[Exception]:
    return [result for result in results if isinstance(result, Exception)]
