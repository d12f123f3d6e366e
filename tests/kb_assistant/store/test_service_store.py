"""Contract tests every service store passes: SQLite, and a real PostgreSQL server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb_assistant.errors import ConfigError, StoreError
from kb_assistant.store.service_state import ServiceStore, SqliteServiceStore, open_service_store
from tests.kb_assistant.store.postgres_server import postgres_cluster, restart


@pytest.fixture(scope="module")
def postgres() -> Iterator[tuple[str, Path]]:
    with postgres_cluster() as cluster:
        yield cluster


def _fresh_postgres(url: str) -> ServiceStore:
    store = open_service_store(url, Path("unused"))
    store.gaps()  # connects and creates the tables
    from kb_assistant.store.service_postgres import PostgresServiceStore

    assert isinstance(store, PostgresServiceStore)
    store._conn().execute("TRUNCATE feedback, acks, unanswered, publish_jobs RESTART IDENTITY")
    return store


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServiceStore]:
    if request.param == "sqlite":
        made: ServiceStore = open_service_store("", tmp_path)
    else:
        url, _ = request.getfixturevalue("postgres")
        made = _fresh_postgres(url)
    yield made
    made.close()


def test_service_store_feedback_ids_count_up(store: ServiceStore):
    first = store.add_feedback("a1", "wrong", "产假几天", "少了难产", "agent")
    second = store.add_feedback("a2", "helpful", "年假几天", "", "agent")
    assert second == first + 1


def test_service_store_gaps_hold_unhelpful_feedback_and_escalations_newest_first(store: ServiceStore):
    store.add_feedback("a1", "helpful", "年假几天", "", "agent")
    store.add_feedback("a2", "wrong", "产假几天", "少了难产", "agent")
    store.add_unanswered("a3", "今天天气怎么样", "public")
    store.add_unanswered("a4", "公积金怎么取", "agent")
    gaps = store.gaps()
    assert {g["answer_id"]: (g["kind"], g["verdict"], g["note"]) for g in gaps} == {
        "a2": ("feedback", "wrong", "少了难产"),
        "a3": ("escalated", "escalate", "public"),
        "a4": ("escalated", "escalate", "agent"),
    }
    assert set(gaps[0]) == {"kind", "answer_id", "verdict", "question", "note", "created_at"}
    assert [g["created_at"] for g in gaps] == sorted((g["created_at"] for g in gaps), reverse=True)


def test_service_store_gaps_within_one_second_put_the_later_row_first(store: ServiceStore):
    for n in range(3):
        store.add_unanswered(f"e{n}", "公积金怎么取", "agent")
    gaps = store.gaps()
    key = [(g["created_at"], g["answer_id"]) for g in gaps]  # e2 > e1 > e0 as strings too
    assert key == sorted(key, reverse=True)


def test_service_store_gaps_respect_the_limit(store: ServiceStore):
    for n in range(5):
        store.add_unanswered(f"e{n}", "公积金怎么取", "agent")
    assert len(store.gaps(limit=2)) == 2


def test_service_store_ack_keeps_the_first_time(store: ServiceStore):
    first = store.ack("n1", "1001")
    again = store.ack("n1", "1001")
    assert again == first
    store.ack("n2", "1001")
    store.ack("n1", "1002")
    assert store.acked("1001") == {"n1", "n2"}
    assert store.acked("1002") == {"n1"}
    assert store.acked("9999") == set()


def test_service_store_is_shared_by_threads(store: ServiceStore):
    def write(n: int) -> None:
        for k in range(10):
            store.add_unanswered(f"t{n}-{k}", "问题", "agent")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.gaps(limit=100)) == 40


def test_postgres_store_is_one_record_for_every_replica(postgres: tuple[str, Path]):
    url, _ = postgres
    one, other = _fresh_postgres(url), open_service_store(url, Path("unused"))
    one.ack("n1", "1001")
    one.add_unanswered("a1", "公积金怎么取", "public")
    assert other.acked("1001") == {"n1"}
    assert [g["answer_id"] for g in other.gaps()] == ["a1"]
    one.close()
    other.close()


def test_postgres_store_one_publish_job_across_replicas(postgres: tuple[str, Path]):
    url, _ = postgres
    one, other = _fresh_postgres(url), open_service_store(url, Path("unused"))
    assert one.claim_job("j1", "", "api:T01", LONG_AGO) is None
    assert other.claim_job("j2", "", "api:T02", LONG_AGO) == "j1"
    one.close()
    other.close()


def test_sqlite_store_one_publish_job_across_processes_sharing_the_file(tmp_path: Path):
    one, other = open_service_store("", tmp_path), open_service_store("", tmp_path)
    assert one.claim_job("j1", "", "api:T01", LONG_AGO) is None
    assert other.claim_job("j2", "", "api:T02", LONG_AGO) == "j1"


def test_postgres_store_survives_a_database_restart(postgres: tuple[str, Path]):
    url, root = postgres
    store = _fresh_postgres(url)
    store.ack("n1", "1001")
    restart(url, root)  # the store's connection is dropped by the server
    store.ack("n2", "1001")
    assert store.acked("1001") == {"n1", "n2"}
    store.close()


def test_postgres_store_unreachable_raises_store_error_on_use():
    store = open_service_store("postgresql://kb@127.0.0.1:1/postgres", Path("unused"))  # no connect yet
    with pytest.raises(StoreError, match=r"^cannot reach the service database \(KB_SERVICE_URL\): "):
        store.gaps()


def test_open_service_store_sqlite_url_names_the_file(tmp_path: Path):
    store = open_service_store(f"sqlite:///{tmp_path / 'shared.sqlite3'}", Path("unused"))
    assert isinstance(store, SqliteServiceStore)
    store.ack("n1", "1001")
    assert (tmp_path / "shared.sqlite3").exists()


def test_open_service_store_default_is_beside_the_catalog(tmp_path: Path):
    store = open_service_store("", tmp_path)
    assert isinstance(store, SqliteServiceStore) and store.path == tmp_path / "service.sqlite3"


def test_open_service_store_unknown_scheme_names_the_valid_ones_without_the_password():
    with pytest.raises(ConfigError) as caught:
        open_service_store("mysql://kb:secret@db/kb", Path("unused"))
    assert str(caught.value) == (
        "KB_SERVICE_URL 'mysql://kb:***@db/kb' is not one of: sqlite:///PATH, postgresql://… "
        "(empty: KB_DIR/service.sqlite3)"
    )


LONG_AGO = "2000-01-01T00:00:00+00:00"
FUTURE = "2999-01-01T00:00:00+00:00"


def test_service_store_claim_job_refused_while_another_runs(store: ServiceStore):
    assert store.claim_job("j1", "", "api:T01", LONG_AGO) is None
    assert store.claim_job("j2", "", "api:T02", LONG_AGO) == "j1"
    assert store.job("j2") is None  # nothing recorded for the refused claim
    store.finish_job("j1", "published", {"release": 2, "created": True})
    assert store.claim_job("j2", "", "api:T02", LONG_AGO) is None


def test_service_store_claim_job_passes_a_job_that_stopped_reporting(store: ServiceStore):
    assert store.claim_job("j1", "", "api:T01", LONG_AGO) is None
    # every report of j1 is older than the cut-off: its replica is taken for stopped
    assert store.claim_job("j2", "", "api:T02", FUTURE) is None
    assert (store.job("j2") or {})["status"] == "running"


def test_service_store_claim_job_one_winner_among_threads(store: ServiceStore):
    outcomes: list[str | None] = []

    def claim(n: int) -> None:
        outcomes.append(store.claim_job(f"j{n}", "", "api:T01", LONG_AGO))

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count(None) == 1
    winner = next(f"j{n}" for n in range(6) if store.job(f"j{n}") is not None)
    assert sorted(o for o in outcomes if o is not None) == [winner] * 5


def test_service_store_publish_job_runs_then_finishes(store: ServiceStore):
    assert store.job("j1") is None
    assert store.claim_job("j1", "产假调整", "api:T01", LONG_AGO) is None
    running = store.job("j1")
    assert running is not None
    assert (running["status"], running["note"], running["author"]) == ("running", "产假调整", "api:T01")
    assert running["progress"] == {"done": 0, "total": 0}
    store.job_progress("j1", 3, 10)
    assert (store.job("j1") or {})["progress"] == {"done": 3, "total": 10}
    gate = {"drops": ["口径命中率"]}
    store.finish_job("j1", "refused", {"detail": "publish refused", "gate": gate})
    done = store.job("j1") or {}
    assert (done["status"], done["detail"], done["gate"]) == ("refused", "publish refused", gate)
    assert done["updated_at"] >= done["created_at"]
