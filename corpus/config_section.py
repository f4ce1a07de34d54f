"""What every section of the run's configuration is built from, wherever its stage lives."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict


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
