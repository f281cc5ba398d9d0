"""The public portal (公示平台): ``pages`` (server-rendered HTML) and ``open_data`` (JSON, CSV, Atom).
Templates live in ``engine/web/templates/portal``; words in ``i18n``; charts in ``charts``."""
