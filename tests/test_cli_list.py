"""``dealtrack list``: every FILTER, every sort, --desc and --limit."""

import json

import pytest

from tests.conftest import STORY, BuiltLedger, Invoke

# Four more deals beside the worked example (ids 1-3), in three currencies and five statuses.
MARKET = (
    ("party", "add", "Meta Platforms", "--alias", "Facebook"),
    (
        "add",
        "WhatsApp",
        "--acquirer",
        "Meta Platforms",
        "--status",
        "completed",
        "--value",
        "$19bn",
        "--on",
        "2014-02-19",
    ),
    (
        "add",
        "Arm",
        "--acquirer",
        "Nvidia",
        "--seller",
        "SoftBank",
        "--value",
        "$40bn",
        "--status",
        "agreed",
        "--on",
        "2020-09-13",
    ),
    (
        "status",
        "arm-nvidia",
        "failed",
        "--on",
        "2022-02-08",
        "--reason",
        "significant regulatory challenges",
    ),
    (
        "add",
        "Mediaset",
        "--acquirer",
        "Vivendi",
        "--kind",
        "stake",
        "--value",
        "€2-3bn",
        "--on",
        "2020-12-31",
        "--title",
        "Mediaset stake-building",
    ),
    (
        "add",
        "Future Retail",
        "--acquirer",
        "Reliance Retail",
        "--value",
        "INR 24,713 crore",
        "--status",
        "agreed",
        "--on",
        "2020-08-29",
    ),
    ("note", "future-retail-reliance-retail", "court hearing pending", "--on", "2021-02"),
)

JIO = "tiktok-india-reliance-jio"
GLANCE = "tiktok-india-glance-digital-experience"
GOOGLE = "glance-digital-experience-google"
WHATSAPP = "whatsapp-meta-platforms"
ARM = "arm-nvidia"
MEDIASET = "mediaset-vivendi"
RETAIL = "future-retail-reliance-retail"


@pytest.fixture
def market(built_ledger: BuiltLedger) -> Invoke:
    """The worked example and MARKET's four deals."""
    return built_ledger(STORY, MARKET)


def listed(run: Invoke, *args: str) -> list[str]:
    """The keys ``list ARGS`` prints, checking it succeeded silently with one key a line."""
    result = run("list", *args, "-f", "csv", "--fields", "key")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "key"
    return lines[1:]


def test_list_shows_every_deal_by_id_in_a_table(story: Invoke) -> None:
    result = story("list")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        "id    key                                     status          value        target"
        "                     acquirers                  reported    updated\n"
        "----  --------------------------------------  --------------  -----------  -------------------------"
        "  -------------------------  ----------  ----------\n"
        "1     tiktok-india-reliance-jio               failed          USD 3bn      TikTok India"
        "               Reliance Jio               2020-08     2021-02-13\n"
        "2     tiktok-india-glance-digital-experience  in negotiation  undisclosed  TikTok India"
        "               Glance Digital Experience  2021-02-13  2021-02-13\n"
        "3     glance-digital-experience-google        completed       USD 145m     Glance Digital Experience"
        "  Google; Mithril Capital    2020-12     2020-12\n"
    )


def test_status_filter_matches_the_status_in_force(story: Invoke) -> None:
    assert listed(story, "--status", "failed") == [JIO]
    assert listed(story, "--status", "completed") == [GOOGLE]


def test_status_filter_accepts_loose_spelling(story: Invoke) -> None:
    assert listed(story, "--status", "In_Negotiation") == [GLANCE]
    assert listed(story, "--status", "in negotiation") == [GLANCE]


def test_unknown_status_is_a_usage_error(story: Invoke) -> None:
    result = story("list", "--status", "pending")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Usage: dealtrack list [OPTIONS]\n")
    assert "Error: Invalid value for '--status'" in result.stderr


def test_repeated_status_filters_are_ored(market: Invoke) -> None:
    assert listed(market, "--status", "failed", "--status", "rumored") == [JIO, ARM, MEDIASET]


def test_kind_filter_and_its_repeats(market: Invoke) -> None:
    assert listed(market, "--kind", "investment") == [GOOGLE]
    assert listed(market, "--kind", "asset-sale", "--kind", "stake") == [JIO, GLANCE, MEDIASET]


def test_party_filter_matches_any_role_including_target(market: Invoke) -> None:
    assert listed(market, "--party", "ByteDance") == [JIO, GLANCE]  # seller
    assert listed(market, "--party", "TikTok India") == [JIO, GLANCE]  # target
    assert listed(market, "--party", "SoftBank") == [GLANCE, ARM]  # backer and seller
    assert listed(market, "--party", "Mithril Capital") == [GOOGLE]  # second acquirer


