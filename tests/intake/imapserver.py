"""A real Dovecot IMAP server for tests and the bench: self-contained config in a temp dir, loopback only.

Plain IMAP and IMAPS (a throwaway self-signed certificate) on two free ports, one test user whose
password sits in a passwd-file. Dovecot refuses uid 0 for mail, so mail belongs to the `dovecot` user.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD = "fanmail", "stage-door-test"
ATTEMPTS = 5

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_internal_user = dovecot
default_login_user = dovenull
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Dovecot:
    root: Path
    port: int
    tls_port: int

    @classmethod
    def create(cls) -> Dovecot:
        if shutil.which("dovecot") is None:
            raise RuntimeError("dovecot is not installed; run `make system` (scripts/system-deps.sh)")
        root = Path(tempfile.mkdtemp(prefix="stagedoor-dovecot-"))
        root.chmod(0o755)  # the dovecot user reaches its mail through it
        for sub in ("run", "state", "mail"):
            (root / sub).mkdir()
        mail_owner = pwd.getpwnam("dovecot")
        os.chown(root / "mail", mail_owner.pw_uid, mail_owner.pw_gid)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
             "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem"),
             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
            check=True, capture_output=True,
        )  # fmt: skip
        (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        server = cls(root, free_port(), free_port())
        server._configure()
        return server

    def _configure(self) -> None:
        mail_owner = pwd.getpwnam("dovecot")
        (self.root / "dovecot.conf").write_text(
            CONFIG.format(root=self.root, uid=mail_owner.pw_uid, gid=mail_owner.pw_gid, port=self.port,
                          tls_port=self.tls_port)
        )  # fmt: skip

    @property
    def ca_file(self) -> Path:
        return self.root / "cert.pem"

    def start(self, ports_fixed: bool = False) -> None:
        """Start on the ports picked at create(); when another process took one in between, on new free
        ports (never on a restart, whose clients keep the old ports: then it waits for them)."""
        log_path = self.root / "start.log"
        for attempt in range(ATTEMPTS):
            # the daemon keeps inherited pipes open, so its output goes to a file, never to a pipe we wait on
            log_path.write_bytes(b"")
            with log_path.open("ab") as log:
                done = subprocess.run(
                    ["dovecot", "-c", str(self.root / "dovecot.conf")], stdout=log, stderr=log
                )
            if done.returncode == 0:
                self._wait(up=True)
                return
            if "Address already in use" not in log_path.read_text() or attempt == ATTEMPTS - 1:
                break
            if ports_fixed:
                time.sleep(0.2)
            else:
                self.port, self.tls_port = free_port(), free_port()
                self._configure()
        raise RuntimeError(f"dovecot did not start: {log_path.read_text().strip()}")

    def stop(self) -> None:
        pid_file = self.root / "run" / "master.pid"
        if not pid_file.exists():
            return
        subprocess.run(
            ["dovecot", "-c", str(self.root / "dovecot.conf"), "stop"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        self._wait(up=False)

    def restart(self) -> None:
        """As a real restart does: every client connection is dropped, then the server is back."""
        subprocess.run(
            ["doveadm", "-c", str(self.root / "dovecot.conf"), "kick", USER],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
        )  # fmt: skip
        self.stop()
        self.start(ports_fixed=True)

    def _wait(self, up: bool) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as s:
                reachable = s.connect_ex(("127.0.0.1", self.port)) == 0
            if reachable == up:
                return
            time.sleep(0.05)
        raise RuntimeError(f"dovecot did not come {'up' if up else 'down'}; see {self.root}/dovecot.log")

    def client(self) -> imaplib.IMAP4:
        c = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        c.login(USER, PASSWORD)
        return c

    def append(self, folder: str, messages: list[bytes]) -> None:
        c = self.client()
        try:
            c.create(f'"{folder}"')  # an existing folder answers NO, which is fine
            for raw in messages:
                kind, data = c.append(f'"{folder}"', None, None, raw)
                assert kind == "OK", data
        finally:
            c.logout()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def fan_mail(n: int, start: int = 0, folder_tag: str = "") -> list[bytes]:
    """n distinct synthetic emails (ours, made up), each with its own Message-ID."""
    return [
        (
            f"From: Fan {i} <fan{i}@example.org>\r\nTo: artist@example.com\r\n"
            f"Subject: letter {i}{folder_tag}\r\nMessage-ID: <fan-{i}{folder_tag}@example.org>\r\n"
            f"Date: Mon, 2 Mar 2026 10:{i % 60:02d}:00 +0000\r\n\r\n"
            f"Dear artist, this is letter number {i}. The concert in Lyon was wonderful, "
            f"thank you for song {i % 17}.\r\n"
        ).encode()
        for i in range(start, start + n)
    ]
