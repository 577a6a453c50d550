"""``dealtrack add``: keys, defaults, the duplicate guard, party creation and malformed options."""

import datetime

import pytest

from tests.conftest import Invoke, LedgerUnderTest
from tests.ledger_json import deal, deals, events, keys, usage_error

TODAY = datetime.date.today().isoformat()
ADD_USAGE = "[OPTIONS] TARGET"


def test_add_prints_the_key_alone_on_stdout_and_confirms_on_stderr(run: Invoke) -> None:
    result = run("add", "TikTok India", "--acquirer", "Reliance Jio", "--on", "2020-08")
    assert result.exit_code == 0
    assert result.stdout == "tiktok-india-reliance-jio\n"
    assert result.stderr == (
        'Created party "TikTok India"\n'
        'Created party "Reliance Jio"\n'
        'Added deal "tiktok-india-reliance-jio"\n'
    )


def test_add_records_every_option_it_is_given(run: Invoke) -> None:
    result = run(
        "add", "TikTok India", "--seller", "ByteDance", "--acquirer", "Reliance Jio",
        "--adviser", "Morgan Stanley", "--backer", "SoftBank", "--other", "MeitY",
        "--kind", "Asset Sale", "--status", "In_Negotiation", "--value", "$2-3 billion",
        "--basis", "estimated", "--on", "2020-08", "--source", "Bloomberg",
        "--url", "https://example.com/jio", "--attribution", "anonymous",
        "--reason", "talks began", "--note", "early talks", "--title", "Jio bid for TikTok",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert deal(run, "tiktok-india-reliance-jio") == {
        "id": 1,
        "key": "tiktok-india-reliance-jio",
        "title": "Jio bid for TikTok",
        "kind": "asset-sale",
        "status": "in-negotiation",
        "reason": "talks began",
        "target": "TikTok India",
        "parties": [
            {"name": "TikTok India", "role": "target"},
            {"name": "Reliance Jio", "role": "acquirer"},
            {"name": "ByteDance", "role": "seller"},
            {"name": "Morgan Stanley", "role": "adviser"},
            {"name": "SoftBank", "role": "backer"},
            {"name": "MeitY", "role": "other"},
        ],
        "value": {
            "amount": "2000000000.00",
            "high": "3000000000.00",
            "currency": "USD",
            "basis": "estimated",
        },
        "reported": "2020-08",
        "updated": "2020-08",
        "notes": ["early talks"],
    }


def test_add_records_one_created_event_holding_the_roster_target_first_in_role_order(
    run: Invoke,
) -> None:
    run("add", "T", "--backer", "B", "--seller", "S", "--acquirer", "A", "--on", "2020-08",
        "--source", "Reuters")  # fmt: skip
    source = {"outlet": "Reuters", "url": None, "attribution": "unattributed"}
    roster = [
        {"name": "T", "role": "target"},
        {"name": "A", "role": "acquirer"},
        {"name": "S", "role": "seller"},
        {"name": "B", "role": "backer"},
    ]
    assert events(run, "t-a") == [
        {"id": 1, "deal": "t-a", "type": "created", "on": "2020-08", "status": "rumored",
         "reason": None, "value": None, "parties": roster, "source": source, "note": None},
    ]  # fmt: skip
    assert list(events(run, "t-a")[0]) == [
        "id", "deal", "type", "on", "status", "reason", "value", "parties", "source", "note",
    ]  # fmt: skip


def test_add_defaults_to_a_rumored_acquisition_reported_today(run: Invoke) -> None:
    assert run("add", "Glance").stdout == "glance\n"
    assert deal(run, "glance") == {
        "id": 1,
        "key": "glance",
        "title": "Glance",
        "kind": "acquisition",
        "status": "rumored",
        "reason": None,
        "target": "Glance",
        "parties": [{"name": "Glance", "role": "target"}],
        "value": None,
        "reported": TODAY,
        "updated": TODAY,
        "notes": [],
    }


def test_default_title_names_the_target_and_its_acquirers(run: Invoke) -> None:
    run("add", "Glance", "--acquirer", "Google", "--acquirer", "Mithril Capital", "--on", "2020")
    assert deal(run, "glance-google")["title"] == "Glance / Google, Mithril Capital"


@pytest.mark.parametrize(
    ("target", "acquirer", "key"),
    [
        ("Nestlé", "AT&T", "nestle-at-t"),
        ("Société Générale", "BNP  Paribas", "societe-generale-bnp-paribas"),
        ("(Glance)!", None, "glance"),
        ("3M", "Acme, Inc.", "3m-acme-inc"),
    ],
)
def test_derived_key_is_the_slug_of_target_and_first_acquirer(
    run: Invoke, target: str, acquirer: str | None, key: str
) -> None:
    extra = ("--acquirer", acquirer, "--acquirer", "Zeta") if acquirer else ()
    result = run("add", target, *extra)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{key}\n"


def test_a_taken_derived_key_gets_the_next_free_number(run: Invoke) -> None:
    added = [run("add", "Nestlé", "--acquirer", "AT&T", "--on", year).stdout for year in
             ("2019", "2020", "2021")]  # fmt: skip
    assert added == ["nestle-at-t\n", "nestle-at-t-2\n", "nestle-at-t-3\n"]


def test_a_derived_key_without_a_letter_becomes_deal_and_its_id(run: Invoke) -> None:
    run("add", "Glance", "--on", "2020")
    assert run("add", "1947", "--acquirer", "2020", "--on", "2020").stdout == "deal-2\n"
    assert run("add", "***", "--on", "2020").stdout == "deal-3\n"


def test_deal_id_key_taken_by_a_chosen_key_gets_a_number(run: Invoke) -> None:
    run("add", "Glance", "--key", "deal-2", "--on", "2020")
    result = run("add", "1947", "--on", "2020")
    assert (result.exit_code, result.stdout) == (0, "deal-2-2\n")
    assert keys(run) == ["deal-2", "deal-2-2"]


def test_add_uses_the_key_it_is_given(run: Invoke) -> None:
    result = run("add", "TikTok India", "--acquirer", "Reliance Jio", "--key", "jio-tiktok")
    assert (result.exit_code, result.stdout) == (0, "jio-tiktok\n")
    assert result.stderr.endswith('Added deal "jio-tiktok"\n')


@pytest.mark.parametrize("bad_key", ["Jio TikTok", "jio--tiktok", "-jio", "jio_tiktok", "2021", ""])
def test_a_malformed_key_is_a_usage_error(
    run: Invoke, ledger_db: LedgerUnderTest, bad_key: str
) -> None:
    result = run("add", "TikTok India", "--key", bad_key)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == usage_error(
        "add",
        ADD_USAGE,
        f"Invalid value for '--key': {bad_key!r} is not a valid key; use lowercase letters and "
        "digits joined by '-', with at least one letter (e.g. tiktok-india-jio)",
    )
    assert not ledger_db.exists()


def test_a_taken_key_is_refused(run: Invoke) -> None:
    run("add", "Glance", "--key", "glance-bid", "--on", "2020")
    result = run("add", "Jio", "--acquirer", "Fresh Co", "--key", "glance-bid")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == 'Error: key "glance-bid" is taken; choose another with --key\n'
    assert keys(run) == ["glance-bid"]
    assert run("party", "show", "Fresh Co").exit_code == 1


DUPLICATE = (
    'Error: deal "t-a" already records this (same target, acquirers and reported date); '
    "use --new to record another\n"
)


def test_add_refuses_a_deal_with_the_same_target_acquirers_and_reported_date(run: Invoke) -> None:
    run("add", "T", "--acquirer", "A", "--acquirer", "B", "--on", "2020-08")
    result = run(
        "add", "t", "--acquirer", "b", "--acquirer", "a", "--seller", "S", "--on", "2020-08"
    )
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", DUPLICATE)
    assert keys(run) == ["t-a"]
    assert run("party", "show", "S").exit_code == 1


@pytest.mark.parametrize(
    ("first", "second"), [("2020-08", "2020-08-16"), ("2020-08-16", "2020-08"), ("2020", "2020-08")]
)
def test_add_refuses_a_deal_reported_in_an_overlapping_period(
    run: Invoke, first: str, second: str
) -> None:
    run("add", "T", "--acquirer", "A", "--on", first)
    result = run("add", "T", "--acquirer", "A", "--on", second)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", DUPLICATE)
    assert keys(run) == ["t-a"]


def test_deals_reported_in_periods_that_do_not_overlap_are_two_deals(run: Invoke) -> None:
    run("add", "T", "--acquirer", "A", "--on", "2020-08")
    result = run("add", "T", "--acquirer", "A", "--on", "2020-09-01")
    assert (result.exit_code, result.stdout) == (0, "t-a-2\n")
    assert keys(run) == ["t-a", "t-a-2"]


def test_duplicate_guard_sees_through_aliases(run: Invoke) -> None:
    run("party", "add", "Anchor Co", "--alias", "A")
    run("add", "T", "--acquirer", "Anchor Co", "--on", "2020-08")
    result = run("add", "T", "--acquirer", "A", "--on", "2020-08")
    assert result.exit_code == 1
    assert result.stderr.startswith('Error: deal "t-anchor-co" already records this')


def test_duplicate_guard_applies_to_deals_without_acquirers(run: Invoke) -> None:
    run("add", "T", "--on", "2020")
    result = run("add", "T", "--seller", "S", "--on", "2020")
    assert result.exit_code == 1
    assert result.stderr.startswith('Error: deal "t" already records this')


def test_new_records_a_second_deal_despite_the_duplicate_guard(run: Invoke) -> None:
    run("add", "T", "--acquirer", "A", "--on", "2020-08")
    result = run("add", "T", "--acquirer", "A", "--on", "2020-08", "--new")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "t-a-2\n",
        'Added deal "t-a-2"\n',
    )


