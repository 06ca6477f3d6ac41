"""What the home page says the portal holds, in figures: kept per generation of
the directory and the guide (core.pagecache), so a signed-in visitor, for whom
no page is kept, does not count them on every visit."""

from dataclasses import dataclass

from core.pagecache import cached
from directory.models import Organisation
from directory.paging import published_count
from guidance.models import Chapter


@dataclass(frozen=True)
class HomeFigures:
    organisations: int
    states: int
    chapters: int


def home_figures() -> HomeFigures:
    def count() -> HomeFigures:
        states = (
            Organisation.objects.published()
            .exclude(state__isnull=True)
            .values("state")
            .distinct()
            .count()
        )
        return HomeFigures(published_count(), states, Chapter.objects.count())

    return cached("home-figures", (), count, namespaces=("directory", "guide"))