def test_party_filter_matches_an_alias_in_any_case(market: Invoke) -> None:
    assert listed(market, "--party", "Glance") == [GLANCE, GOOGLE]
    assert listed(market, "--party", "FACEBOOK") == [WHATSAPP]
    assert listed(market, "--party", "  meta   platforms ") == [WHATSAPP]


def test_party_filter_does_not_match_a_partys_units(market: Invoke) -> None:
    # InMobi is Glance's parent but in no deal itself; it is known, so no note either.
    assert listed(market, "--party", "InMobi") == []


def test_unknown_party_matches_nothing_with_a_note(market: Invoke) -> None:
    result = market("list", "--party", "Nobody Inc", "-f", "json")
    assert result.exit_code == 0
    assert result.stdout == "[]\n"
    assert result.stderr == 'Note: no party named "Nobody Inc"; it matches no deal\n'


def test_unknown_party_beside_a_known_one_still_matches_the_known(market: Invoke) -> None:
    result = market(
        "list", "--acquirer", "Nvidia", "--acquirer", "Nobody", "-f", "csv", "--fields", "key"
    )
    assert result.exit_code == 0
    assert result.stdout == f"key\n{ARM}\n"
    assert result.stderr == 'Note: no party named "Nobody"; it matches no deal\n'


def test_reading_with_an_unknown_party_creates_no_party(market: Invoke) -> None:
    market("list", "--party", "Ghost Capital")
    result = market("party", "show", "Ghost Capital")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")


def test_role_filters_match_only_their_role(market: Invoke) -> None:
    assert listed(market, "--acquirer", "Glance") == [GLANCE]
    assert listed(market, "--target", "Glance") == [GOOGLE]
    assert listed(market, "--seller", "SoftBank") == [ARM]
    assert listed(market, "--acquirer", "ByteDance") == []
    assert listed(market, "--target", "TikTok India") == [JIO, GLANCE]


def test_repeated_party_options_are_ored(market: Invoke) -> None:
    assert listed(market, "--acquirer", "Google", "--acquirer", "Nvidia") == [GOOGLE, ARM]


def test_different_filters_are_anded(market: Invoke) -> None:
    assert listed(market, "--party", "SoftBank", "--status", "failed") == [ARM]
    assert listed(market, "--status", "failed", "--kind", "investment") == []
    assert listed(market, "--target", "TikTok India", "--currency", "USD") == [JIO]


def test_since_and_until_cover_whole_periods(market: Invoke) -> None:
    assert listed(market, "--until", "2020") == [JIO, GOOGLE, WHATSAPP, ARM, MEDIASET, RETAIL]
    assert listed(market, "--since", "2021") == [GLANCE]
    assert listed(market, "--until", "2020-08") == [JIO, WHATSAPP, RETAIL]
    assert listed(market, "--since", "2020-12", "--until", "2020-12") == [GOOGLE, MEDIASET]
    assert listed(market, "--since", "2020-08-29", "--until", "2020-09-13") == [ARM, RETAIL]


def test_since_a_month_includes_a_deal_known_only_to_that_month(market: Invoke) -> None:
    assert listed(market, "--since", "2020-08-15", "--until", "2020-08") == [RETAIL]
    assert listed(market, "--since", "2020-08", "--until", "2020-08-15") == [JIO]


def test_updated_since_filters_on_the_latest_event(market: Invoke) -> None:
    assert listed(market, "--updated-since", "2021") == [JIO, GLANCE, ARM, RETAIL]
    assert listed(market, "--updated-since", "2021-02-14") == [ARM]


def test_malformed_date_is_a_usage_error(market: Invoke) -> None:
    result = market("list", "--since", "2020-13")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error: Invalid value for '--since'" in result.stderr


def test_currency_filter_takes_codes_in_any_case_and_repeats(market: Invoke) -> None:
    assert listed(market, "--currency", "usd") == [JIO, GOOGLE, WHATSAPP, ARM]
    assert listed(market, "--currency", "EUR", "--currency", "INR") == [MEDIASET, RETAIL]


def test_min_and_max_value_bound_amounts_in_their_currency(market: Invoke) -> None:
    assert listed(market, "--min-value", "$3bn") == [JIO, WHATSAPP, ARM]
    assert listed(market, "--max-value", "$3bn") == [JIO, GOOGLE]
    assert listed(market, "--min-value", "$1bn", "--max-value", "$20 billion") == [JIO, WHATSAPP]
    assert listed(market, "--min-value", "INR 200bn") == [RETAIL]


def test_a_range_matches_when_it_overlaps_the_bound(market: Invoke) -> None:
    assert listed(market, "--min-value", "€2.5bn") == [MEDIASET]
    assert listed(market, "--max-value", "€2.5bn") == [MEDIASET]
    assert listed(market, "--min-value", "€3.5bn") == []
    assert listed(market, "--max-value", "€1.5bn") == []