@pytest.mark.parametrize(
    "other",
    [
        ("--acquirer", "A", "--on", "2020-09"),
        ("--acquirer", "A", "--acquirer", "B", "--on", "2020-08"),
        ("--on", "2020-08"),
    ],
)
def test_a_deal_differing_in_acquirers_or_reported_date_is_not_a_duplicate(
    run: Invoke, other: tuple[str, ...]
) -> None:
    run("add", "T", "--acquirer", "A", "--on", "2020-08")
    result = run("add", "T", *other)
    assert result.exit_code == 0, result.stderr
    assert len(deals(run)) == 2


def test_a_party_named_twice_in_one_role_is_listed_once(run: Invoke) -> None:
    run("add", "T", "--acquirer", "Google", "--acquirer", "GOOGLE", "--adviser", "Google")
    assert deal(run, "t-google")["parties"] == [
        {"name": "T", "role": "target"},
        {"name": "Google", "role": "acquirer"},
        {"name": "Google", "role": "adviser"},
    ]


def test_add_finds_existing_parties_by_alias_and_creates_only_new_ones(run: Invoke) -> None:
    run("party", "add", "Glance Digital Experience", "--alias", "Glance")
    result = run("add", "TikTok India", "--acquirer", "glance", "--backer", "SoftBank")
    assert result.stdout == "tiktok-india-glance-digital-experience\n"
    assert result.stderr == (
        'Created party "TikTok India"\n'
        'Created party "SoftBank"\n'
        'Added deal "tiktok-india-glance-digital-experience"\n'
    )


