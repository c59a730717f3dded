"""Operators' routes: API keys and reindex, for the `admin` role only.

The same functions as `catalog keys ...` and `catalog reindex`; a reindex runs in a worker (it takes
minutes on a large catalog), so the route answers 202 with a job to poll.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, ConfigDict, Field
from rq.exceptions import NoSuchJobError
from rq.job import Job

from catalog.keys import ROLES, create_key, list_keys, revoke
from indexer.jobs import enqueue_reindex, index_queue
from search_api.auth import AdminDep
from search_api.deps import EngineDep, RedisDep

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[AdminDep])


class KeyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Annotated[str, Field(pattern="^(" + "|".join(ROLES) + ")$", examples=["merchandiser"])]
    name: Annotated[str, Field(min_length=1, max_length=200, examples=["merchandising team"])]


@router.get("/keys", summary="API keys (never the keys themselves)")
def keys(engine: EngineDep) -> dict[str, Any]:
    with engine.connect() as conn:
        found = list_keys(conn)
    return {
        "keys": [
            {
                "id": k.id,
                "name": k.name,
                "role": k.role,
                "prefix": k.key_prefix,
                "created_at": k.created_at.isoformat(),
                "last_used_at": k.last_used_at.isoformat() if k.last_used_at else None,
                "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
            }
            for k in found
        ]
    }


@router.post("/keys", status_code=201, summary="Create a key; it is shown in this answer only")
def new_key(body: KeyBody, engine: EngineDep) -> dict[str, Any]:
    with engine.begin() as conn:
        key_id, key = create_key(conn, role=body.role, name=body.name)
    return {"id": key_id, "role": body.role, "name": body.name, "key": key}


@router.delete("/keys/{key_id}", summary="Revoke a key: it stops working at once")
def revoke_key(key_id: Annotated[int, Path(ge=1)], engine: EngineDep) -> dict[str, Any]:
    with engine.begin() as conn:
        if not revoke(conn, key_id):
            raise HTTPException(404, detail=f"no live key with id {key_id}")
    return {"revoked": key_id}


@router.post("/reindex", status_code=202, summary="Rebuild the index and swap the alias (a job)")
def start_reindex(redis: RedisDep) -> dict[str, Any]:
    job_id = enqueue_reindex(index_queue(redis))
    return {"job": job_id, "status": f"/admin/reindex/{job_id}"}


@router.get("/reindex/{job_id}", summary="A reindex job's state and outcome")
def reindex_status(
    job_id: Annotated[str, Path(max_length=100, pattern=r"^[\w-]+$")], redis: RedisDep
) -> dict[str, Any]:
    try:
        job = Job.fetch(job_id, connection=redis)
    except NoSuchJobError as exc:
        raise HTTPException(404, detail=f"no reindex job {job_id!r}") from exc
    if job.func_name != "indexer.jobs.reindex_job":
        raise HTTPException(404, detail=f"no reindex job {job_id!r}")
    state = job.get_status()
    body: dict[str, Any] = {"job": job_id, "state": str(state.value if state else "unknown")}
    if job.is_finished:
        body["result"] = job.return_value()
    if job.is_failed:
        result = job.latest_result()
        lines = (result.exc_string or "").strip().splitlines() if result else []
        body["error"] = lines[-1] if lines else "failed"
    return body