def test_undisclosed_values_never_match_a_value_bound(market: Invoke) -> None:
    assert listed(market, "--max-value", "$1 trillion") == [JIO, GOOGLE, WHATSAPP, ARM]
    assert listed(market, "--min-value", "USD 0") == [JIO, GOOGLE, WHATSAPP, ARM]


def test_value_bounds_in_different_currencies_are_a_usage_error(market: Invoke) -> None:
    result = market("list", "--min-value", "$1bn", "--max-value", "€2bn")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Usage: dealtrack list [OPTIONS]\n"
        "Try 'dealtrack list --help' for help.\n"
        "\n"
        "Error: Invalid value for '--max-value': --min-value is in USD but --max-value in EUR;"
        " use one currency\n"
    )


def test_malformed_amount_is_a_usage_error(market: Invoke) -> None:
    result = market("list", "--min-value", "3 billion")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error: Invalid value for '--min-value'" in result.stderr


def test_search_finds_titles_notes_and_reasons(market: Invoke) -> None:
    assert listed(market, "--search", "stake-building") == [MEDIASET]  # title
    assert listed(market, "--search", "Court Hearing") == [RETAIL]  # note event
    assert listed(market, "--search", "initial phase") == [GLANCE]  # --note on add
    assert listed(market, "--search", "regulatory") == [ARM]  # reason
    assert listed(market, "--search", "undisclosed reasons") == [JIO]


def test_search_finds_party_names_and_aliases(market: Invoke) -> None:
    assert listed(market, "--search", "nvidia") == [ARM]
    assert listed(market, "--search", "facebook") == [WHATSAPP]
    assert listed(market, "--search", "mithril") == [GOOGLE]


def test_search_ignores_case_beyond_ascii_on_every_backend(run: Invoke) -> None:
    assert (
        run(
            "add", "Nestlé Waters", "--key", "waters", "--title", "ÉVIAN SALE", "--on", "2020"
        ).exit_code
        == 0
    )
    assert run("note", "waters", "ÜBERNAHME-GESPRÄCHE mit Danone", "--on", "2021").exit_code == 0
    assert listed(run, "--search", "évian") == ["waters"]  # title
    assert listed(run, "--search", "übernahme-gespräche") == ["waters"]  # note
    assert listed(run, "--search", "Übernahme-Gespräche") == ["waters"]


def test_repeated_searches_are_ored(market: Invoke) -> None:
    assert listed(market, "--search", "facebook", "--search", "regulatory") == [WHATSAPP, ARM]


def test_search_treats_wildcards_literally(market: Invoke) -> None:
    assert listed(market, "--search", "%") == []
    assert listed(market, "--search", "_") == []


def test_as_of_shows_the_status_in_force_on_that_day(market: Invoke) -> None:
    result = market("list", "--as-of", "2020-12-31", "-f", "csv", "--fields", "key,status,updated")
    assert result.exit_code == 0
    assert result.stdout == (
        "key,status,updated\n"
        f"{JIO},in-negotiation,2020-08\n"
        f"{GOOGLE},completed,2020-12\n"
        f"{WHATSAPP},completed,2014-02-19\n"
        f"{ARM},agreed,2020-09-13\n"
        f"{MEDIASET},rumored,2020-12-31\n"
        f"{RETAIL},agreed,2020-08-29\n"
    )


def test_as_of_leaves_out_deals_reported_later(market: Invoke) -> None:
    assert listed(market, "--as-of", "2020-08") == [JIO, WHATSAPP, RETAIL]
    assert listed(market, "--as-of", "2014") == [WHATSAPP]
    assert listed(market, "--as-of", "2013") == []


def test_filters_apply_to_the_state_as_of_the_date(market: Invoke) -> None:
    assert listed(market, "--as-of", "2020-12-31", "--status", "in-negotiation") == [JIO]
    assert listed(market, "--as-of", "2020-12-31", "--status", "failed") == []
    assert listed(market, "--as-of", "2021-02-13", "--status", "failed") == [JIO]


def test_as_of_sees_a_value_as_it_was(market: Invoke) -> None:
    market("value", ARM, "$35bn", "--on", "2021")
    result = market(
        "list", "--as-of", "2020", "--target", "Arm", "-f", "csv", "--fields", "key,amount,currency"
    )
    assert result.stdout == f"key,amount,currency\n{ARM},40000000000.00,USD\n"
    assert listed(market, "--as-of", "2020", "--min-value", "$38bn") == [ARM]
    assert listed(market, "--min-value", "$38bn") == []


def test_sort_reported_is_chronological(market: Invoke) -> None:
    assert listed(market, "--sort", "reported") == [
        WHATSAPP,
        JIO,
        RETAIL,
        ARM,
        GOOGLE,
        MEDIASET,
        GLANCE,
    ]


