"""Start-page panels. Each app may add a provider here; a provider returns a panel or None.

A panel is a dict: {"title": str, "template": str, "context": dict}.
"""

from collections.abc import Callable

from insats.accounts.models import User

PanelProvider = Callable[[User], dict | None]
_PROVIDERS: list[PanelProvider] = []


def register(provider: PanelProvider) -> PanelProvider:
    _PROVIDERS.append(provider)
    return provider


def panels_for(user: User) -> list[dict]:
    return [p for p in (provider(user) for provider in _PROVIDERS) if p is not None]