def test_no_create_refuses_an_unknown_party_and_creates_nothing(run: Invoke) -> None:
    run("add", "Glance", "--acquirer", "Google", "--on", "2020")
    result = run("add", "Glance", "--acquirer", "Googel", "--seller", "InMobi", "--no-create")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == 'Error: no party named "Googel" (drop --no-create to create it)\n'
    assert run("party", "show", "InMobi").exit_code == 1
    assert keys(run) == ["glance-google"]


def test_no_create_accepts_parties_already_in_the_ledger(run: Invoke) -> None:
    run("add", "Glance", "--acquirer", "Google", "--on", "2020")
    result = run("add", "Glance", "--acquirer", "google", "--no-create")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "glance-google-2\n", 'Added deal "glance-google-2"\n',
    )  # fmt: skip


def test_a_failed_add_claims_to_have_created_no_party(run: Invoke) -> None:
    run("add", "Glance", "--key", "taken", "--on", "2020")
    result = run("add", "Brand New Target", "--acquirer", "Brand New Buyer", "--key", "taken")
    assert result.stderr == 'Error: key "taken" is taken; choose another with --key\n'


@pytest.mark.parametrize(
    ("args", "param", "name"),
    [
        (("A;B",), "'TARGET'", "A;B"),
        (("T", "--acquirer", "Reliance;Jio"), "'--acquirer'", "Reliance;Jio"),
        (("T", "--seller", "Byte\x01Dance"), "'--seller'", "Byte\x01Dance"),
        (("T", "--backer", "Soft\x00Bank"), "'--backer'", "Soft\x00Bank"),
        (("T", "--adviser", "Morgan\nStanley"), "'--adviser'", "Morgan\nStanley"),
        (("T", "--other", "Del\x7f"), "'--other'", "Del\x7f"),
    ],
)
def test_party_names_with_semicolons_or_control_characters_are_refused(
    run: Invoke, ledger_db: LedgerUnderTest, args: tuple[str, ...], param: str, name: str
) -> None:
    result = run("add", *args)
    assert result.exit_code == 2
    shown = repr(" ".join(name.split()))
    assert result.stderr == usage_error(
        "add",
        ADD_USAGE,
        f"Invalid value for {param}: {shown} is not a valid party name: "
        "it may not contain ';', NUL or control characters",
    )
    assert not ledger_db.exists()


