import uuid
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, field_validator

from services.kit.schemas import CleanText, InputModel, OneLine, OutputModel, PatchModel, UtcDatetime
from services.postings.employers.uscc import is_valid_uscc, normalise_uscc
from services.reference.geo import counties

EmployerName = Annotated[str, StringConstraints(min_length=1, max_length=200), CleanText, OneLine]


class EmployerKind(StrEnum):
    COMPANY = "company"
    SHOP = "shop"
    HOUSEHOLD = "household"
    PUBLIC_PROJECT = "public_project"


def _check_uscc(value: str | None) -> str | None:
    if value is None:
        return None
    value = normalise_uscc(value)
    if not is_valid_uscc(value):
        raise ValueError("unified social credit code fails its check digit (GB 32100-2015)")
    return value


def _check_county(value: str | None) -> str | None:
    if value is not None and value not in counties():
        raise ValueError("not a Shandong county adcode")
    return value


class EmployerCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "济南鲁焊机械有限公司",
                    "kind": "company",
                    "uscc": "91370102MA3C4LY961",
                    "county_adcode": "370102",
                }
            ]
        }
    )

    name: EmployerName
    kind: EmployerKind
    uscc: Annotated[str | None, Field(max_length=18, description="统一社会信用代码, checked")] = None
    county_adcode: Annotated[str | None, Field(pattern=r"^\d{6}$")] = None

    _uscc = field_validator("uscc")(_check_uscc)
    _county = field_validator("county_adcode")(_check_county)


class EmployerUpdate(PatchModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "济南鲁焊机械股份有限公司"}]})

    NOT_NULL = ("name", "kind")

    name: EmployerName | None = None
    kind: EmployerKind | None = None
    uscc: Annotated[str | None, Field(max_length=18)] = None
    county_adcode: Annotated[str | None, Field(pattern=r"^\d{6}$")] = None

    _uscc = field_validator("uscc")(_check_uscc)
    _county = field_validator("county_adcode")(_check_county)


class EmployerVerify(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"verified": True}]})

    verified: bool


class EmployerRead(OutputModel):
    id: uuid.UUID
    name: str
    kind: EmployerKind
    uscc: str | None
    county_adcode: str | None
    verified: bool
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime
