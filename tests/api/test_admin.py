"""Operators' routes: keys created, listed and revoked over HTTP; a reindex run as a worker job."""

from __future__ import annotations

from fastapi.testclient import TestClient
from rq.worker import SimpleWorker

from indexer.jobs import index_queue
from tests.support.catalog import Catalog


def test_keys_are_created_shown_once_listed_without_the_key_and_revoked(
    api: TestClient, admin: dict[str, str]
) -> None:
    created = api.post("/admin/keys", json={"role": "merchandiser", "name": "ops"}, headers=admin)
    assert created.status_code == 201, created.text
    key, key_id = created.json()["key"], created.json()["id"]
    merchandiser = {"Authorization": f"Bearer {key}"}
    assert api.get("/admin/synonyms", headers=merchandiser).status_code == 200
    assert api.get("/admin/keys", headers=merchandiser).status_code == 403

    listed = api.get("/admin/keys", headers=admin).json()["keys"]
    mine = next(k for k in listed if k["id"] == key_id)
    assert (mine["name"], mine["role"], mine["prefix"]) == ("ops", "merchandiser", key[:10])
    assert mine["last_used_at"] is not None
    assert key not in str(listed)

    assert api.delete(f"/admin/keys/{key_id}", headers=admin).json() == {"revoked": key_id}
    assert api.get("/admin/synonyms", headers=merchandiser).status_code == 401
    assert api.delete(f"/admin/keys/{key_id}", headers=admin).status_code == 404


def test_a_key_needs_a_known_role_and_a_name(api: TestClient, admin: dict[str, str]) -> None:
    for body, field in (({"role": "root", "name": "x"}, "role"), ({"role": "admin"}, "name")):
        response = api.post("/admin/keys", json=body, headers=admin)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", field]


def test_a_reindex_runs_as_a_job_and_reports_its_outcome(
    api: TestClient, admin: dict[str, str], catalog: Catalog
) -> None:
    catalog.put({"id": "p-1", "title": "Cordless Drill", "price": 99})
    old = catalog.reindex()
    started = api.post("/admin/reindex", headers=admin)
    assert started.status_code == 202
    job = started.json()["job"]
    assert api.get(started.json()["status"], headers=admin).json()["state"] == "queued"

    SimpleWorker([index_queue(catalog.redis)], connection=catalog.redis).work(
        burst=True, logging_level="WARNING"
    )
    done = api.get(f"/admin/reindex/{job}", headers=admin).json()
    assert done["state"] == "finished"
    assert done["result"]["documents"] == 1
    assert done["result"]["swapped"] is True
    assert done["result"]["index"] != old
    assert [h["id"] for h in api.get("/search", params={"q": "drill"}).json()["hits"]] == ["p-1"]
    assert api.get("/admin/reindex/nope", headers=admin).status_code == 404
