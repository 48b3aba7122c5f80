"""`POST /api/intake`: contact forms and platform webhooks, authenticated by per-source tokens.

Token-authenticated, not session-authenticated: sources are programs, not staff. Size-limited before the
body is read whole, rate-limited per token (`limits`, moving window, in this process's memory), and
idempotent by the client's `Idempotency-Key` (the first response is stored and replayed).
"""

from __future__ import annotations

import math
import threading
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Header, HTTPException, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from pydantic import BaseModel, ValidationError

from stagedoor import intake
from stagedoor.intake import FormPost
from stagedoor.triage.campaigns import NearDuplicates
from stagedoor.web.deps import DeskDep

router = APIRouter(tags=["intake"])
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="IntakeToken",
    description="A per-source token from `stagedoor token add SOURCE`, sent as `Authorization: Bearer <token>`.",
)
RFC822 = "message/rfc822"
_CAMPAIGN_LOCK = threading.Lock()
JSON = "application/json"


class IntakeResult(BaseModel):
    status: Literal["stored", "duplicate", "quarantined", "already quarantined"]
    message_id: str | None
    """The stored message's id; null when the body could not be read as a message (it is quarantined)."""
    quarantine_reason: str | None


class ErrorBody(BaseModel):
    detail: str | list[Any]


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": IntakeResult, "description": "Replayed: the first response to this Idempotency-Key."},
    401: _error("No token, or a revoked or unknown one."),
    413: _error("The body is over STAGEDOOR_INTAKE_MAX_BYTES."),
    415: _error("Neither application/json nor message/rfc822."),
    422: _error("The JSON is not a valid post, or the Idempotency-Key was used with another body."),
    429: {**_error("Too many posts with this token; retry after Retry-After seconds."),
          "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}},
}  # fmt: skip
REQUEST_BODY = {
    "required": True,
    "content": {
        JSON: {"schema": FormPost.model_json_schema()},
        RFC822: {"schema": {"type": "string", "format": "binary"}},
    },
}


def limiter(request: Request) -> MovingWindowRateLimiter:
    """One limiter per app, made on first use (nothing is created at import time)."""
    state = request.app.state
    if not hasattr(state, "intake_limiter"):
        state.intake_limiter = MovingWindowRateLimiter(MemoryStorage())
    return state.intake_limiter


async def read_limited(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is over the limit (declared or actual)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"The body is {declared} bytes; the limit is {limit}.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"The body is over the {limit}-byte limit.")
    return bytes(body)


def media_type(request: Request) -> str:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in (JSON, RFC822):
        raise HTTPException(
            415, f"Send {JSON} (a form post) or {RFC822} (a raw email), not {kind or 'nothing'}."
        )
    return kind


def authenticated(request: Request, credentials: HTTPAuthorizationCredentials | None) -> intake.ApiToken:
    token = intake.authenticate(request.app.state.desk, credentials.credentials) if credentials else None
    if token is None:
        raise HTTPException(
            401, "A valid intake token is needed: Authorization: Bearer <token from `stagedoor token add`>.",
            headers={"WWW-Authenticate": "Bearer"},
        )  # fmt: skip
    return token


def check_rate(request: Request, token: intake.ApiToken) -> None:
    per_minute = request.app.state.desk.settings.intake_rate_per_minute
    item = RateLimitItemPerMinute(per_minute)
    rate = limiter(request)
    if not rate.hit(item, "intake", str(token.id)):
        reset = rate.get_window_stats(item, "intake", str(token.id)).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        raise HTTPException(
            429, f"Over {per_minute} posts a minute for this token; retry in {wait} s.",
            headers={"Retry-After": str(wait)},
        )  # fmt: skip


def parse(token: intake.ApiToken, kind: str, body: bytes) -> Any:
    if kind == RFC822:
        return intake.intake_item(token, body)
    try:
        post = FormPost.model_validate_json(body)
    except ValidationError as exc:  # the app's handler answers 422 with the field-by-field errors
        raise RequestValidationError(
            exc.errors(include_url=False, include_context=False, include_input=False)
        ) from None
    return intake.intake_item(token, post)


@router.post(
    "/api/intake",
    status_code=202,
    response_model=IntakeResult,
    responses=RESPONSES,
    openapi_extra={"requestBody": REQUEST_BODY},
    summary="Take in one message from a contact form or platform webhook",
)
async def post_intake(
    request: Request,
    desk: DeskDep,
    background: BackgroundTasks,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", min_length=1, max_length=255,
               description="Your id for this post: resending with the same key stores nothing new."),
    ] = None,
) -> JSONResponse:  # fmt: skip
    """Stores the post (a JSON form post or a raw RFC 822 email), then reads and routes it.

    Nothing is lost: an email that cannot be parsed is quarantined with the reason (status "quarantined").
    The same post sent twice is stored once (status "duplicate").
    """
    token = await run_in_threadpool(authenticated, request, credentials)
    check_rate(request, token)
    body = await read_limited(request, desk.settings.intake_max_bytes)
    kind = media_type(request)
    digest = intake.request_hash(kind, body)
    if idempotency_key is not None:
        earlier = await run_in_threadpool(intake.stored_response, desk, token, idempotency_key)
        if earlier is not None:
            return replay(earlier, digest)
    item = parse(token, kind, body)
    result = await run_in_threadpool(intake.intake, desk, item)
    if idempotency_key is not None:
        kept = await run_in_threadpool(
            intake.remember_response, desk, token, idempotency_key, digest, 202, result
        )
        if kept.body != result:  # a concurrent request with this key answered first
            return replay(kept, digest)
    if result["status"] == "stored" and result["message_id"]:
        background.add_task(read_and_group, request, result["message_id"])
    return JSONResponse(result, status_code=202)


def read_and_group(request: Request, message_id: str) -> None:
    """After the response: read the post, then group it against this app's campaign index (kept warm,
    so a post costs its own comparisons rather than reloading every stored sketch)."""
    state = request.app.state
    with _CAMPAIGN_LOCK:  # one grouping at a time per process: the index is not thread-safe
        if not hasattr(state, "campaign_index"):
            state.campaign_index = NearDuplicates()
        intake.read_one(state.desk, message_id, state.campaign_index)


def replay(earlier: intake.StoredResponse, digest: str) -> JSONResponse:
    if earlier.request_sha256 != digest:
        raise HTTPException(
            422, "This Idempotency-Key was already used with a different body; use a new key."
        )
    return JSONResponse(earlier.body, status_code=200, headers={"Idempotent-Replayed": "true"})
