from tests.conftest import Invoke


def test_story_lists_the_failed_jio_talks(story: Invoke) -> None:
    result = story(
        "list", "--status", "failed", "-f", "csv", "--fields", "key,status,reason,amount,currency"
    )
    assert result.exit_code == 0
    assert result.stdout == (
        "key,status,reason,amount,currency\n"
        "tiktok-india-reliance-jio,failed,did not go through for undisclosed reasons,3000000000.00,USD\n"
    )
