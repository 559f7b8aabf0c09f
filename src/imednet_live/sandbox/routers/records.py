"""Record writes and the jobs they start (POST records, GET jobs, GET jobs/{batchId}[/result])."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import PlainTextResponse, Response

from imednet_live.sandbox.dependencies import known_study, sandbox_state
from imednet_live.sandbox.query import parse_list_query
from imednet_live.sandbox.request_models import parse_record_create
from imednet_live.sandbox.responses import ApiError, json_response
from imednet_live.sandbox.scenarios import PostAnswer

router = APIRouter()


@router.post("/studies/{studyKey}/records")
async def create_records(request: Request, studyKey: str) -> Response:
    """The body's schema (request_models.RecordItem) answers 400; the rest is the job's business."""
    study_key = known_study(request, studyKey)
    raw = await request.body()
    body = parse_record_create(raw)
    state = sandbox_state(request)
    job = state.backend.create_job(study_key, body)
    answer = state.post_answer
    if answer is PostAnswer.EMPTY_ARRAY:
        return json_response([], status=200)
    if answer is PostAnswer.NO_BATCH_ID:
        return json_response({k: v for k, v in job.items() if k != "batchId"}, status=202)
    if answer is PostAnswer.PROCESSED_THEN_503 and state.first_post(study_key, raw):
        raise ApiError(503, "Service temporarily unavailable (sandbox processed-then-503)")
    return json_response(job, status=202)


@router.get("/studies/{studyKey}/jobs")
async def list_jobs(request: Request, studyKey: str) -> Response:
    """A bare JSON array, as SDK 0.5.0's ``jobs.list`` expects (not in the spec)."""
    study_key = known_study(request, studyKey)
    query = parse_list_query(request.query_params)
    return json_response(sandbox_state(request).backend.jobs(study_key, query))


@router.get("/studies/{studyKey}/jobs/{batchId}")
async def get_job(request: Request, studyKey: str, batchId: str) -> Response:
    study_key = known_study(request, studyKey)
    job = sandbox_state(request).backend.job(study_key, batchId)
    if job is None:
        raise ApiError(404, f"Job {batchId} not found in study {study_key}")
    return json_response(job)


@router.get("/studies/{studyKey}/jobs/{batchId}/result")
async def get_job_result(request: Request, studyKey: str, batchId: str) -> Response:
    """A FAILED job's reason as plain text (W8); a COMPLETED job's record ids as JSON."""
    study_key = known_study(request, studyKey)
    result = sandbox_state(request).backend.job_result(study_key, batchId)
    if result is None:
        raise ApiError(404, f"Job {batchId} not found in study {study_key}")
    kind, value = result
    if kind == "failed":
        return PlainTextResponse(str(value))
    if kind == "running":
        raise ApiError(404, f"Job {batchId} has no result yet")
    return json_response({"batchId": batchId, "recordIds": value})
