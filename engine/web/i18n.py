"""Languages of the pages: Chinese by default, English available (Flask-Babel).

Convention: templates and page code write English msgids (``_("Tasks")``); the Chinese catalogue
``engine/web/translations/zh/LC_MESSAGES/messages.po`` (compiled to ``messages.mo``, kept in the
repository) translates every one of them — a test fails when a msgid has no Chinese. The language
is chosen by ``?lang=``, then the session (the switch link stores it), then ``Settings.language``."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, request, session
from flask_babel import Babel, get_locale

from engine.kernel.bureau import ZONE_NAME
from engine.kernel.context import AppContext

TRANSLATIONS = Path(__file__).with_name("translations")
LANGUAGES = ("zh", "en")


def _choose() -> str:
    asked = request.args.get("lang") if request else None
    if asked in LANGUAGES:
        return asked
    stored = session.get("lang") if request else None
    if stored in LANGUAGES:
        return str(stored)
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx.settings.language if ctx.settings.language in LANGUAGES else "zh"


def init_i18n(app: Flask, ctx: AppContext) -> None:
    """Idempotent: several blueprints may ask for it."""
    if "babel" in app.extensions:
        return
    directories = [str(TRANSLATIONS)]
    extra = app.config.get("BABEL_TRANSLATION_DIRECTORIES")
    if extra:
        directories += [d for d in str(extra).split(";") if d and d not in directories]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(directories)
    Babel(
        app,
        default_locale=ctx.settings.language or "zh",
        default_timezone=ZONE_NAME,
        locale_selector=_choose,
    )
    app.jinja_env.globals["current_language"] = current_language


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "zh"


def pick(zh: str, en: str) -> str:
    """A service message in the page's language (services carry both)."""
    return en if current_language() == "en" else zh
