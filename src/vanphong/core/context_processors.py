from typing import Any

from django.http import HttpRequest

from vanphong.core import selectors


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The modules this person may open, for the main menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": selectors.navigation_for(user)}
