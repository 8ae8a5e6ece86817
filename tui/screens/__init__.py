"""One module per screen or modal of the app (see ``tui.app`` for how they are reached)."""
