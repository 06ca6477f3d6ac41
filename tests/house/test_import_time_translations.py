"""No interface text is translated when a module is imported.

A module is imported once per process, before any request, with the default language
(German) active: gettext() at module level or in a class body freezes German text that
English visitors then see. Such strings must be lazy (gettext_lazy, format_lazy) or
translated in the view. The modules are found by walking the project's apps, so that
moving a module between apps needs no change here.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR).resolve()
TRANSLATION_MODULES = {"django.utils.translation", "gettext"}
# Translating at once (gettext_noop only marks a string; the lazy variants are fine).
EAGER = {"gettext", "ngettext", "pgettext", "npgettext", "ugettext", "ungettext"}
# Lazy strings that %, +, str() and str methods turn into text at once (the plural
# variants keep % lazy).
LAZY = {"gettext_lazy", "pgettext_lazy", "ugettext_lazy"}
NOT_PROJECT_CODE = {"migrations", "tests", "node_modules", "__pycache__"}


def _project_modules() -> list[Path]:
    """The Python files of the apps inside the project directory."""
    roots = sorted(
        {
            Path(app.path).resolve()
            for app in apps.get_app_configs()
            if Path(app.path).resolve().is_relative_to(ROOT)
        }
    )
    files = set()
    for root in roots:
        for path in root.rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if any(part.startswith(".") or part in NOT_PROJECT_CODE for part in parts[:-1]):
                continue
            if parts[-1].startswith("test_"):
                continue
            files.add(path)
    return sorted(files)


class _ImportTimeCalls(ast.NodeVisitor):
    """Translations that run when the module is imported: eager calls, and lazy strings
    turned into text at once (by %, +, an f-string, str() or a str method), in the module
    body and class bodies, in decorators and default values; not in function bodies.
    """

    def __init__(self):
        self.functions: dict[str, str] = {}  # local name -> translation function
        self.modules: set[str] = set()  # local names (dotted) of translation modules
        self.found: list[tuple[int, str]] = []
        self.parents: list[ast.AST] = []

    def visit(self, node):
        self.parents.append(node)
        try:
            super().visit(node)
        finally:
            self.parents.pop()

    def visit_Import(self, node):
        for alias in node.names:
            if alias.name in TRANSLATION_MODULES:
                self.modules.add(alias.asname or alias.name)

    def visit_ImportFrom(self, node):
        for alias in node.names:
            if node.module in TRANSLATION_MODULES:
                self.functions[alias.asname or alias.name] = alias.name
            elif f"{node.module}.{alias.name}" in TRANSLATION_MODULES:
                self.modules.add(alias.asname or alias.name)

    def _deferred(self, node):
        # The body runs when called; decorators and defaults run now.
        for decorator in getattr(node, "decorator_list", []):
            self.visit(decorator)
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d]:
            self.visit(default)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _deferred

    def visit_Call(self, node):
        name = self._translation_function(node.func)
        if name in EAGER:
            self.found.append((node.lineno, f"{name}()"))
        elif name in LAZY and self._forced(node, self.parents[-2]):
            self.found.append((node.lineno, f"{name}() made text"))
        self.generic_visit(node)

    def _translation_function(self, func) -> str | None:
        if isinstance(func, ast.Name):
            return self.functions.get(func.id)
        if isinstance(func, ast.Attribute) and ast.unparse(func.value) in self.modules:
            return func.attr
        return None

    @staticmethod
    def _forced(node, parent) -> bool:
        if isinstance(parent, ast.BinOp | ast.FormattedValue):
            return True
        if isinstance(parent, ast.Attribute):  # _("...").format(...), .upper(), ...
            return True
        return (
            isinstance(parent, ast.Call)
            and isinstance(parent.func, ast.Name)
            and parent.func.id in ("str", "format")
            and node in parent.args
        )


def _import_time_calls(source: str) -> list[tuple[int, str]]:
    visitor = _ImportTimeCalls()
    visitor.visit(ast.parse(source))
    return visitor.found


def test_the_check_finds_eager_translations_at_import_time_only():
    source = """
from django.utils import translation
from django.utils.translation import gettext as _, gettext_lazy, ngettext
import django.utils.translation as t

A = _("module")
B = gettext_lazy("lazy is fine")
if True:
    C = [translation.gettext("in a block")]

class Form:
    label = t.pgettext("context", "class body")
    lazy = gettext_lazy("fine")

    def method(self, text=ngettext("a default", "defaults", 2)):
        return _("in a function: fine")

@decorate(message=_("decorator"))
def view(request):
    return _("fine"), (lambda: _("fine")), gettext_lazy("%s") % 1

D = gettext_lazy("%(n)s") % {"n": 1}
E = f"{gettext_lazy('f-string')}"
F = gettext_lazy("{}").format(1)
G = [gettext_lazy("fine"), str(gettext_lazy("str"))]
"""
    assert _import_time_calls(source) == [
        (6, "gettext()"),
        (9, "gettext()"),
        (12, "pgettext()"),
        (15, "ngettext()"),
        (18, "gettext()"),
        (22, "gettext_lazy() made text"),
        (23, "gettext_lazy() made text"),
        (24, "gettext_lazy() made text"),
        (25, "gettext_lazy() made text"),
    ]


def test_no_module_translates_when_imported():
    modules = _project_modules()
    assert len(modules) > 20, "found almost no modules: wrong directories?"
    problems = [
        f"{path.relative_to(ROOT)}:{line}: {name} at import time (use gettext_lazy)"
        for path in modules
        for line, name in _import_time_calls(path.read_text(encoding="utf-8"))
    ]
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "not_expected"),
    [
        ("en", "You have sent many requests today already.", "viele Anfragen"),
        ("de", "Sie haben heute schon viele Anfragen gesendet.", "many requests"),
    ],
)
def test_the_request_limit_message_is_in_the_visitors_language(
    client, institution_user, mo_a, settings, language, expected, not_expected
):
    settings.REQUESTS_PER_DAY = 0
    client.cookies["django_language"] = language
    client.force_login(institution_user)
    response = client.post(
        reverse("cooperation:new", args=[mo_a.slug]),
        {"subject": "Erstberatung", "message": "Wir suchen einen Partner.", "timeframe": "2027"},
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert expected in html and not_expected not in html
