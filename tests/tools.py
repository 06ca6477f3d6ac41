"""External test tools (Chromium, Java, the npm test packages, GNU gettext): in CI a
missing tool fails the run; on a developer machine the test is skipped with the reason."""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, what: str, see: str = "README: browser and markup tests") -> None:
    if condition:
        return
    message = f"{what} is missing (see {see})"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def require_java_and_vnu() -> None:
    require(shutil.which("java") is not None, "Java (for the Nu Html Checker)")
    require(VNU_JAR.exists(), "node_modules/vnu-jar (run: npm ci)")


def require_browser() -> None:
    require(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    require(AXE_JS.exists(), "node_modules/axe-core (run: npm ci)")
