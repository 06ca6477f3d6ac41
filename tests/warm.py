"""What a running portal keeps between requests (the vocabulary in each process,
the footer's operator slot in the shared cache), loaded before a test pins the
queries of a page as it is served in production."""

from directory.vocabulary import get_vocabulary
from portal.context_processors import current_operator


def warm() -> None:
    get_vocabulary()
    current_operator()
