"""Shell completion (click's ``_DEALTRACK_COMPLETE``) of deal keys and party names."""

from click.testing import CliRunner

from dealtrack.cli import dealtrack
from tests.conftest import Invoke, LedgerUnderTest


def complete(words: str) -> str:
    env = {
        "_DEALTRACK_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    result = CliRunner(env=env).invoke(dealtrack, [], prog_name="dealtrack")
    assert result.exit_code == 0
    return result.stdout


def test_deal_arguments_complete_keys_from_the_ledger(story: Invoke, ledger_url: str) -> None:
    assert complete(f"dealtrack --db {ledger_url} show tik") == (
        "plain,tiktok-india-glance-digital-experience\nplain,tiktok-india-reliance-jio\n"
    )


def test_party_options_complete_names_and_aliases(story: Invoke, ledger_url: str) -> None:
    assert complete(f"dealtrack --db {ledger_url} list --party Gl") == (
        "plain,Glance\nplain,Glance Digital Experience\n"
    )


def test_completion_on_a_missing_ledger_offers_nothing_and_creates_nothing(
    ledger_db: LedgerUnderTest,
) -> None:
    assert complete(f"dealtrack --db {ledger_db.url} show tik") == "\n"
    assert not ledger_db.exists()


def test_statuses_complete_from_the_vocabulary() -> None:
    assert complete("dealtrack list --status in") == "plain,in-negotiation\n"
