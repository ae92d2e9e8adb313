"""`make run` finishes a big import: the processes it starts (web server and background worker, through
`manage.py run_with_worker`) on a temporary SQLite database, driven over HTTP as an officer would."""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import openpyxl
import pytest

from tests.faults.harness import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
ROWS = 3_000
PASSWORD = "Mat-khau-dai-2025!"
GIVEN = [
    "An",
    "Bình",
    "Cúc",
    "Dũng",
    "Hoa",
    "Khánh",
    "Lan",
    "Mai",
    "Nam",
    "Oanh",
    "Phúc",
    "Quý",
    "Sơn",
    "Tâm",
]
SETUP = """
from langso.accounts.tests.factories import commune_officer
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
home = commune(NGHIA_TA)
VillageFactory(commune=home, name="Thôn Bản Cáu")
commune_officer(home, username="xa.thu")
"""


def _file() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Số hộ", "Họ tên", "Năm sinh", "Giới tính", "Tổ/xóm"])
    families, middles = ["Hoàng", "Nông", "Lò", "Ma", "Triệu"], ["Văn", "Thị", "Đức", "Minh"]
    for n in range(ROWS):
        name = f"{families[n % 5]} {middles[n // 5 % 4]} {GIVEN[n // 20 % len(GIVEN)]}"
        sheet.append([n + 1, f"H{n:04d}", name, 1950 + n % 60, "Nam" if n % 2 else "Nữ", "Thôn Bản Cáu"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _children(pid: int) -> list[str]:
    ps = ["/bin/ps", "-o", "pid=", "--ppid", str(pid)]
    return subprocess.run(ps, capture_output=True, text=True, check=False).stdout.split()  # noqa: S603


def _args(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class Officer:
    """A browser, as far as the import pages need one: cookies, CSRF, forms, a file upload."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def _csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def post(
        self, path: str, fields: dict[str, str], file: tuple[str, str, bytes] | None = None
    ) -> tuple[str, str]:
        headers = {"Referer": self.base + path, "X-CSRFToken": self._csrf()}
        fields = {"csrfmiddlewaretoken": self._csrf(), **fields}
        if file is None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                for k, v in fields.items()
            ]
            name, filename, content = file
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        request = urllib.request.Request(self.base + path, data=body, headers=headers, method="POST")  # noqa: S310
        with self.opener.open(request, timeout=120) as response:
            return response.geturl(), response.read().decode()


@pytest.fixture
def installation(tmp_path: Path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'langso.sqlite3'}",
        "LANGSO_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "langso.settings",
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
    }
    env.pop("LANGSO_TASKS_BACKEND", None)  # the default: the database queue the worker reads

    def manage(*args: str) -> None:
        subprocess.run(  # noqa: S603 - our interpreter and manage.py
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
        )

    manage("migrate", "--noinput")
    manage("shell", "-c", SETUP)
    return env


@pytest.mark.slow
def test_make_run_serves_the_app_and_its_worker_finishes_a_3000_row_import_and_ctrl_c_stops_both(
    installation, tmp_path
):
    port = free_port()
    log = (tmp_path / "run.log").open("wb")
    # What `make run` runs after migrating and loading the demo data.
    supervisor = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "run_with_worker", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=installation,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        officer = Officer(f"http://127.0.0.1:{port}")

        def up() -> bool:
            try:
                officer.get("/accounts/login/")
            except OSError:
                return False
            return True

        wait_until(up, timeout=60, every=0.3, what="the web server")
        officer.post("/accounts/login/", {"username": "xa.thu", "password": PASSWORD})
        _url, page = officer.get("/registry/import/")
        code = re.search(r'name="commune"[^>]*>\s*<option value="(\d+)"|<option value="(\d+)"', page)
        assert code, page[:2000]
        url, page = officer.post(
            "/registry/import/",
            {"kind": "residents", "commune": code.group(1) or code.group(2)},
            file=("file", "danh-sach.xlsx", _file()),
        )
        job_path = urllib.parse.urlparse(url).path
        assert re.fullmatch(r"/registry/import/[0-9a-f-]{36}/", job_path), (url, page[:2000])

        # The worker dies (killed, out of memory…) while the file waits or is being checked: the
        # supervisor starts another, and the job is picked up again.
        worker = next(pid for pid in _children(supervisor.pid) if "db_worker" in _args(pid))
        os.kill(int(worker), signal.SIGKILL)
        wait_until(
            lambda: any("db_worker" in _args(p) and p != worker for p in _children(supervisor.pid)),
            timeout=30,
            what="a new worker",
        )

        def page_says(text: str) -> str | None:
            _u, body = officer.get(job_path)
            assert "Thất bại" not in body, body[-3000:]
            return body if text in body else None

        # More rows than the threshold: the worker checks it (the page does not wait for it).
        page = wait_until(lambda: page_says("dòng hợp lệ"), timeout=180, every=1, what="the dry run")
        assert "Tệp có 3.000 dòng: 3.000 dòng hợp lệ, 0 dòng có lỗi." in page, page[-3000:]
        officer.post(f"{job_path}confirm/", {"mode": "all", "action": "write"})
        page = wait_until(lambda: page_says("Đã ghi xong"), timeout=180, every=1, what="the write")
        assert "Đã ghi xong: 3.000 mới" in page
        children = _children(supervisor.pid)
        assert len(children) == 2, children  # the web server and the worker
    finally:
        supervisor.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            supervisor.wait(timeout=40)
        finally:
            if supervisor.poll() is None:
                supervisor.kill()
            log.close()
    output = (tmp_path / "run.log").read_text(errors="replace")
    assert "The background worker stopped (exit -9); restarting it." in output
    assert supervisor.returncode == 0, output
    assert "Làng Số stopped." in output

    # Both children are gone: nothing answers on the port any more, and no worker of this database runs.
    def down() -> bool:
        try:
            officer.get("/accounts/login/")
        except OSError:
            return True
        return False

    assert wait_until(down, timeout=10, every=0.2, what="the web server to stop")
    for pid in children:
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)
