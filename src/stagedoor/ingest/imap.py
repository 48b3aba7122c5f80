"""Live mailboxes over IMAP: the configuration file, and one connection's commands, with stdlib `imaplib`.

`imaplib` speaks UID SEARCH/FETCH/STORE/MOVE and reports UIDVALIDITY, which is all the cursor needs;
a higher-level client would hide exactly those. Credentials come from the environment or a file named
in the configuration, never from the configuration itself (a `password` key is refused).
"""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
import os
import re
import ssl
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from stagedoor.domain import IngestItem, Quarantined
from stagedoor.domain.taxonomy import Channel
from stagedoor.ingest.base import IngestError, too_big
from stagedoor.ingest.eml import parse_email

_UID = re.compile(rb"UID (\d+)")
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (imaplib.IMAP4.abort, OSError, EOFError)
"""Worth a reconnect: the server went away or restarted. Other IMAP errors are refusals, not retried."""


class ImapError(IngestError):
    """A mailbox the user must fix: bad configuration, missing password, a refused login or folder."""


class MailboxConfig(BaseModel):
    """One `[[mailbox]]` table of the configuration file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=255, description="Short name, kept with the cursor.")
    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535, description="Default 993 for tls, else 143.")
    security: Literal["tls", "starttls", "none"] = "tls"
    ca_file: Path | None = Field(default=None, description="CA bundle for a private certificate.")
    username: str = Field(min_length=1)
    password_env: str | None = None
    password_file: Path | None = None
    folders: tuple[str, ...] = ("INBOX",)
    after: Literal["keep", "flag", "move"] = Field(
        default="keep", description="What to do with fetched mail on the server."
    )
    flag: str = "$Stagedoor"
    move_to: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> MailboxConfig:
        if (self.password_env is None) == (self.password_file is None):
            raise ValueError("give exactly one of password_env or password_file")
        if self.after == "move" and not self.move_to:
            raise ValueError('after = "move" needs move_to = "<folder>"')
        if self.security == "none" and not _is_loopback(self.host):
            raise ValueError('security = "none" is allowed only for a loopback host; use "tls" or "starttls"')
        if not self.folders:
            raise ValueError("folders is empty")
        return self

    @property
    def resolved_port(self) -> int:
        return self.port or (993 if self.security == "tls" else 143)

    def password(self) -> str:
        if self.password_env is not None:
            value = os.environ.get(self.password_env)
            if value is None:
                raise ImapError(f"mailbox {self.name!r}: environment variable {self.password_env} is not set")
            return value
        assert self.password_file is not None
        try:
            return self.password_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImapError(
                f"mailbox {self.name!r}: cannot read password_file {self.password_file} ({exc.strerror})"
            ) from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_config(path: Path) -> list[MailboxConfig]:
    """The `[[mailbox]]` tables of a TOML file; ImapError naming the file and the field for anything wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImapError(f"{path}: cannot read the mailbox configuration ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ImapError(f"{path}: not valid TOML ({exc})") from None
    tables = data.get("mailbox")
    if not isinstance(tables, list) or not tables:
        raise ImapError(f"{path}: no [[mailbox]] table; see the README's 'Live mailboxes' section")
    mailboxes = []
    for number, table in enumerate(tables, start=1):
        try:
            mailboxes.append(MailboxConfig.model_validate(table))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "mailbox"
            hint = " (credentials go in password_env or password_file)" if "password" in where else ""
            raise ImapError(f"{path}: mailbox #{number}: {where}: {first['msg']}{hint}") from None
    names = [m.name for m in mailboxes]
    if len(set(names)) != len(names):
        raise ImapError(f"{path}: two mailboxes share a name; each name keys its own cursor")
    return mailboxes


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uid_set(uids: Sequence[int]) -> str:
    return ",".join(str(u) for u in uids)


@dataclass
class ImapConnection:
    """One logged-in connection; `select` a folder, then list, fetch and mark by UID."""

    config: MailboxConfig
    client: imaplib.IMAP4
    folder: str = ""

    @classmethod
    def open(cls, config: MailboxConfig, timeout: float = 30.0) -> ImapConnection:
        password = config.password()
        host, port = config.host, config.resolved_port
        try:
            context = ssl.create_default_context(cafile=str(config.ca_file) if config.ca_file else None)
            if config.security == "tls":
                client: imaplib.IMAP4 = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=timeout)
            else:
                client = imaplib.IMAP4(host, port, timeout=timeout)
                if config.security == "starttls":
                    client.starttls(ssl_context=context)
        except (ssl.SSLCertVerificationError, FileNotFoundError) as exc:  # not worth retrying
            raise ImapError(
                f"mailbox {config.name!r}: the server's certificate is not trusted ({exc}); "
                "set ca_file to the CA that signed it"
            ) from None
        try:
            client.login(config.username, password)
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error as exc:
            raise ImapError(f"mailbox {config.name!r}: login refused ({_said(exc)})") from None
        return cls(config, client)

    def select(self, folder: str) -> int:
        """Select read-write (marking needs it); returns the folder's UIDVALIDITY."""
        kind, data = self.client.select(_quote(folder), readonly=self.config.after == "keep")
        if kind != "OK":
            said = data[0].decode(errors="replace") if data and data[0] else "refused"
            raise ImapError(f"mailbox {self.config.name!r}: cannot open folder {folder!r} ({said})")
        _, values = self.client.response("UIDVALIDITY")
        self.folder = folder
        return int(values[0]) if values and values[0] else 0

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs above the cursor, ascending (`n:*` also names the highest UID when it is below n)."""
        kind, data = self.client.uid("SEARCH", "UID", f"{last_uid + 1}:*")
        self._ok(kind, data, "search")
        return sorted(u for u in (int(x) for x in (data[0] or b"").split()) if u > last_uid)

    def fetch(self, uids: Sequence[int]) -> Iterator[tuple[int, bytes]]:
        """The exact bytes of each message, without setting \\Seen (BODY.PEEK)."""
        kind, data = self.client.uid("FETCH", _uid_set(uids), "(UID BODY.PEEK[])")
        self._ok(kind, data, "fetch")
        for part in data:
            if isinstance(part, tuple) and (found := _UID.search(part[0])):
                yield int(found.group(1)), bytes(part[1])

    def mark(self, uids: Sequence[int]) -> None:
        """Flag or move processed mail, as the configuration says (nothing for `keep`)."""
        if not uids or self.config.after == "keep":
            return
        if self.config.after == "flag":
            kind, data = self.client.uid("STORE", _uid_set(uids), "+FLAGS.SILENT", f"({self.config.flag})")
            self._ok(kind, data, "flag")
            return
        kind, data = self.client.uid("MOVE", _uid_set(uids), _quote(self.config.move_to))
        if kind != "OK" and b"TRYCREATE" in (data[0] or b""):  # first move: the folder is made for it
            self.client.create(_quote(self.config.move_to))
            kind, data = self.client.uid("MOVE", _uid_set(uids), _quote(self.config.move_to))
        self._ok(kind, data, f"move to {self.config.move_to!r}")

    def _ok(self, kind: str, data: list[object], what: str) -> None:
        if kind != "OK":
            said = data[0].decode(errors="replace") if data and isinstance(data[0], bytes) else "refused"
            raise ImapError(f"mailbox {self.config.name!r}, folder {self.folder!r}: {what} failed ({said})")

    def close(self) -> None:
        with contextlib.suppress(imaplib.IMAP4.error, OSError, EOFError):  # the server may be gone already
            self.client.logout()


def _said(exc: BaseException) -> str:
    text = exc.args[0] if exc.args else exc
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)


def origin_for(config: MailboxConfig, folder: str, uidvalidity: int, uid: int) -> str:
    """An IMAP URL (RFC 5092) naming exactly where the message was fetched from."""
    return f"imap://{config.username}@{config.host}/{folder};UIDVALIDITY={uidvalidity}/;UID={uid}"


def item_for(raw: bytes, origin: str, max_bytes: int) -> IngestItem:
    if len(raw) > max_bytes:
        return Quarantined(raw, Channel.EMAIL, origin, too_big(len(raw), max_bytes))
    return parse_email(raw, origin, fallback_id=origin)
