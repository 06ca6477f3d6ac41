"""Places where other parts of the portal add to directory pages.

The directory knows nothing of the guide or of cooperation requests; those
apps register here (in their AppConfig.ready) and the profile page shows what
they return. Each function takes (request, organisation, terms=...) and returns
HTML or "" (``terms``: the organisation's terms by relation, already loaded).
"""

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

ProfilePanel = Callable[..., str]

# Shown on the profile page, after the profile (e.g. "from the guide").
profile_panels: list[ProfilePanel] = []
# Shown on the profile page, near the top (e.g. "send a request", "shortlist").
profile_actions: list[ProfilePanel] = []
# Shown to the team on the profile's editing page (e.g. "needs assessment").
edit_links: list[ProfilePanel] = []


def register(registry: list[ProfilePanel], function: ProfilePanel, *, order: int = 50) -> None:
    """Add ``function`` to ``registry`` once; a lower ``order`` is shown first."""
    if function in registry:
        return
    function.extension_order = order  # type: ignore[attr-defined]
    registry.append(function)
    registry.sort(key=lambda f: getattr(f, "extension_order", 50))


def render_all(functions: list[ProfilePanel], request, organisation, **kwargs) -> SafeString:
    return mark_safe("".join(str(f(request, organisation, **kwargs) or "") for f in functions))
