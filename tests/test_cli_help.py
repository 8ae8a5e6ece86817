"""Every command's --help prints (argparse expands % in help strings: a stray one crashes),
in Vietnamese: none of argparse's English words."""

import argparse

import pytest

from cli import build_parser


def _commands(parser, prefix=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from _commands(sub, (*prefix, name))


COMMANDS = list(_commands(build_parser()))


def test_there_are_commands():
    assert ("student", "add") in COMMANDS and ("report", "si-so") in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_prints(command, capsys):
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([*command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Cách dùng: siso") and "-h, --help" in out
    for english in ("usage:", "options:", "positional arguments", "show this help message"):
        assert english not in out
    assert "KLASS" not in out  # an option's placeholder is a Vietnamese word: «--class LỚP»
