"""Encryption at rest for message text and raw bytes, behind a small interface the Store alone uses.

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with MultiFernet for rotation: the first key
encrypts, every listed key decrypts, and `rotate` re-encrypts old tokens under the first key. Stored values
carry a prefix, so plaintext written before a key was configured still reads, and rotation encrypts it.
"""

from __future__ import annotations

from typing import Any, Protocol

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from stagedoor.store.tables import MessageRow, QuarantineRow, RawMessageRow

PREFIX = "sdenc1:"
BPREFIX = PREFIX.encode()


class CipherError(ValueError):
    """Encrypted data and no key (or the wrong key) to read it: says which setting to fix."""


class Cipher(Protocol):
    def encrypt_text(self, text: str) -> str: ...
    def decrypt_text(self, stored: str) -> str: ...
    def encrypt_bytes(self, data: bytes) -> bytes: ...
    def decrypt_bytes(self, stored: bytes) -> bytes: ...
    def rotate_text(self, stored: str) -> str: ...
    def rotate_bytes(self, stored: bytes) -> bytes: ...


def is_encrypted(stored: str | bytes) -> bool:
    if isinstance(stored, str):
        return stored.startswith(PREFIX)
    return stored.startswith(BPREFIX)


class PlainCipher:
    """No key configured: writes plaintext, and refuses (clearly) to pretend it can read ciphertext."""

    def encrypt_text(self, text: str) -> str:
        return text

    def decrypt_text(self, stored: str) -> str:
        if is_encrypted(stored):
            raise CipherError("stored text is encrypted: set STAGEDOOR_ENCRYPTION_KEYS to the key(s)")
        return stored

    def encrypt_bytes(self, data: bytes) -> bytes:
        return data

    def decrypt_bytes(self, stored: bytes) -> bytes:
        if is_encrypted(stored):
            raise CipherError("stored bytes are encrypted: set STAGEDOOR_ENCRYPTION_KEYS to the key(s)")
        return stored

    def rotate_text(self, stored: str) -> str:
        return self.decrypt_text(stored)

    def rotate_bytes(self, stored: bytes) -> bytes:
        return self.decrypt_bytes(stored)


class FernetCipher:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise CipherError("no encryption key given")
        try:
            self._fernet = MultiFernet([Fernet(k.strip().encode()) for k in keys])
        except ValueError:
            raise CipherError(
                "STAGEDOOR_ENCRYPTION_KEYS holds a value that is not a Fernet key; "
                "make one with `stagedoor keys new`"
            ) from None

    def encrypt_text(self, text: str) -> str:
        return PREFIX + self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt_text(self, stored: str) -> str:
        if not is_encrypted(stored):
            return stored
        return self._open(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")

    def encrypt_bytes(self, data: bytes) -> bytes:
        return BPREFIX + self._fernet.encrypt(data)

    def decrypt_bytes(self, stored: bytes) -> bytes:
        return self._open(stored[len(BPREFIX) :]) if is_encrypted(stored) else stored

    def rotate_text(self, stored: str) -> str:
        if not is_encrypted(stored):
            return self.encrypt_text(stored)
        return PREFIX + self._fernet.rotate(stored[len(PREFIX) :].encode("ascii")).decode("ascii")

    def rotate_bytes(self, stored: bytes) -> bytes:
        if not is_encrypted(stored):
            return self.encrypt_bytes(stored)
        return BPREFIX + self._fernet.rotate(stored[len(BPREFIX) :])

    def _open(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise CipherError(
                "stored data was encrypted with a key that is not in STAGEDOOR_ENCRYPTION_KEYS"
            ) from None


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def cipher_for(keys: str) -> Cipher:
    """Comma-separated keys, newest first; empty means no encryption."""
    listed = [k for k in (p.strip() for p in keys.split(",")) if k]
    return FernetCipher(listed) if listed else PlainCipher()


def session_cipher(session: Session) -> Cipher:
    found = session.info.get("cipher")
    return found if found is not None else PlainCipher()


def _encrypt_new(session: Session, _context: Any, _instances: Any) -> None:
    """Encrypt on the way in: every new message text and raw blob, whoever added it."""
    cipher = session_cipher(session)
    for obj in session.new:
        if isinstance(obj, MessageRow) and not is_encrypted(obj.text):
            obj.text = cipher.encrypt_text(obj.text)
        elif isinstance(obj, RawMessageRow | QuarantineRow) and not is_encrypted(obj.raw):
            obj.raw = cipher.encrypt_bytes(obj.raw)


def _decrypt_loaded(target: MessageRow, context: Any) -> None:
    """Decrypt on the way out, without marking the row changed."""
    session = getattr(context, "session", None)
    if session is not None and is_encrypted(target.text):
        set_committed_value(target, "text", session_cipher(session).decrypt_text(target.text))


def install(factory: sessionmaker[Session], cipher: Cipher) -> None:
    factory.kw.setdefault("info", {})["cipher"] = cipher
    event.listen(factory, "before_flush", _encrypt_new)
    if not event.contains(MessageRow, "load", _decrypt_loaded):
        event.listen(MessageRow, "load", _decrypt_loaded)
