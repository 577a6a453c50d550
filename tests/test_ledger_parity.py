"""One ledger core: the worked example recorded through commands and imported from files gives
the same ledger, event for event (only the times of recording differ)."""

import json
import re
from pathlib import Path

from click.testing import CliRunner

from dealtrack.cli import dealtrack
from tests.conftest import Invoke, NewLedger

RECORDED_AT = re.compile(r'"recorded_at": "[^"]+"')

# The parties of the example, and its first deal as Reliance Jio's bid was first reported.
OPENING_DOCUMENT = {
    "format": "dealtrack",
    "version": 2,
    "parties": [
        {"name": "TikTok India", "kind": "unit", "country": "IN", "parent": "ByteDance"},
        {"name": "Glance Digital Experience", "parent": "InMobi", "aliases": ["Glance"]},
    ],
    "links": [],
    "fx_rates": [],
    "deals": [
        {
            "target": "TikTok India", "sellers": "ByteDance", "acquirers": "Reliance Jio",
            "kind": "asset-sale", "status": "in-negotiation", "value": "$3 billion",
            "basis": "reported", "reported": "2020-08",
        }
    ],
}  # fmt: skip
JIO_FAILS = (
    "key,status,reason,date,source\n"
    "tiktok-india-reliance-jio,failed,did not go through for undisclosed reasons,2021-02-13,"
    "Bloomberg\n"
)
LATER_DEALS = [
    {
        "target": "TikTok India", "sellers": ["ByteDance"],
        "acquirers": ["Glance Digital Experience"], "backers": ["SoftBank"],
        "kind": "asset-sale", "status": "in-negotiation", "reported": "2021-02-13",
        "source": "Bloomberg", "attribution": "anonymous",
        "notes": "initial phase of negotiations",
    },
    {
        "target": "Glance Digital Experience", "kind": "investment",
        "acquirers": ["Google", "Mithril Capital"], "value": "$145 million",
        "status": "completed", "reported": "2020-12",
    },
]  # fmt: skip


def test_the_story_recorded_by_commands_and_imported_from_files_is_the_same_ledger(
    story: Invoke, new_ledger: NewLedger, tmp_path: Path
) -> None:
    imported = new_ledger("imported.db")
    files = {
        "opening.json": json.dumps(OPENING_DOCUMENT),
        "jio-fails.csv": JIO_FAILS,
        "later.jsonl": "\n".join(json.dumps(deal) for deal in LATER_DEALS) + "\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = CliRunner().invoke(
            dealtrack, ["--db", imported.url, "import", str(tmp_path / name)]
        )
        assert result.exit_code == 0, result.output

    exported = CliRunner().invoke(dealtrack, ["--db", imported.url, "export"]).stdout
    recorded = story("export").stdout
    assert RECORDED_AT.sub("", exported) == RECORDED_AT.sub("", recorded)
