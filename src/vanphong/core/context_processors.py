import dataclasses
from typing import Any

from django.http import HttpRequest

from vanphong.core import selectors


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The modules this person may open, for the main menu, the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = selectors.navigation_for(user)
    return {
        "nav_items": [
            dataclasses.replace(
                item,
                active=request.path == item.url if item.url == "/" else request.path.startswith(item.url),
            )
            for item in items
        ]
    }
