"""The virtual list on 10,000 rows: cursor, paging, Home/End, selection, set_rows."""

from textual.app import App, ComposeResult

from tui.widgets.vlist import Column, VirtualList, fit

N = 10_000


class ListApp(App):
    def __init__(self):
        super().__init__()
        self.selected = []
        self.highlighted = []

    def compose(self) -> ComposeResult:
        yield VirtualList([Column("STT", 6, align="right"), Column("Tên", 10, flex=True)])

    def on_mount(self) -> None:
        vlist = self.query_one(VirtualList)
        vlist.set_rows([(str(i + 1), f"Học sinh {i + 1}") for i in range(N)],
                       keys=[1000 + i for i in range(N)])
        vlist.focus()

    def on_virtual_list_selected(self, event: VirtualList.Selected) -> None:
        self.selected.append((event.index, event.key, event.row))

    def on_virtual_list_highlighted(self, event: VirtualList.Highlighted) -> None:
        self.highlighted.append(event.key)


async def test_cursor_paging_end_and_selection():
    app = ListApp()
    async with app.run_test(size=(80, 24)) as pilot:
        vlist = app.query_one(VirtualList)
        page = vlist.scrollable_content_region.height - 1  # rows under the header
        assert vlist.cursor == 0 and vlist.cursor_key == 1000
        await pilot.press("down", "down")
        assert vlist.cursor == 2
        await pilot.press("up")
        assert vlist.cursor == 1
        await pilot.press("pagedown")
        assert vlist.cursor == 1 + page
        await pilot.press("pageup", "pageup")
        assert vlist.cursor == 0
        await pilot.press("end")
        assert vlist.cursor == N - 1
        await pilot.pause()
        # the last row is on screen: the list scrolled to the bottom
        assert vlist.scroll_y == vlist.max_scroll_y
        assert round(vlist.scroll_y) + page == N
        await pilot.press("down")  # past the end: stays
        assert vlist.cursor == N - 1
        await pilot.press("enter")
        assert app.selected == [(N - 1, 1000 + N - 1, (str(N), f"Học sinh {N}"))]
        await pilot.press("home")
        await pilot.pause()
        assert vlist.cursor == 0 and vlist.scroll_y == 0
        await pilot.pause()
        assert app.highlighted[-1] == 1000


async def test_only_visible_lines_are_rendered():
    app = ListApp()
    async with app.run_test(size=(80, 24)) as pilot:
        vlist = app.query_one(VirtualList)
        await pilot.pause()
        # the cache holds the rendered rows: one screenful, not ten thousand
        assert 0 < vlist.rendered_lines <= vlist.size.height
        await pilot.press("end")
        await pilot.pause()
        assert vlist.render_line(1).text.strip().startswith(str(N - vlist.size.height + 2))


async def test_set_rows_keeps_the_cursor_on_the_same_key():
    app = ListApp()
    async with app.run_test(size=(80, 24)) as pilot:
        vlist = app.query_one(VirtualList)
        await pilot.press("down", "down", "down")
        assert vlist.cursor_key == 1003
        # a filter keeps every other row: key 1003 is now the second row
        vlist.set_rows([("1", "a"), ("4", "d")], keys=[1000, 1003])
        assert vlist.cursor == 1 and vlist.cursor_key == 1003
        # the key disappears: the cursor stays in place, clamped to the new length
        vlist.set_rows([("9", "z")], keys=[2000])
        assert vlist.cursor == 0 and vlist.cursor_key == 2000
        vlist.set_rows([], keys=[])
        assert vlist.cursor_key is None and vlist.cursor_row is None
        await pilot.press("enter", "end", "down")
        assert app.selected == []


def test_fit_cuts_and_pads_by_cells():
    assert fit("Nguyễn Văn An", 8) == "Nguyễn …"
    assert fit("An", 5) == "An   "
    assert fit("42", 5, "right") == "   42"
    assert fit("x", 3, "center") == " x "


def test_subset_is_a_filtered_view_with_a_fast_index():
    from array import array

    from tui.widgets.vlist import Subset

    ids = array("q", [10, 20, 30, 40, 50])
    view = Subset(ids, [1, 3, 4])
    assert list(view) == [20, 40, 50] and len(view) == 3
    assert view[-1] == 50 and view[0:2] == [20, 40]
    assert view.index(40) == 1 and 40 in view
    assert 30 not in view and 99 not in view  # in the base but filtered out; not at all
    assert list(Subset(b"\x00\x01\x00", range(3))) == [0, 1, 0]


async def test_set_rows_with_subset_keys_keeps_the_cursor_on_the_same_key():
    from tui.widgets.vlist import LazyRows, Subset

    app = ListApp()
    async with app.run_test(size=(80, 24)) as pilot:
        vlist = app.query_one(VirtualList)
        keys = [1000 + i for i in range(N)]
        dim = bytes(i % 2 for i in range(N))
        await pilot.press("down", "down", "down")
        assert vlist.cursor_key == 1003
        odd = range(1, N, 2)  # a filter keeps the odd rows: 1003 is the second of them
        vlist.set_rows(LazyRows(odd, lambda pos, i: (str(pos + 1), f"Học sinh {i + 1}")),
                       keys=Subset(keys, odd), dim=Subset(dim, odd))
        assert vlist.row_count == N // 2
        assert vlist.cursor == 1 and vlist.cursor_key == 1003
        assert vlist.cursor_row == ("2", "Học sinh 4")
        assert vlist.move_to_key(1000 + N - 1) and vlist.cursor == N // 2 - 1
        assert not vlist.move_to_key(1002)  # filtered out: the cursor stays
        await pilot.press("enter")
        assert app.selected[-1] == (N // 2 - 1, 1000 + N - 1, (str(N // 2), f"Học sinh {N}"))
