"""The footer of siso's screens: Textual's, recomposed only when the keys it shows change.

Textual's ``Footer`` recomposes itself every time its screen's bindings are refreshed: four
times, with the same keys, as the overview opens (mount, focus, resume, the list filled), and
again on every screen shown. Each recompose removes its key widgets and mounts and styles new
ones, on the UI thread, before the first screen is usable."""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer):
    """``Footer`` that recomposes only when the screen's active bindings differ from those it
    last composed (what it shows is made from them alone)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._composed_for: tuple | None = None

    def bindings_changed(self, screen) -> None:
        keys = tuple((key, active.binding, active.enabled, active.tooltip)
                     for key, active in screen.active_bindings.items())
        if keys == self._composed_for:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._composed_for = keys  # Footer.bindings_changed recomposes now
        super().bindings_changed(screen)