def test_an_empty_party_name_is_refused(run: Invoke) -> None:
    result = run("add", "T", "--acquirer", "  ")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--acquirer': a party name cannot be empty\n"
    )


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--value", "3 billion", "'3 billion': no currency; write e.g. '$3 billion' or 'USD 3 billion'"),
        ("--on", "2021-13", "'2021-13': there is no month 13; months run from 01 to 12"),
        ("--on", "13/02/2021", "'13/02/2021' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD "
                               "(e.g. 2021-02-13) or 'today'"),
        ("--on", "2999-01", f"'2999-01' is after today ({TODAY}); effective dates cannot be in the future"),
        ("--status", "closing", "'closing' is not a status; use one of: rumored, in-negotiation, "
                               "agreed, completed, failed"),
        ("--kind", "takeover", "'takeover' is not a deal kind; use one of: acquisition, merger, "
                               "asset-sale, stake, investment, joint-venture"),
        ("--basis", "rumour", "'rumour' is not a basis; use one of: disclosed, reported, estimated"),
        ("--attribution", "sources", "'sources' is not an attribution; use one of: official, "
                                     "on-record, anonymous, unattributed"),
    ],
)  # fmt: skip
def test_malformed_option_values_are_usage_errors_that_create_no_ledger(
    run: Invoke, ledger_db: LedgerUnderTest, option: str, value: str, message: str
) -> None:
    result = run("add", "T", option, value)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == usage_error(
        "add", ADD_USAGE, f"Invalid value for '{option}': {message}"
    )
    assert not ledger_db.exists()


# Roles that cannot combine


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Acme", "--acquirer", "Acme"), '"Acme" is the target of this deal and cannot also be its acquirer'),
        (("Acme", "--backer", "ACME ", "--seller", "Big Co"), '"Acme" is the target of this deal and cannot also be its backer'),
        (("Widget", "--acquirer", "Acme", "--seller", "acme"), '"Acme" cannot be both acquirer and seller'),
    ],
)  # fmt: skip
def test_add_refuses_a_party_in_roles_that_cannot_combine(
    run: Invoke, ledger_db: LedgerUnderTest, args: tuple[str, ...], message: str
) -> None:
    result = run("add", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")
    assert not ledger_db.exists()


def test_add_compares_parties_after_resolving_aliases_and_records_nothing(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    assert run("party", "add", "Glance Digital Experience", "--alias", "Glance").exit_code == 0
    before = ledger_db.contents()
    result = run("add", "Glance", "--acquirer", "New Co", "--seller", "Glance Digital Experience")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        'Error: "Glance Digital Experience" is the target of this deal and cannot also be its '
        "seller\n"
    )
    assert ledger_db.contents() == before
    assert deals(run) == []
