"""Paper letters on the desk: page images, a page beside a textarea to transcribe it, envelope details.

A transcription replaces the page's OCR text and the letter is read again at once; both are recorded (the
transcription history and the new reading beside the old ones). Every page has its JSON twin under /api/.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from stagedoor import services
from stagedoor.domain.paper import Envelope, Page, PaperFile, parse_postmark_date
from stagedoor.domain.staff import User, may_read_message
from stagedoor.office import audit
from stagedoor.services import Desk
from stagedoor.web.deps import CurrentUser, DeskDep, render, source_of
from stagedoor.web.messages import load

router = APIRouter()
MAX_TRANSCRIPTION = 200_000


def _paper(desk: Desk, message_id: str) -> PaperFile:
    paper = services.paper_file(desk, message_id)
    if paper is None or not paper.pages:
        raise HTTPException(404, "That message is not a scanned letter: it has no pages.")
    return paper


def _page(paper: PaperFile, number: int) -> Page:
    page = next((p for p in paper.pages if p.number == number), None)
    if page is None:
        raise HTTPException(404, f"This letter has no page {number}.")
    return page


def page_json(message_id: str, page: Page) -> dict[str, Any]:
    return {
        "number": page.number,
        "source": page.source.value,
        "language": page.language,
        "confidence": page.confidence,
        "needs_transcription": page.needs_transcription,
        "transcribed": page.transcription is not None,
        "transcribed_at": page.transcribed_at.isoformat() if page.transcribed_at else None,
        "ocr_text": page.text,
        "text": page.current_text,
        "image_url": f"/messages/{message_id}/pages/{page.number}/image",
    }


def envelope_json(envelope: Envelope | None) -> dict[str, Any] | None:
    if envelope is None:
        return None
    return {
        "postmark_city": envelope.postmark_city,
        "postmark_date": envelope.postmark_date.isoformat() if envelope.postmark_date else None,
        "return_address": envelope.return_address,
        "enclosures": list(envelope.enclosures),
        "entered_at": envelope.entered_at.isoformat() if envelope.entered_at else None,
    }


@router.get("/messages/{message_id}/pages/{number}/image")
def page_image(request: Request, message_id: str, number: int, desk: DeskDep, user: CurrentUser) -> Response:
    load(desk, message_id, user, request)
    image = services.page_image(desk, message_id, number)
    if image is None:
        raise HTTPException(404, "There is no such page.")
    return Response(image, media_type="image/png")


@router.get("/messages/{message_id}/pages/{number}", response_class=HTMLResponse)
def page_view(
    request: Request, message_id: str, number: int, desk: DeskDep, user: CurrentUser
) -> HTMLResponse:
    record = load(desk, message_id, user, request)
    paper = _paper(desk, message_id)
    context = {
        "rec": record,
        "m": record.message,
        "paper": paper,
        "page": _page(paper, number),
        "active": "",
        "api_url": f"/api/messages/{message_id}/paper",
    }
    return render(request, desk, "page.html", context)


@router.post("/messages/{message_id}/pages/{number}/transcribe")
def transcribe(
    request: Request,
    message_id: str,
    number: int,
    text: Annotated[str, Form(max_length=MAX_TRANSCRIPTION)],
    desk: DeskDep,
    user: CurrentUser,
) -> RedirectResponse:
    load(desk, message_id, user, request)
    audit.record(desk, user.username, "letter.transcribe", message_id, source_of(request), page=number)
    if services.transcribe_page(desk, message_id, number, text) is None:
        raise HTTPException(404, "There is no such page to transcribe.")
    return RedirectResponse(f"/messages/{message_id}#pages", status_code=303)


@router.post("/messages/{message_id}/envelope")
def envelope(
    request: Request,
    message_id: str,
    desk: DeskDep,
    user: CurrentUser,
    postmark_city: Annotated[str, Form(max_length=200)] = "",
    postmark_date: Annotated[str, Form(max_length=20)] = "",
    return_address: Annotated[str, Form(max_length=2000)] = "",
    enclosures: Annotated[str, Form(max_length=5000)] = "",
) -> RedirectResponse:
    try:
        when = parse_postmark_date(postmark_date)
    except ValueError:
        raise HTTPException(400, "The postmark date must look like 2026-03-14 or 14/03/2026.") from None
    given = Envelope(
        postmark_city.strip(),
        when,
        return_address.replace("\r\n", "\n").strip(),
        tuple(line.strip() for line in enclosures.splitlines() if line.strip()),
    )
    load(desk, message_id, user, request)
    audit.record(desk, user.username, "letter.envelope", message_id, source_of(request))
    if not services.attach_envelope(desk, message_id, given):
        raise HTTPException(404, "There is no message with that id.")
    return RedirectResponse(f"/messages/{message_id}#envelope", status_code=303)


@router.get("/api/messages/{message_id}/paper")
def paper_api(request: Request, message_id: str, desk: DeskDep, user: CurrentUser) -> JSONResponse:
    load(desk, message_id, user, request)
    paper = services.paper_file(desk, message_id)
    pages = paper.pages if paper else ()
    return JSONResponse(
        {
            "message_id": message_id,
            "pages": [page_json(message_id, p) for p in pages],
            "envelope": envelope_json(paper.envelope if paper else None),
            "transcriptions": [
                {"page": n, "text": t, "replaced": r} for n, t, r in services.transcriptions(desk, message_id)
            ],
        }
    )


def _worklist(desk: Desk, user: User) -> list[dict[str, Any]]:
    """Pages waiting for a person, among the letters this role may read."""
    out = []
    for m, n, c in services.pages_to_transcribe(desk):
        record = services.message(desk, m)
        if record is not None and may_read_message(
            user.role, record.reading.routes if record.reading else None
        ):
            out.append({"message_id": m, "page": n, "confidence": c, "url": f"/messages/{m}/pages/{n}"})
    return out


@router.get("/transcribe", response_class=HTMLResponse)
def worklist_page(request: Request, desk: DeskDep, user: CurrentUser) -> HTMLResponse:
    context = {"items": _worklist(desk, user), "active": "transcribe", "api_url": "/api/transcribe"}
    return render(request, desk, "transcribe.html", context)


@router.get("/api/transcribe")
def worklist_api(desk: DeskDep, user: CurrentUser) -> JSONResponse:
    return JSONResponse(_worklist(desk, user))
