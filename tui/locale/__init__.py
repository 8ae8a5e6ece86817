"""gettext catalogues of the interface (see ``tui.i18n``)."""
