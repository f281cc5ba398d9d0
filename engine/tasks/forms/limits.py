"""How large a deployed form may be: its size in bytes and its number of components.

A form is read at deploy (the linter), on every task page (the browser renders every component) and on
every submission (the server checks every field), so a form far beyond any real one would cost every
one of those. Over a limit the form is refused at once, before it is parsed (SX-X003 for bytes, SX-F311
for components). The shipped forms have at most 23 components and 10 kB; the settings
``SANXIANG_MAX_FORM_BYTES`` and ``SANXIANG_MAX_FORM_COMPONENTS`` (``engine.config``) raise or lower them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FormLimits:
    max_bytes: int = 2 * 1024**2  # the form file (UTF-8 JSON)
    max_components: int = 2000  # components at every depth (fields, groups, texts …)


DEFAULT_FORM_LIMITS = FormLimits()
