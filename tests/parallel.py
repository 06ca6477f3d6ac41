"""Real threads for race tests: each thread uses its own database connection
and closes it (PostgreSQL, where requests of several server processes meet)."""

import threading

from django.db import connection


def parallel(*actions):
    """Run the actions in threads released at the same moment; their results in
    order. An action may return what it wants; an exception fails the test."""
    barrier = threading.Barrier(len(actions))
    results, errors = [None] * len(actions), []

    def run(i, action):
        try:
            barrier.wait()
            results[i] = action()
        except Exception as error:  # pragma: no cover - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results
