"""Screen classes imported the first time they are used, so that start-up imports only the
first screen (``tui/app_screens.py``: ``HelpScreen = Later("tui.screens.help", "HelpScreen")`` …)."""

from __future__ import annotations


class Later:
    """A screen class imported the first time it is used (called or in ``isinstance``), so
    that start-up imports only the first screen: about 0.1 s less on a slow PC."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def load(self) -> type:
        import importlib

        return getattr(importlib.import_module(self.module), self.name)

    def __call__(self, *args, **kwargs):
        return self.load()(*args, **kwargs)

    def __instancecheck__(self, obj) -> bool:
        return isinstance(obj, self.load())
