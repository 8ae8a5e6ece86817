"""Each private attribute of Textual that siso uses (tui/textual_private.py) still exists and
still does what siso relies on. A Textual upgrade that changes one fails here, by name."""

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tui import textual_private as tp


class Plain(Screen):
    BINDINGS = [Binding("x", "noop", "Việc thử")]

    def compose(self):
        yield Static("x")


class Host(App):
    MODES = {"a": Plain, "b": Plain}


async def test_css_count_stacks_modes_and_bindings():
    app = Host()
    async with app.run_test() as pilot:
        await app.switch_mode("a")
        await pilot.pause()
        assert tp.mode_is_open(app, "a") and not tp.mode_is_open(app, "b")
        screens = list(tp.open_screens(app))
        assert app.screen in screens
        extra = Plain()
        await app.push_screen(extra)
        await pilot.pause()
        assert extra in list(tp.open_screens(app))
        extra._css_update_count = -1  # what Textual gives a new mode screen: "out of date"
        tp.adopt_app_css(extra)
        assert extra._css_update_count == app._css_update_count
        by_key = tp.key_bindings(extra)
        assert [b.description for b in by_key["x"]] == ["Việc thử"]
        by_key["x"] = [Binding("x", "noop", "Changed")]
        assert [b.description for b in tp.key_bindings(extra)["x"]] == ["Changed"]


async def test_a_table_is_measured_once_the_app_is_idle():
    from textual.widgets import DataTable

    class Table(App):
        def compose(self):
            yield DataTable()

    app = Table()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        table.add_columns("Họ và tên")
        table.add_row("Nguyễn Thị Minh Khai")
        assert not tp.table_measured(table)
        await pilot.pause()
        assert tp.table_measured(table)
        assert table.columns[next(iter(table.columns))].get_render_width(table) >= len("Nguyễn Thị Minh Khai")


def test_a_class_bindings_include_its_bases_and_a_select_menu_is_an_option_list():
    from textual.widgets import OptionList

    class Child(Plain):
        BINDINGS = [Binding("y", "noop", "Việc con")]

    by_key = tp.class_bindings(Child)
    assert [b.description for b in by_key["y"]] == ["Việc con"]
    assert [b.description for b in by_key["x"]] == ["Việc thử"]  # Plain's, inherited
    assert [b.description for b in tp.class_bindings(Screen)["ctrl+c"]] == ["Copy selected text"]
    menu = tp.select_menu_class()
    assert issubclass(menu, OptionList)
    assert "Dismiss menu" in {b.description for bindings in tp.class_bindings(menu).values()
                              for b in bindings}


async def test_a_select_holds_its_menu():
    from textual.widgets import Select

    class Host(App):
        def compose(self):
            yield Select([("Một", 1), ("Hai", 2)])

    app = Host()
    async with app.run_test():
        select = app.query_one(Select)
        assert len(select.query(tp.select_menu_class())) == 1
