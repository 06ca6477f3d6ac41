"""No URL changes by accident: other sites link to profiles, and the API is a contract.

``tests/house/urls.txt`` lists every URL pattern with its name. A change to it is a
decision: regenerate the list with
``python -m tests.house.test_url_list > tests/house/urls.txt`` and say why in the commit.
"""

from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

LIST = Path(__file__).resolve().parent / "urls.txt"


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else "-"
            yield f"{prefix}{pattern.pattern}  {name}"


# Routes that exist only with DEBUG (uploaded media) or in the benchmark (the floor view).
SETTING_DEPENDENT = ("media/", "_floor/")


def current_urls() -> list[str]:
    urls = set(_walk(get_resolver().url_patterns))
    return sorted(u for u in urls if not u.startswith(SETTING_DEPENDENT))


def test_the_url_patterns_and_names_are_the_committed_ones():
    committed = LIST.read_text().splitlines()
    current = current_urls()
    assert [u for u in current if u not in committed] == [], "new or changed URLs"
    assert [u for u in committed if u not in current] == [], "removed or changed URLs"


if __name__ == "__main__":
    import django

    django.setup()
    print("\n".join(current_urls()))
