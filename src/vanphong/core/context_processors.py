import dataclasses
from typing import Any

from django.http import HttpRequest

from vanphong.core import selectors


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The modules this person may open, for the main menu, and the entries of their
    own menu; the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "account_nav_items": []}

    def marked(items: list[selectors.NavItem]) -> list[selectors.NavItem]:
        return [
            dataclasses.replace(
                item,
                active=request.path == item.url if item.url == "/" else request.path.startswith(item.url),
            )
            for item in items
        ]

    return {
        "nav_items": marked(selectors.navigation_for(user)),
        "account_nav_items": marked(selectors.account_navigation_for(user)),
    }
