from django.conf import settings


def licence() -> dict:
    """The open-data licence, set by configuration (OPEN_DATA_LICENCE_*)."""
    return {
        "name": settings.OPEN_DATA_LICENCE_NAME,
        "url": settings.OPEN_DATA_LICENCE_URL,
        "attribution": settings.OPEN_DATA_ATTRIBUTION,
    }


def licence_line() -> str:
    data = licence()
    return f"Licence: {data['name']} ({data['url']}). {data['attribution']}"