def test_sort_updated_is_chronological_and_desc_reverses_it(market: Invoke) -> None:
    assert listed(market, "--sort", "updated") == [
        WHATSAPP,
        GOOGLE,
        MEDIASET,
        RETAIL,
        JIO,
        GLANCE,
        ARM,
    ]
    assert listed(market, "--sort", "updated", "--desc") == [
        ARM,
        JIO,
        GLANCE,
        RETAIL,
        MEDIASET,
        GOOGLE,
        WHATSAPP,
    ]


def test_sort_value_orders_by_currency_then_amount_undisclosed_last(market: Invoke) -> None:
    assert listed(market, "--sort", "value") == [
        MEDIASET,
        RETAIL,
        GOOGLE,
        JIO,
        WHATSAPP,
        ARM,
        GLANCE,
    ]


def test_sort_value_desc_keeps_undisclosed_last(market: Invoke) -> None:
    assert listed(market, "--sort", "value", "--desc") == [
        ARM,
        WHATSAPP,
        JIO,
        GOOGLE,
        RETAIL,
        MEDIASET,
        GLANCE,
    ]


def test_sort_status_follows_the_lifecycle(market: Invoke) -> None:
    assert listed(market, "--sort", "status") == [
        MEDIASET,
        GLANCE,
        RETAIL,
        GOOGLE,
        WHATSAPP,
        JIO,
        ARM,
    ]
    # --desc reverses the lifecycle; ties stay in id order, as with every sort.
    assert listed(market, "--sort", "status", "--desc") == [
        JIO,
        ARM,
        GOOGLE,
        WHATSAPP,
        RETAIL,
        GLANCE,
        MEDIASET,
    ]


def test_sort_id_is_the_default_and_desc_reverses_it(market: Invoke) -> None:
    assert listed(market, "--sort", "id") == listed(market)
    assert listed(market, "--desc") == [RETAIL, MEDIASET, ARM, WHATSAPP, GOOGLE, GLANCE, JIO]


def test_unknown_sort_is_a_usage_error(market: Invoke) -> None:
    result = market("list", "--sort", "size")
    assert result.exit_code == 2
    assert "Error: Invalid value for '--sort'" in result.stderr


def test_limit_keeps_the_first_deals_after_sorting(market: Invoke) -> None:
    assert listed(market, "--sort", "value", "--desc", "--limit", "2") == [ARM, WHATSAPP]
    assert listed(market, "--limit", "0") == []
    assert listed(market, "--status", "failed", "--limit", "5") == [JIO, ARM]


def test_negative_limit_is_a_usage_error(market: Invoke) -> None:
    result = market("list", "--limit", "-1")
    assert result.exit_code == 2
    assert "Error: Invalid value for '--limit'" in result.stderr


def test_list_json_holds_full_deal_records(market: Invoke) -> None:
    result = market("list", "--target", "Mediaset", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {
            "id": 6,
            "key": MEDIASET,
            "title": "Mediaset stake-building",
            "kind": "stake",
            "status": "rumored",
            "reason": None,
            "target": "Mediaset",
            "parties": [
                {"name": "Mediaset", "role": "target"},
                {"name": "Vivendi", "role": "acquirer"},
            ],
            "value": {
                "amount": "2000000000.00",
                "high": "3000000000.00",
                "currency": "EUR",
                "basis": "reported",
            },
            "reported": "2020-12-31",
            "updated": "2020-12-31",
            "notes": [],
        }
    ]


def test_source_filter_finds_deals_with_a_live_event_from_the_outlet_in_any_case(
    story: Invoke,
) -> None:
    result = story("list", "--source", "bloomberg", "-f", "csv", "--fields", "key")
    assert (result.exit_code, result.stdout) == (
        0,
        "key\ntiktok-india-reliance-jio\ntiktok-india-glance-digital-experience\n",
    )


def test_source_filter_as_of_a_date_counts_only_reports_made_by_then(story: Invoke) -> None:
    result = story(
        "list", "--source", "Bloomberg", "--as-of", "2021-01", "-f", "csv", "--fields", "key"
    )
    assert (result.exit_code, result.stdout, result.stderr) == (0, "key\n", "")


def test_attribution_filter_repeats_are_ored_and_other_filters_anded(story: Invoke) -> None:
    anonymous = story("list", "--attribution", "anonymous", "-f", "csv", "--fields", "key")
    assert anonymous.stdout == "key\ntiktok-india-glance-digital-experience\n"
    either = story(
        "list", "--attribution", "anonymous", "--attribution", "unattributed",
        "--status", "failed", "-f", "csv", "--fields", "key",
    )  # fmt: skip
    assert either.stdout == "key\ntiktok-india-reliance-jio\n"
