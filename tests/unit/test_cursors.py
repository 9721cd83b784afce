"""List cursors are opaque and signed: only what this API gave out, for this list, is accepted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared.adapters import cursors
from shared.errors import InvalidCursor
from shared.settings import settings

KEY = {"pk": {"S": "RES#1"}, "sk": {"S": "#"}, "gsi2pk": {"S": "CUST#a"}, "gsi2sk": {"S": "RES#2026#1"}}


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TABLE_NAME", "retail")
    monkeypatch.setenv("CURSOR_SECRET", "unit-secret")
    settings.cache_clear()
    yield
    settings.cache_clear()


def test_a_cursor_round_trips_within_its_own_list() -> None:
    cursor = cursors.encode(KEY, "RES:a")
    assert cursor is not None and "CUST#a" not in cursor
    assert cursors.decode(cursor, "RES:a") == KEY
    assert cursors.encode(None, "RES:a") is None and cursors.decode(None, "RES:a") is None


@pytest.mark.parametrize("bad", [
    "eyJwayI6IHsiUyI6ICJQVVIjeCJ9fQ==",  # a bare LastEvaluatedKey, as the API gave out before
    "e30.", ".", "x" * 3000, "%%%.%%%", "\u00e9.\u00e9",
])
def test_anything_else_is_an_invalid_cursor(bad: str) -> None:
    with pytest.raises(InvalidCursor):
        cursors.decode(bad, "RES:a")


def test_an_edited_cursor_or_one_of_another_list_or_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    cursor = str(cursors.encode(KEY, "RES:a"))
    payload, mac = cursor.split(".")
    forged = cursors.encode({**KEY, "pk": {"S": "RES#2"}}, "RES:a")
    for bad, scope in [(cursor, "RES:b"), (cursor, "ORD:a"), (f"{str(forged).split('.')[0]}.{mac}", "RES:a"),
                       (f"{payload}.{mac[:-1]}", "RES:a")]:
        with pytest.raises(InvalidCursor):
            cursors.decode(bad, scope)
    monkeypatch.setenv("CURSOR_SECRET", "another-deployment")
    settings.cache_clear()
    with pytest.raises(InvalidCursor):
        cursors.decode(cursor, "RES:a")


def test_a_page_of_a_sorted_list_continues_after_the_last_one() -> None:
    names = [f"loc-{n:02d}" for n in range(7)]
    first, cursor = cursors.page_of_sorted(names, str, "locations", 3, None)
    second, cursor2 = cursors.page_of_sorted(names, str, "locations", 3, cursor)
    third, end = cursors.page_of_sorted(names, str, "locations", 3, cursor2)
    assert (first + second + third, end) == (names, None)
