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
    # ---- the desk: accounts, alerts, privacy -------------------------------------------------------
    cookie_secure: bool = Field(
        default=True, description="Session cookies only over HTTPS (browsers also allow them on localhost)."
    )
    session_hours: int = Field(default=12, description="A log-in lasts this long.")
    lockout_failures: int = Field(default=5, description="Failed log-ins in a row that lock an account.")
    lockout_minutes: int = Field(default=15, description="How long a locked account stays locked.")
    encryption_keys: str = Field(
        default="",
        description="Fernet keys, comma-separated, newest first: message text and raw bytes are encrypted "
        "at rest with the first; all of them decrypt. Empty: no encryption.",
    )
    smtp_host: str = Field(default="", description="SMTP server for alert emails; empty: no alert emails.")
    smtp_port: int = Field(default=25, description="SMTP port.")
    smtp_sender: str = Field(default="stagedoor@localhost", description="From address of alert emails.")
    webhook_url: str = Field(
        default="", description="URL that receives every alert as a JSON POST; empty: none."
    )
    alert_max_attempts: int = Field(default=12, description="Tries before an alert is marked failed.")
    alert_backoff_seconds: float = Field(
        default=30.0, description="First retry delay; it doubles after each failure (capped at one hour)."
    )
    retention_days: int = Field(
        default=0, description="`stagedoor retention` removes messages older than this; 0: keep everything."
    )
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
