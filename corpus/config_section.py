"""What every section of the run's configuration is built from, wherever its stage lives."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
)

from corpus.model_files import is_file


def _false_is_off(value: Any) -> Any:
    return "off" if value is False else value


_Choice = TypeVar("_Choice")
YamlOff = Annotated[_Choice, BeforeValidator(_false_is_off)]
"""A choice that includes `off`, e.g. `YamlOff[Literal["off", "newest"]]`: YAML 1.1 reads a
bare `off` (and `no`, `false`) as false, which here means `off`. `true` (also `on`, `yes`)
names none of the choices and is still refused."""


class Section(BaseModel):
    """A config section: frozen, an unknown key refused, each field documented by the
    docstring under it (which the configuration reference prints)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


OFFLINE = "offline"
"""Validation context key: when true, validation looks at no file the config names (a
crawl's list of files is not read, so `inputs` stays the crawl; an `ExistingFile` is not
checked): `corpus run --dry-run` reports on those files itself, without a network request."""


def is_offline(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get(OFFLINE))


def _existing_file(path: str, info: ValidationInfo) -> str:
    if not is_offline(info) and not is_file(path):
        raise ValueError(f"{path} does not exist or is not a file")
    return path


ExistingFile = Annotated[str, AfterValidator(_existing_file)]
"""A file that must exist when the config is validated: local, or on any Beam file system
(gs://, s3://), checked through Beam FileSystems."""


def validation_problems(error: ValidationError) -> list[str]:
    """`key.path: message` for every problem of a config file (`(top level)` for one found
    across keys)."""
    return [
        f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: "
        + e["msg"].removeprefix("Value error, ")
        for e in error.errors()
    ]
