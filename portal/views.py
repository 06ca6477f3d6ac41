from django.shortcuts import redirect, render
from django.templatetags.static import static


def home(request):
    return render(request, "portal/home.html")


def favicon(request):
    """Browsers ask for /favicon.ico; the icon is a static SVG."""
    return redirect(static("favicon.svg"), permanent=True)
