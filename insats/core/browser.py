"""Helpers for end-to-end tests in Debian's Chromium driven by Playwright.

Never `playwright install`: the browser is the system's /usr/bin/chromium. axe-core is vendored
through npm (insats/core/static/vendor/axe.min.js) and injected into each page checked.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings

CHROMIUM = os.environ.get("INSATS_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parent / "static" / "vendor" / "axe.min.js"
SCREENSHOT_DIR = Path(os.environ.get("INSATS_SCREENSHOT_DIR", "/tmp/insats-screenshots"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Impacts that fail a page: WCAG 2.1 AA violations a user would meet.
BLOCKING_IMPACTS = {"serious", "critical"}


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the current page; serious ones are returned.

    axe is loaded from the site's own static files: the Content-Security-Policy allows scripts
    from 'self' only, so an inline copy would be blocked.
    """
    origin = page.evaluate("location.origin")
    page.add_script_tag(url=f"{origin}/{settings.STATIC_URL.strip('/')}/vendor/{AXE_JS.name}")
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def check_page(page, name: str) -> None:
    """Screenshot the page and assert axe finds no serious accessibility issue."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, f"{name}: " + json.dumps(violations, ensure_ascii=False, indent=1)


def session_cookie(user, live_server) -> dict:
    """A signed-in session for `user` as a Playwright cookie for the live server (skips the
    sign-in page, which its own tests cover)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return {"name": settings.SESSION_COOKIE_NAME, "value": store.session_key,
            "url": live_server.url}
