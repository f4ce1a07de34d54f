"""The configuration reference, docs/configuration.md, generated from the config models.

Every key of a run's YAML, of a blend file, of each reader's options and of the quality
training commands' config files, with its type, constraints, default and the docstring
written under it in the code, so the reference cannot drift from what the config accepts:

    python -m corpus.config_reference > docs/configuration.md
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
import re
import sys
import textwrap
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from corpus.blend.blend_file import BlendFile
from corpus.config import RunConfig, SourceConfig
from corpus.errors import ConfigError
from corpus.quality.config import TeacherConfig, TrainClassifierConfig
from corpus.sources import READERS

COMMAND = "python -m corpus.config_reference > docs/configuration.md"
SOURCE_NAME = "NAME"
"""Stands for a source's name in key paths (`sources.NAME.inputs`)."""

_ROOT = Path(__file__).resolve().parent.parent
_BOUNDS = (
    (annotated_types.Gt, "gt", ">"),
    (annotated_types.Ge, "ge", ">="),
    (annotated_types.Lt, "lt", "<"),
    (annotated_types.Le, "le", "<="),
)

_HEADER = f"""\
# Configuration reference

<!-- Generated from the config models' docstrings by `{COMMAND}`; do not edit. -->

One YAML file describes a run (`corpus run CONFIG`); the stage commands (`corpus extract`,
`corpus dedup`, ...) read the same sections from `--config`. The file is validated before
any work: an unknown key, a wrong type or a value out of range stops the run with a
one-line message naming the key. `--set KEY.PATH=VALUE` overrides a key (the value is
YAML) and is checked by the same rules. `{SOURCE_NAME}` in a key stands for a source's
name; `[]` for any item of a list. `corpus train-classifier --config` and `corpus teacher
--config` read files of their own, with keys named like their flags (the last sections).
"""


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _anchor(title: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def _type(annotation: Any) -> str:
    """A type as a YAML user reads it: `"a" | "b"`, `list[str]`, `int | null`."""
    if annotation is type(None):
        return "null"
    if annotation is Any:
        return "any"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type(args[0])
    if origin is typing.Literal:
        return " | ".join(f'"{arg}"' for arg in args)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type(arg) for arg in args)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return f"list[{_type(args[0])}]"
    if origin is not None:
        return f"{origin.__name__}[{', '.join(_type(arg) for arg in args)}]"
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return "mapping"
    return getattr(annotation, "__name__", str(annotation))


def _constraints(metadata: list[Any]) -> str:
    parts = []
    for item in metadata:
        for kind, attribute, symbol in _BOUNDS:
            if isinstance(item, kind):
                parts.append(f"{symbol} {getattr(item, attribute)}")
        if isinstance(item, annotated_types.MinLen):
            parts.append("not empty" if item.min_length == 1 else f"{item.min_length}+ items")
        if getattr(item, "pattern", None):
            parts.append(f"matches `{item.pattern}`")
    return ", ".join(parts)


def _value(value: Any) -> str:
    """A default as YAML spells it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        path = Path(value)
        if path.is_absolute() and path.is_relative_to(_ROOT):
            value = path.relative_to(_ROOT).as_posix()
        return value
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        return f"`{_value(field.default_factory())}`"
    if field.default is PydanticUndefined:
        return "required"
    return f"`{_value(field.default)}`"


def _models(annotation: Any) -> Iterator[tuple[str, type[BaseModel]]]:
    """The section models a field holds, with the key-path suffix of their keys:
    `MinHashConfig` -> ("", it); `dict[str, SourceConfig]` -> (".NAME", it); `list[X]` ->
    ("[]", X)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        yield "", annotation
    elif origin in (typing.Union, types.UnionType, typing.Annotated):
        for arg in args:
            yield from _models(arg)
    elif origin is dict:
        for suffix, model in _models(args[1]):
            yield f".{SOURCE_NAME}{suffix}", model
    elif origin in (list, tuple):
        for suffix, model in _models(args[0]):
            yield f"[]{suffix}", model


def _row(key: str, type_text: str, limits: str, default: str, description: str) -> str:
    shown = f"{type_text}, {limits}" if limits else type_text
    return f"| `{key}` | {shown.replace('|', chr(92) + '|')} | {default} | {description} |"


_TABLE_HEAD = ["| Key | Type | Default | Description |", "|---|---|---|---|"]


def _docstring(cls: type) -> str:
    """The class's own docstring (not one it inherits), or ""."""
    return inspect.cleandoc(cls.__doc__) if cls.__doc__ else ""


