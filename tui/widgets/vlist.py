"""A virtual list: columns of text rows, rendered a line at a time (Textual's line API).

Only the visible lines are rendered, so 50,000 rows cost the same as 50. Rows are plain
tuples of already-formatted cells; each row may carry a key (a student id) and a "dim"
flag. The widget posts :class:`VirtualList.Highlighted` when the cursor moves and
:class:`VirtualList.Selected` on Enter or a click on the cursor row; it never touches the
database.

    vlist = VirtualList([Column("STT", 4, align="right"), Column("Họ và tên", flex=True)])
    vlist.set_rows([("1", "Nguyễn Văn An")], keys=[17])
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from typing import Any, NamedTuple
from collections.abc import Callable, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.i18n import translate_bindings


class Column(NamedTuple):
    label: str
    width: int = 10  # cells; the minimum width of a flex column
    flex: bool = False  # takes the width left over
    align: str = "left"  # left | right | center
    drop: int = 0  # >0: may be hidden when the widget is narrow (highest first)


def fit(text: str, width: int, align: str = "left") -> str:
    """``text`` cut (with …) or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    pad = width - length
    if align == "right":
        return " " * pad + text
    if align == "center":
        return " " * (pad // 2) + text + " " * (pad - pad // 2)
    return text + " " * pad


class LazyRows(Sequence):
    """Rows made only when the list shows them: ``make(position, item)`` for each of ``items``.

    A list of 60,000 students formats the 20 rows on screen, not 60,000 (the list keeps
    the rows it has drawn in its own cache)."""

    __slots__ = ("items", "make")

    def __init__(self, items: Sequence, make: Callable[[int, Any], tuple]) -> None:
        self.items = items
        self.make = make

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.items)))]
        if index < 0:
            index += len(self.items)
        return self.make(index, self.items[index])


class Subset(Sequence):
    """``base[p]`` for each ``p`` of ``positions`` (ascending): the keys or dim flags of a
    filtered list without copying them (a keystroke over 60,000 rows builds nothing).
    ``index`` is fast when ``base`` is a list, tuple or array (searched in C)."""

    __slots__ = ("base", "positions")

    def __init__(self, base: Sequence, positions: Sequence[int]) -> None:
        self.base = base
        self.positions = positions

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.base[p] for p in self.positions[index]]
        return self.base[self.positions[index]]

    def index(self, value, start: int = 0, stop: int | None = None) -> int:
        at = self.base.index(value)  # unique keys: the one place in base
        k = bisect_left(self.positions, at)
        if k < len(self.positions) and self.positions[k] == at:
            return k
        raise ValueError(value)

    def __contains__(self, value) -> bool:
        try:
            self.index(value)
        except ValueError:
            return False
        return True


