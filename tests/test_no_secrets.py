"""No secret in the repository: no private key, token, credential file or real-looking password.

Scans every file git tracks (a checkout without git scans the tree). The few secret-shaped strings
that are meant to be public (the development-only key, the demo password the README prints, the
placeholders in docs) are listed by name below, so a new one fails until someone looks at it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".git", ".venv", "node_modules", "var", "staticfiles", "test-artifacts", "__pycache__"}
SKIP_SUFFIXES = {".mo", ".png", ".jpg", ".mp3", ".pdf", ".xlsx", ".woff", ".woff2", ".ico"}

SECRET_SHAPES = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "password in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:([^/\s@'\"]{6,})@"),
    "assigned secret": re.compile(
        r"(?i)\b(?:secret_key|api_key|access_token|auth_token|password|passwd)\b\s*[:=]\s*[\"']([^\"'\s]{12,})[\"']"
    ),
}
# Placeholders and values that are public on purpose.
ALLOWED_VALUES = {
    "password",  # postgres://user:password@host in docs
    "the-database-password",  # docs/deploy.md's example environment file
    "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef",  # settings: refused in production
}
# Test fixtures' and benchmarks' passwords never reach a server.
TEST_PATHS = re.compile(r"(^|/)tests/|^bench/")
CREDENTIAL_FILES = re.compile(r"(^|/)(\.env(\..+)?|id_rsa|id_ed25519|.+\.pem|.+\.key|.+\.p12|.+\.sqlite3)$")


def _tracked_files() -> list[Path]:
    git = shutil.which("git")
    if git and (ROOT / ".git").exists():
        listed = subprocess.run(  # noqa: S603 - fixed arguments
            [git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode()
        return [ROOT / name for name in listed.split("\0") if name]
    return [
        path
        for path in ROOT.rglob("*")
        if path.is_file() and not SKIP_DIRS.intersection(path.relative_to(ROOT).parts)
    ]


def _findings(path: Path, text: str) -> list[str]:
    name = path.relative_to(ROOT).as_posix()
    found = []
    for label, shape in SECRET_SHAPES.items():
        for match in shape.finditer(text):
            value = match.group(1) if shape.groups else match.group(0)
            if value in ALLOWED_VALUES:
                continue
            if label == "assigned secret" and TEST_PATHS.search(name):
                continue
            if label == "assigned secret" and value.startswith(("change-me", "<", "${", "$(")):
                continue
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{name}:{line}: {label}")
    return found


def test_no_file_in_the_repository_holds_a_secret() -> None:
    files = _tracked_files()
    assert len(files) > 100

    findings = []
    for path in files:
        if path.suffix in SKIP_SUFFIXES or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        findings += _findings(path, text)

    assert findings == []


def test_no_credential_file_is_tracked() -> None:
    names = [path.relative_to(ROOT).as_posix() for path in _tracked_files()]

    assert [name for name in names if CREDENTIAL_FILES.search(name)] == []


def test_the_scan_recognises_the_secrets_it_looks_for() -> None:
    planted = ROOT / "src" / "planted.py"  # a path, not a file: the check reads only the text
    # Assembled here so that this file itself holds none of the shapes it looks for.
    text = "\n".join(
        [
            "-----BEGIN OPENSSH " + "PRIVATE KEY-----",
            "AWS = '" + "AKIA" + "ABCDEFGHIJKLMNOP'",
            "DATABASE_URL = 'postgres://langso:" + "s3cr3t-Pa55" + "@db:5432/langso'",
            "SECRET_KEY = '" + "k8Jd92hf7Gq1Lm0Zx5Vb'",
        ]
    )

    assert [f.split(": ", 1)[1] for f in _findings(planted, text)] == [
        "private key",
        "AWS access key",
        "password in a URL",
        "assigned secret",
    ]
