from datetime import UTC, datetime

from corpus.extract.dates import document_date


def test_earliest_plausible_date_wins():
    assert document_date(
        "2024-05-20T10:00:00Z", "Mon, 20 May 2024 09:00:00 GMT", "Tue, 02 Jan 2018 03:04:05 GMT"
    ) == datetime(2018, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_before_1999_and_after_capture_are_ignored():
    assert document_date(
        "2024-05-20T10:00:00Z", "Thu, 01 Jan 1970 00:00:00 GMT", "Sat, 01 Jan 2050 00:00:00 GMT"
    ) == datetime(2024, 5, 20, 10, tzinfo=UTC)


def test_invalid_dates_are_ignored_not_fatal():
    assert document_date("not a date", "32 Foo 2020", None) is None
    assert document_date("2024-05-20T10:00:00.123456Z", "", "garbage") == datetime(
        2024, 5, 20, 10, tzinfo=UTC
    )
    assert document_date(None, "Mon, 20 May 2024 09:00:00 +0900", None) == datetime(
        2024, 5, 20, 0, tzinfo=UTC
    )
