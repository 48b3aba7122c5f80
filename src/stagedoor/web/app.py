"""The app factory: `create_app(desk)` builds the web desk; nothing is created at import time."""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi import Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from stagedoor.services import Desk
from stagedoor.web import (
    admin,
    auth,
    cases,
    correspondents,
    dashboard,
    dossier,
    errors,
    health,
    identity,
    messages,
    present,
    quarantine,
    queue,
)
from stagedoor.web import campaigns as campaign_pages
from stagedoor.web import intake as intake_api
from stagedoor.web import paper as paper_routes
from stagedoor.web.headers import SecurityHeaders
from stagedoor.web.highlight import css_name
from stagedoor.web.permissions import LoginRequired, guard

HERE = Path(__file__).parent


def build_templates() -> Jinja2Templates:
    """Autoescape on for every template, whatever its name; undefined names fail loudly."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = present.when
    env.filters["size"] = present.size
    env.filters["css_name"] = css_name
    env.globals["category_word"] = present.category_word
    env.globals["queues"] = present.QUEUES
    return Jinja2Templates(env=env)


def create_app(desk: Desk) -> FastAPI:
    app = FastAPI(
        title="Stagedoor desk",
        docs_url=None,  # the interactive docs load scripts from a CDN, which the CSP forbids
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(guard)],  # every route: its declared rule in web/permissions.py
    )
    app.state.desk = desk
    app.state.templates = build_templates()
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(HTTPException, errors.http_error)
    app.add_exception_handler(LoginRequired, auth.login_required)
    app.add_exception_handler(RequestValidationError, errors.validation_error)
    app.add_exception_handler(Exception, errors.server_error)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (queue, messages, correspondents, quarantine, health, identity):
        app.include_router(module.router)
    app.include_router(paper_routes.router)
    for desk_module in (auth, cases, dossier, dashboard, admin):
        app.include_router(desk_module.router)
    app.include_router(intake_api.router)  # token-authenticated, not session-authenticated
    app.include_router(campaign_pages.router)
    return app
