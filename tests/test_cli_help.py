"""Every command's --help prints (argparse expands % in help strings: a stray one crashes),
in Vietnamese: none of argparse's English words."""

import argparse
import re

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
    # no option shows its English dest as its placeholder («--year YEAR», «--as-of AS_OF»)
    shown = set(re.findall(r"(--[a-z][a-z0-9-]*) ([A-Z][A-Z0-9_]+)\b", out))
    english = {(opt, word) for opt, word in shown if word == opt[2:].replace("-", "_").upper()
               or word.isascii() and word in ENGLISH_PLACEHOLDERS}
    assert english == set()


ENGLISH_PLACEHOLDERS = {"YEAR", "AS_OF", "DATE", "OUTPUT", "DB", "USER", "KLASS", "SOURCE", "TARGET",
                        "DATE_FROM", "DATE_TO", "FILE", "NAME", "GRADE", "STUDENT"}


def test_every_option_with_a_value_has_a_vietnamese_placeholder():
    """Every option of every subcommand that takes a value shows a placeholder (its list of
    choices, or a Vietnamese word), never argparse's fallback, the dest in capitals."""
    fallbacks = []

    def walk(parser, path):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*path, name])
            elif action.option_strings and action.nargs != 0 and action.choices is None:
                if action.metavar is None or action.metavar == action.dest.upper():
                    fallbacks.append(f"siso {' '.join(path)} {action.option_strings[-1]}")
                elif action.metavar.isascii() and action.metavar.isupper() and "=" not in action.metavar \
                        and action.metavar not in ("CŨ=MỚI",):
                    fallbacks.append(f"siso {' '.join(path)} {action.option_strings[-1]} {action.metavar}")

    walk(build_parser(), [])
    assert fallbacks == []
