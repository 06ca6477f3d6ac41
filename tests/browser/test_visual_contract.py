"""What every page promises the eye, measured in Chromium: a focus indicator of
buttons, links and inputs with at least 3:1 contrast and 2 px; control borders
with at least 3:1 against the page; a long German word that does not widen the
page on a phone; logos in proportion; a readable line length on profiles."""

import pytest
from django.urls import reverse

from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmützenverein"

# The WCAG relative luminance and contrast of two computed CSS colours.
CONTRAST_JS = """
(() => {
  // Any CSS colour (KERN's tokens are oklch()) as sRGB, through a canvas pixel.
  const context = document.createElement('canvas').getContext('2d', {willReadFrequently: true});
  const rgb = (text) => { context.clearRect(0, 0, 1, 1); context.fillStyle = '#fff';
    context.fillRect(0, 0, 1, 1); context.fillStyle = text; context.fillRect(0, 0, 1, 1);
    return [...context.getImageData(0, 0, 1, 1).data.slice(0, 3)]; };
  const lum = (c) => { const [r, g, b] = c.map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  window.contrast = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
})();
"""

FOCUS_JS = """
(selector) => {
  const element = document.querySelector(selector);
  element.focus();
  const style = getComputedStyle(element);
  return {
    focused: document.activeElement === element && element.matches(':focus-visible'),
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    contrast: window.contrast(style.outlineColor, 'rgb(255, 255, 255)'),
  };
}
"""


def _keyboard_page(open_page, url, **kwargs):
    page = open_page(**kwargs)
    page.goto(page.base + url)
    page.evaluate(CONTRAST_JS)  # evaluated by the test tool, not an inline script
    page.keyboard.press("Tab")  # the keyboard is in use: focus is shown as for a key press
    return page


@pytest.mark.parametrize(
    ("url", "selector"),
    [
        ("/konto/anmelden/", "button.btn-primary"),
        ("/konto/anmelden/", "#id_username"),
        ("/konto/anmelden/", "main a"),
        ("/", "a.nav-link"),
        ("/konto/registrieren/", "input[type=checkbox]"),
        ("/konto/registrieren/", "input[type=radio]"),
        ("/organisationen/", "select, .form-select"),
    ],
)
def test_the_focus_indicator_is_strong_on_every_kind_of_control(open_page, url, selector):
    page = _keyboard_page(open_page, url)
    focus = page.evaluate(FOCUS_JS, selector)
    assert focus["focused"], selector
    assert focus["style"] != "none" and focus["width"] >= 2, focus
    assert focus["contrast"] >= 3, focus


def test_control_borders_have_three_to_one_against_the_page(open_page):
    page = _keyboard_page(open_page, "/organisationen/")
    contrasts = page.evaluate(
        """() => [...document.querySelectorAll(
              'input.form-control, .form-select, input.form-check-input, textarea')]
            .filter((e) => e.offsetParent !== null)
            .map((e) => [e.name || e.id, window.contrast(
              getComputedStyle(e).borderTopColor, 'rgb(255, 255, 255)')])"""
    )
    assert contrasts, "no controls found"
    weak = [(name, round(value, 2)) for name, value in contrasts if value < 3]
    assert weak == []


def test_a_long_word_and_a_logo_keep_the_profile_within_a_phone(open_page, live_server):
    from tests.factories import make_organisation
    from tests.images import image_file

    organisation = make_organisation(f"{LONG_WORD} e. V.", slug="lang")
    organisation.logo.save("logo.png", image_file(size=(300, 100)), save=True)
    page = open_page(viewport=PHONE)
    page.goto(page.base + organisation.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    logo = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('.org-logo'));"
        " return s.objectFit; })()"
    )
    assert logo == "contain"
    screenshot(page, "profile-long-name-phone")
    page.goto(page.base + reverse("directory:organisation_list"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_profile_text_keeps_a_readable_line_length(open_page):
    from tests.factories import make_organisation

    text = " ".join(["Wir beraten Familien in vielen Sprachen und begleiten sie zu Ämtern."] * 12)
    organisation = make_organisation("Brücke e. V.", description=text)
    page = open_page(viewport=DESKTOP)
    page.goto(page.base + organisation.get_absolute_url())
    characters_per_line = page.evaluate(
        """() => { const p = document.querySelector('.org-description p');
          const style = getComputedStyle(p);
          const context = document.createElement('canvas').getContext('2d');
          context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          const average = context.measureText(p.textContent).width / p.textContent.length;
          return p.getBoundingClientRect().width / average; }"""
    )
    assert 45 <= characters_per_line <= 90, characters_per_line


@pytest.mark.parametrize("javascript", [False, True])
def test_the_phone_menu_works_with_and_without_javascript(open_page, javascript):
    page = open_page(viewport=PHONE, javascript=javascript)
    page.goto(page.base + "/")
    guide = page.locator("#main-nav a", has_text="Leitfaden")
    if javascript:  # folded behind the menu button, which opens it
        assert not guide.is_visible()
        page.get_by_role("button", name="Menü öffnen").click()
    else:  # no button that cannot work: the menu stands open
        assert not page.locator(".navbar-toggler").is_visible()
    guide.wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, f"menu-phone-{'js' if javascript else 'nojs'}")


def test_the_visual_system_is_kern_served_by_the_portal_itself(open_page):
    """KERN UX's font, colours and icons, all from the portal's own address (it
    must work in a closed network): Fira Sans is loaded and used, the primary
    button has KERN's action colour, the home page's icons are drawn."""
    page = open_page()
    origins = set()
    page.on("request", lambda request: origins.add(request.url.split("/")[2]))
    page.goto(page.base + "/")
    page.evaluate("document.fonts.ready")
    seen = page.evaluate(
        """() => {
          const button = document.querySelector('main .btn-primary');
          const probe = document.createElement('span');
          probe.style.color = 'var(--kern-color-action-default)';
          document.body.append(probe);
          const icon = document.querySelector('.door-icon');
          return {
            font: getComputedStyle(document.body).fontFamily,
            loaded: document.fonts.check('16px "Fira Sans"'),
            button: getComputedStyle(button).backgroundColor,
            action: getComputedStyle(probe).color,
            icon: getComputedStyle(icon).maskImage || getComputedStyle(icon).webkitMaskImage,
            iconSize: icon.getBoundingClientRect().width,
          };
        }"""
    )
    assert seen["font"].startswith('"Fira Sans"') and seen["loaded"], seen
    assert seen["button"] == seen["action"], seen
    assert seen["icon"].startswith('url("data:image/svg+xml') and seen["iconSize"] >= 24, seen
    assert origins == {page.base.split("/")[2]}, origins


@pytest.mark.parametrize("width", [1000, 1280])
def test_the_header_links_keep_their_words_whole(open_page, width):
    """Seven sections and the account links on a narrow desktop: the sections
    take a second row, no link is broken inside a word ("Leitfad-en")."""
    from tests import personas

    page = open_page(personas.create("institution"), viewport={"width": width, "height": 700})
    page.goto(page.base + "/")
    broken = page.evaluate(
        """() => [...document.querySelectorAll('.site-header .nav-link')]
            .filter((e) => e.offsetParent !== null)
            .filter((e) => e.getBoundingClientRect().height
                           >= 1.8 * parseFloat(getComputedStyle(e).lineHeight))
            .map((e) => e.textContent.trim())"""
    )
    assert broken == []