def _key(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _section_paths(root: type[BaseModel], root_path: str) -> dict[type[BaseModel], str]:
    """Where each section model reachable from `root` is documented: the shortest key path
    that holds it, so `filter` rather than `sources.NAME.filter`."""
    paths = {root: root_path}
    queue = [root]
    while queue:
        model = queue.pop(0)
        for name, field in model.model_fields.items():
            for suffix, child in _models(field.annotation):
                if child not in paths:
                    paths[child] = _key(paths[model], name) + suffix
                    queue.append(child)
    return paths


def _sections(
    model: type[BaseModel], intro: str, paths: dict[type[BaseModel], str], title: str = ""
) -> list[str]:
    """The table of `model`'s keys, then the sections documented under them, in key order;
    a model documented elsewhere is linked to. `title`: the heading, if not the key path."""
    path = paths[model]
    rows, nested = [], []
    for name, field in model.model_fields.items():
        key = _key(path, name)
        if not field.description:
            raise ConfigError(f"{model.__name__}.{name} ({key}) has no docstring to document it")
        description = _one_line(field.description)
        children = list(_models(field.annotation))
        for suffix, child in children:
            if paths[child] == key + suffix:
                description += f" See [{paths[child]}](#{_anchor(paths[child])})."
                nested.append((child, field.description))
            else:
                description += f" Same keys as [{paths[child]}](#{_anchor(paths[child])})."
        nested_section = field.default_factory is None and isinstance(field.default, BaseModel)
        default = "its keys' defaults" if children and nested_section else _default(field)
        limits = _constraints(field.metadata)
        rows.append(_row(key, _type(field.annotation), limits, default, description))
    lines = [f"## {title or path or 'Top-level keys'}", "", _one_line(intro), ""]
    lines += [*_TABLE_HEAD, *rows, ""]
    for child, field_description in nested:
        lines += _sections(child, _docstring(child) or field_description, paths)
    return lines


def _attribute_docstrings(cls: type) -> dict[str, str]:
    """The string literal under each annotated attribute of a class body (the convention
    pydantic reads with `use_attribute_docstrings`), for plain dataclasses."""
    body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0].body
    docs = {}
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.target.id] = following.value.value
    return docs


def _reader_sections() -> list[str]:
    """Each reader's options (`sources.NAME.options`): the fields of its dataclass."""
    given = SourceConfig.model_construct().reader_options(SOURCE_NAME)
    lines = [
        f"## sources.{SOURCE_NAME}.options",
        "",
        f"The options of the source's `reader`; `warc` takes none (extraction is set by "
        f"[extract](#extract)). `source` defaults to the source's name ({SOURCE_NAME}).",
        "",
    ]
    for reader_name, reader in READERS.items():
        docs = _attribute_docstrings(reader)
        hints = typing.get_type_hints(reader)
        lines += [f"### reader: {reader_name}", "", _one_line(_docstring(reader)), ""]
        lines += _TABLE_HEAD
        for field in dataclasses.fields(reader):
            key = f"sources.{SOURCE_NAME}.options.{field.name}"
            if field.name not in docs:
                raise ConfigError(f"{reader.__name__}.{field.name} ({key}) has no docstring")
            if field.name in given:
                default = f"`{_value(given[field.name])}`"
            elif field.default is not dataclasses.MISSING:
                default = f"`{_value(field.default)}`"
            else:
                default = "required"
            lines.append(
                _row(key, _type(hints[field.name]), "", default, _one_line(docs[field.name]))
            )
        lines.append("")
    return lines


def _contents(body: list[str]) -> list[str]:
    """Links to the body's sections."""
    titles = [line.removeprefix("## ") for line in body if line.startswith("## ")]
    return ["Sections: " + ", ".join(f"[{t}](#{_anchor(t)})" for t in titles) + ".", ""]


def reference() -> str:
    """docs/configuration.md: the run's keys, each reader's options, the blend file's keys,
    the quality training commands' keys."""
    lines: list[str] = []
    lines += _sections(RunConfig, _docstring(RunConfig), _section_paths(RunConfig, ""))
    lines += _reader_sections()
    blend_intro = (
        "A blend file (`blend: PATH`, e.g. configs/blends/llm-jp-3.yaml) or the same keys "
        "inline under `blend:`. " + _one_line(_docstring(BlendFile))
    )
    lines += _sections(BlendFile, blend_intro, _section_paths(BlendFile, "blend"))
    for command, model in (("train-classifier", TrainClassifierConfig), ("teacher", TeacherConfig)):
        title = f"corpus {command} --config"
        lines += _sections(model, _docstring(model), _section_paths(model, ""), title)
    return "\n".join([_HEADER, *_contents(lines), *lines]).rstrip("\n") + "\n"


def main() -> int:
    try:
        text = reference()
    except ConfigError as error:
        print(f"corpus: {error}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