class VirtualList(ScrollView, can_focus=True):
    """Rows of columns with a cursor; line 0 is the (fixed) header."""

    DEFAULT_CSS = """
    VirtualList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        & > .vlist--header { text-style: bold; background: $panel; color: $text; }
        & > .vlist--cursor { background: $panel-lighten-2; color: $text; }
        &:focus > .vlist--cursor { background: $accent; color: $text-accent; text-style: bold; }
        & > .vlist--dim { color: $text-muted; }
        & > .vlist--empty { color: $text-muted; text-style: italic; }
    }
    """
    COMPONENT_CLASSES = {"vlist--header", "vlist--cursor", "vlist--dim", "vlist--empty"}

    BINDINGS = [
        Binding("up", "cursor_up", "Lên", show=False),
        Binding("down", "cursor_down", "Xuống", show=False),
        Binding("pageup", "page_up", "Trang trước", show=False),
        Binding("pagedown", "page_down", "Trang sau", show=False),
        Binding("home", "first", "Đầu danh sách", show=False),
        Binding("end", "last", "Cuối danh sách", show=False),
        Binding("enter", "select", "Chọn", show=False),
    ]

    # repaint=False: watch_cursor redraws only the lines that change
    cursor: reactive[int] = reactive(0, always_update=False, init=False, repaint=False)

    class Highlighted(Message):
        """The cursor moved to another row (``index`` -1 when the list is empty)."""

        def __init__(self, vlist: VirtualList, index: int, key: Any, row: tuple | None) -> None:
            super().__init__()
            self.vlist = vlist
            self.index = index
            self.key = key
            self.row = row

        @property
        def control(self) -> VirtualList:
            return self.vlist

    class Selected(Highlighted):
        """Enter (or a click on the cursor row) on a row."""

    def __init__(self, columns: Sequence[Column], *, empty: str = "", name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        translate_bindings(self)
        self.columns = list(columns)
        self.empty_text = empty
        self._rows: Sequence[tuple] = []
        self._keys: Sequence[Any] | None = None
        self._dim: Sequence[bool] | None = None
        self._layout: list[tuple[int, int]] = []  # (column index, width) of shown columns
        self._layout_width = -1
        self._cache: LRUCache[tuple[int, bool], Strip] = LRUCache(1024)

    # ---- data ----------------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[tuple]:
        return self._rows

    @property
    def rendered_lines(self) -> int:
        """How many lines are held rendered (the visible ones, not the whole list)."""
        return len(self._cache)

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def row_keys(self) -> Sequence[Any] | None:
        """The rows' keys, in the order the rows are shown (None: rows without keys)."""
        return self._keys

    @property
    def cursor_key(self) -> Any:
        """The key of the row under the cursor (None when empty or without keys)."""
        if not self._rows or self._keys is None:
            return None
        return self._keys[self.cursor]

    @property
    def cursor_row(self) -> tuple | None:
        return self._rows[self.cursor] if self._rows else None

    def set_rows(self, rows: Sequence[tuple], keys: Sequence[Any] | None = None,
                 dim: Sequence[bool] | None = None) -> None:
        """Replace the rows. The cursor stays on the same key when it is still there,
        otherwise on the same position (clamped to the new length).

        ``rows`` may be a :class:`LazyRows`: only the rows on screen are ever made; ``keys``
        and ``dim`` may be :class:`Subset` views (kept as they are, not copied)."""
        old_key = self.cursor_key
        old_cursor = self.cursor
        self._rows = rows if isinstance(rows, (list, tuple, LazyRows)) else list(rows)
        self._keys = keys if keys is None or isinstance(keys, (list, tuple, array, Subset)) \
            else list(keys)
        self._dim = dim
        self._cache.clear()
        new_cursor = min(old_cursor, max(len(self._rows) - 1, 0))
        if old_key is not None and self._keys is not None:
            try:
                new_cursor = self._keys.index(old_key)
            except ValueError:
                pass
        size = Size(self.size.width, len(self._rows) + 1)
        if self.is_mounted and size != self.virtual_size:
            # no layout of the screen for a new row count (the list fills its region
            # whatever the count): the scrollbar is updated here, so the new rows and the
            # scrollbar reach the terminal in one frame, not two (a layout always repaints
            # a ScrollView's scrollbar once more, a frame later). A scrollbar that appears
            # or disappears still asks for a layout (show_vertical_scrollbar).
            self.set_reactive(VirtualList.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size
        self.set_reactive(VirtualList.cursor, new_cursor)
        self._post_highlight()
        self._scroll_cursor_into_view()
        self.refresh()

    def move_to_key(self, key: Any) -> bool:
        if self._keys is None or key not in self._keys:
            return False
        self.cursor = self._keys.index(key)
        return True

    # ---- cursor --------------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1)) if self._rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._cache.discard((old, True))
        top = round(self.scroll_y)
        self._scroll_cursor_into_view()
        if round(self.scroll_y) == top:
            # the view did not scroll: only the old and the new cursor lines change
            # (a few hundred bytes to the terminal instead of the whole list)
            self._refresh_row(old)
            self._refresh_row(new)
        else:
            self.refresh()
        self._post_highlight()

    def _refresh_row(self, index: int) -> None:
        y = index - round(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _post_highlight(self) -> None:
        if self._rows:
            self.post_message(self.Highlighted(self, self.cursor, self.cursor_key, self.cursor_row))
        else:
            self.post_message(self.Highlighted(self, -1, None, None))

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_y)
        page = self._page
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + page:
            self.scroll_to(y=self.cursor - page + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self._page

    def action_page_down(self) -> None:
        self.cursor += self._page

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self, self.cursor, self.cursor_key, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = round(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self._rows):
            if index == self.cursor or event.chain > 1:
                self.cursor = index
                self.action_select()
            else:
                self.cursor = index

    # ---- rendering -----------------------------------------------------------------------

    def _column_layout(self, width: int) -> list[tuple[int, int]]:
        """Which columns are shown and how wide, for a widget ``width`` cells wide."""
        if width == self._layout_width:
            return self._layout
        shown = list(range(len(self.columns)))

        def need(idx):
            return sum(self.columns[i].width for i in idx) + len(idx)  # one space before each

        droppable = sorted((c.drop, i) for i, c in enumerate(self.columns) if c.drop > 0)
        while need(shown) > width and droppable:
            shown.remove(droppable.pop()[1])
        spare = max(width - need(shown), 0)
        flex = [i for i in shown if self.columns[i].flex]
        layout = []
        for i in shown:
            w = self.columns[i].width
            if flex and i in flex:
                share = spare // len(flex) + (1 if flex.index(i) < spare % len(flex) else 0)
                w += share
            layout.append((i, w))
        self._layout, self._layout_width = layout, width
        self._cache.clear()
        return layout

    def _line_text(self, cells: Sequence[str], layout) -> str:
        parts = []
        for i, w in layout:
            value = cells[i] if i < len(cells) else ""
            parts.append(" " + fit("" if value is None else str(value), w, self.columns[i].align))
        return "".join(parts)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_focus(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._cache.clear()
        self.refresh()

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        # Textual's ScrollView updates (and repaints) its scrollbar after every layout of the
        # screen, as the compositor's virtual size is never the list's own; the repaint
        # arrives a frame late, e.g. on every keystroke in an Input (its width changes, so the
        # screen is laid out again). The list updates its scrollbar itself when its rows
        # change (set_rows); here only a new size or container needs it.
        if size == self._size and container_size == self.container_size:
            return False
        return super()._size_updated(size, virtual_size, container_size, layout)

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self._rows) + 1)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = self._column_layout(width)
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("vlist--header")
            text = self._line_text([c.label for c in self.columns], layout)
            return Strip([Segment(fit(text, width), style)], width)
        index = round(self.scroll_y) + y - 1
        if index >= len(self._rows):
            if index == 0 and self.empty_text:
                style = base + self.get_component_rich_style("vlist--empty")
                return Strip([Segment(fit(" " + self.empty_text, width), style)], width)
            return Strip.blank(width, base)
        is_cursor = index == self.cursor
        key = (index, is_cursor)
        strip = self._cache.get(key)
        if strip is None:
            style = base
            if self._dim is not None and self._dim[index]:
                style = style + self.get_component_rich_style("vlist--dim")
            if is_cursor:
                style = style + self.get_component_rich_style("vlist--cursor")
            text = self._line_text(self._rows[index], layout)
            strip = Strip([Segment(fit(text, width), style)], width)
            self._cache[key] = strip
        return strip.apply_offsets(0, index + 1)
