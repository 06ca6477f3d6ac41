from django.http import HttpRequest

from core.siteurl import site_url


def site(request: HttpRequest) -> dict[str, str]:
    return {"SITE_URL": site_url()}
