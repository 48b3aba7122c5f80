"""One typed Settings object, read from STAGEDOOR_* environment variables; built in main(), never on import."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STAGEDOOR_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Where the SQLite database and files live.")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means SQLite in data_dir. postgresql+psycopg://... selects PostgreSQL.",
    )
    lyrics_file: Path | None = Field(
        default=None, description="Plain-text file of the artist's lyrics; quoted lines raise no flag."
    )
    max_message_bytes: int = Field(
        default=50 * 1024 * 1024, description="Larger single messages are quarantined, not parsed."
    )
    host: str = Field(default="127.0.0.1", description="Address `stagedoor serve` listens on.")
    port: int = Field(default=8000, description="Port `stagedoor serve` listens on.")
    imap_config: Path | None = Field(
        default=None,
        description="TOML file of the mailboxes `stagedoor fetch imap` polls (no passwords in it).",
    )
    intake_max_bytes: int = Field(
        default=2 * 1024 * 1024, description="Largest body `POST /api/intake` accepts; larger ones get 413."
    )
    intake_rate_per_minute: int = Field(
        default=120, description="Posts per minute one intake token may make; more get 429 with Retry-After."
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'stagedoor.sqlite3').resolve()}"
