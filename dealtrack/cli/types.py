"""Click parameter types: a malformed value is a usage error (exit 2) before any ledger is opened.

They import only the pure value-type modules, so ``dealtrack --help`` stays light.
"""

from typing import Any

import click

from dealtrack import dates, money, statuses, vocabulary
from dealtrack.domain.parties import parse_country
from dealtrack.render import OWN_FORMATS, TABLE


class AmountType(click.ParamType[money.Amount]):
    name = "AMOUNT"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> money.Amount:
        if isinstance(value, money.Amount):
            return value
        try:
            return money.parse_amount(str(value))
        except money.AmountError as error:
            self.fail(str(error), param, ctx)


class DateType(click.ParamType[dates.PartialDate]):
    """``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``today``; an effective date may not be in the future."""

    name = "DATE"

    def __init__(self, effective: bool = False) -> None:
        self.effective = effective

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dates.PartialDate:
        if isinstance(value, dates.PartialDate):
            return value
        try:
            parse = dates.parse_effective_date if self.effective else dates.parse_date
            return parse(str(value))
        except dates.DateError as error:
            self.fail(str(error), param, ctx)


class TermType(click.ParamType[str]):
    """One term of a closed vocabulary (status, deal kind, party kind, basis, attribution)."""

    def __init__(self, terms: tuple[str, ...], what: str) -> None:
        self.terms, self.what = terms, what
        self.name = what.split()[-1].upper()

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return vocabulary.parse_term(str(value), self.terms, self.what)
        except vocabulary.VocabularyError as error:
            self.fail(str(error), param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        return [
            click.shell_completion.CompletionItem(t) for t in self.terms if t.startswith(incomplete)
        ]


class StatusType(click.ParamType[str]):
    """A status, or a word of the trade press for one (``withdrawn`` is failed)."""

    name = "STATUS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return statuses.parse_status(str(value))
        except statuses.StatusError as error:
            self.fail(str(error), param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        return _statuses_from(incomplete)


class SaidStatusType(click.ParamType[tuple[str, str | None]]):
    """A status being recorded, with the reason its word gives (``withdrawn``), if any."""

    name = "STATUS"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str | None]:
        if isinstance(value, tuple):
            return value
        return STATUS.convert(value, param, ctx), statuses.reason_in_word(str(value))

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        return _statuses_from(incomplete)


def _statuses_from(incomplete: str) -> list[Any]:
    return [
        click.shell_completion.CompletionItem(status)
        for status in statuses.STATUSES
        if status.startswith(incomplete)
    ]


class RoleNameType(click.ParamType[tuple[str, str]]):
    """``ROLE=NAME`` for ``edit --add/--remove``."""

    name = "ROLE=NAME"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        role, sep, name = str(value).partition("=")
        if not sep or not name.strip():
            self.fail(f'{value!r} is not ROLE=NAME; write e.g. acquirer="Reliance Jio"', param, ctx)
        try:
            term = vocabulary.parse_term(role, vocabulary.PARTICIPANT_ROLES, "role")
        except vocabulary.VocabularyError as error:
            self.fail(str(error), param, ctx)
        return term, name.strip()


class CurrencyType(click.ParamType[str]):
    name = "CUR"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return money.parse_currency(str(value))
        except money.AmountError as error:
            self.fail(str(error), param, ctx)


class CountryType(click.ParamType[str]):
    name = "CC"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return parse_country(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


class FormatType(click.ParamType[str]):
    """An output format: dealtrack's own writers or any tabulate table format."""

    name = "FORMAT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).lower()
        if text in OWN_FORMATS or text == TABLE:
            return text
        from dealtrack.render import is_known_format, tabulate_formats

        if not is_known_format(text):
            known = ", ".join(dict.fromkeys([TABLE, *OWN_FORMATS, *tabulate_formats()]))
            self.fail(f"{value!r} is not a format; use one of: {known}", param, ctx)
        return text


class FieldsType(click.ParamType[tuple[str, ...]]):
    """A comma-separated list of field names, checked against the command's columns later."""

    name = "F1,F2…"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        fields = tuple(f.strip() for f in str(value).split(",") if f.strip())
        if not fields:
            self.fail("name at least one field", param, ctx)
        return fields


AMOUNT = AmountType()
DATE = DateType()
EFFECTIVE_DATE = DateType(effective=True)
STATUS = StatusType()
SAID_STATUS = SaidStatusType()
DEAL_KIND = TermType(vocabulary.KINDS, "deal kind")
PARTY_KIND = TermType(vocabulary.PARTY_KINDS, "party kind")
BASIS = TermType(vocabulary.BASES, "basis")
ATTRIBUTION = TermType(vocabulary.ATTRIBUTIONS, "attribution")
ROLE_NAME = RoleNameType()
CURRENCY = CurrencyType()
COUNTRY = CountryType()
FORMAT = FormatType()
FIELDS = FieldsType()
