"""Styling helpers of the app's screens (Textual's private CSS counter itself is used only in
``tui/textual_private.py``)."""

from __future__ import annotations

from tui.textual_private import adopt_app_css


def styled(factory):
    """A mode's screen factory whose screen is not re-styled when first shown.

    Textual marks a new mode screen as out of date with the app's CSS
    (``_css_update_count`` -1), so showing it the first time re-parses the whole stylesheet
    twice (``refresh_css``): about 0.1 s at start-up and on the first F3. A new screen is
    styled anyway when it is mounted, with the app's current CSS (its widgets' own CSS is
    added then); a later change of theme still refreshes every screen."""

    def make():
        screen = factory()
        adopt_app_css(screen)
        return screen

    return make
