"""Shell completion (click's ``_DEALTRACK_COMPLETE``) of deal keys and party names."""

from pathlib import Path

from click.testing import CliRunner

from dealtrack.cli import dealtrack
from tests.conftest import Invoke


def complete(db_path: Path, words: str) -> str:
    env = {
        "_DEALTRACK_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    result = CliRunner(env=env).invoke(dealtrack, [], prog_name="dealtrack")
    assert result.exit_code == 0
    return result.stdout


def test_deal_arguments_complete_keys_from_the_ledger(story: Invoke, db_path: Path) -> None:
    assert complete(db_path, f"dealtrack --db {db_path} show tik") == (
        "plain,tiktok-india-glance-digital-experience\nplain,tiktok-india-reliance-jio\n"
    )


def test_party_options_complete_names_and_aliases(story: Invoke, db_path: Path) -> None:
    assert complete(db_path, f"dealtrack --db {db_path} list --party Gl") == (
        "plain,Glance\nplain,Glance Digital Experience\n"
    )


def test_completion_on_a_missing_ledger_offers_nothing_and_creates_nothing(db_path: Path) -> None:
    assert complete(db_path, f"dealtrack --db {db_path} show tik") == "\n"
    assert not db_path.exists()


def test_statuses_complete_from_the_vocabulary(db_path: Path) -> None:
    assert complete(db_path, "dealtrack list --status in") == "plain,in-negotiation\n"
