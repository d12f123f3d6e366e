from datetime import date

from kb_assistant.model import OPEN_END, OPEN_START
from kb_assistant.store.catalog import VersionRow
from kb_assistant.store.validity import validity_windows


def version(
    vid: str,
    doc: str,
    start: date | None,
    seq: int,
    end: date | None = None,
    supersedes: tuple[str, ...] = (),
    title: str | None = None,
    doc_number: str | None = None,
) -> VersionRow:
    return VersionRow(
        seq=seq,
        version_id=vid,
        doc_key=doc,
        title=title or doc,
        doc_number=doc_number,
        issuer=None,
        region="全国",
        level=None,
        effective_from=start,
        effective_to=end,
        supersedes=supersedes,
        topics=(),
        source=f"{vid}.md",
        format="md",
        chunk_count=1,
        ingested_at="2025-01-01T00:00:00+00:00",
    )


def test_validity_newer_version_ends_older_the_day_before():
    windows = validity_windows(
        [
            version("old", "妇女权益保障法", date(2018, 10, 26), 1),
            version("new", "妇女权益保障法", date(2023, 1, 1), 2),
        ]
    )
    assert windows["old"] == (date(2018, 10, 26), date(2022, 12, 31))
    assert windows["new"] == (date(2023, 1, 1), OPEN_END)


def test_validity_order_follows_dates_not_ingest_order():
    windows = validity_windows(
        [version("new", "d", date(2023, 1, 1), 1), version("old", "d", date(2018, 1, 1), 2)]
    )
    assert windows["old"] == (date(2018, 1, 1), date(2022, 12, 31))
    assert windows["new"][1] == OPEN_END


def test_validity_same_start_later_ingest_wins():
    windows = validity_windows(
        [version("a", "d", date(2020, 1, 1), 1), version("b", "d", date(2020, 1, 1), 2)]
    )
    start, end = windows["a"]
    assert end < start
    assert windows["b"] == (date(2020, 1, 1), OPEN_END)


def test_validity_version_without_start_replaced_by_one_without_start_is_never_in_force():
    windows = validity_windows([version("a", "d", None, 1), version("b", "d", None, 2)])
    start, end = windows["a"]
    assert end < start  # not in force on OPEN_START either
    assert windows["b"] == (OPEN_START, OPEN_END)


def test_validity_explicit_effective_to_is_kept():
    windows = validity_windows([version("a", "d", date(2020, 1, 1), 1, end=date(2021, 6, 30))])
    assert windows["a"] == (date(2020, 1, 1), date(2021, 6, 30))


def test_validity_unknown_start_is_open():
    windows = validity_windows([version("a", "d", None, 1)])
    assert windows["a"] == (OPEN_START, OPEN_END)


def test_validity_supersedes_by_doc_number_ends_other_document():
    old = version("old", "常德市灵活就业补贴办法", date(2023, 3, 1), 1, doc_number="常人社发〔2023〕5号")
    new = version(
        "new", "常德市灵活就业人员社会保险补贴办法", date(2025, 7, 1), 2, supersedes=("常人社发〔2023〕5号",)
    )
    windows = validity_windows([old, new])
    assert windows["old"] == (date(2023, 3, 1), date(2025, 6, 30))
    assert windows["new"] == (date(2025, 7, 1), OPEN_END)


def test_validity_supersedes_by_title_ends_other_document():
    old = version("old", "旧办法", date(2010, 1, 1), 1)
    new = version("new", "新办法", date(2021, 1, 1), 2, supersedes=("《旧办法》",))
    windows = validity_windows([old, new])
    assert windows["old"][1] == date(2020, 12, 31)
