"""The smoke test's walk through the deployed app, over HTTP only, as a member of staff would do it.

Run by .ci/smoke with the smoke virtualenv's python (runtime dependencies only: stdlib HTTP, pypdf):
    python .ci/smoke_http.py --base http://127.0.0.1:PORT --username U --password P --roster FILE.csv

Logs in to the admin (CSRF), uploads the roster on the import page, confirms the preview, issues the SK,
polls its progress until every document is done, downloads one Petikan and checks that it is a one-page F4
PDF naming that member. Exits non-zero with a message saying which step failed.
"""

import argparse
import csv
import html
import http.cookiejar
import io
import json
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pypdf

F4_MM = (215, 330)
MM_PER_POINT = 25.4 / 72


class SmokeFailure(Exception):
    pass


class LoopbackCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Send Secure cookies to 127.0.0.1 over plain HTTP, as browsers do for loopback addresses: the app
    runs with its production cookie settings (Secure session and CSRF cookies) and no TLS here."""

    def return_ok_secure(self, cookie, request):
        host = urllib.parse.urlsplit(request.get_full_url()).hostname
        return host in ("127.0.0.1", "localhost") or super().return_ok_secure(cookie, request)


class Client:
    def __init__(self, base: str):
        if not base.startswith("http://127.0.0.1:"):
            raise SmokeFailure(f"{base}: the smoke test talks only to the app it started on 127.0.0.1")
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar(LoopbackCookiePolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        """(final URL, status, content type, body); redirects are followed, errors raise SmokeFailure."""
        # Only http://127.0.0.1 (checked in __init__), never a file: or other scheme.
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(req, timeout=60) as response:
                kind = response.headers.get_content_type()
                return response.geturl(), response.status, kind, response.read()
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")
            raise SmokeFailure(f"{req.get_method()} {path}: HTTP {exc.code}\n{body[:2000]}") from exc

    def page(self, path: str) -> tuple[str, str]:
        url, _, _, body = self.request(path)
        return url, body.decode("utf-8")

    def post_form(self, path: str, fields: dict) -> tuple[str, str]:
        data = urllib.parse.urlencode(fields).encode()
        url, _, _, body = self.request(path, data, {"Content-Type": "application/x-www-form-urlencoded"})
        return url, body.decode("utf-8")

    def post_multipart(self, path: str, fields: dict, file_field: str, filename: str, content: bytes):
        boundary = "smoke" + secrets.token_hex(12)
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        )
        body = "".join(parts).encode() + content + f"\r\n--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        url, _, _, answer = self.request(path, body, headers)
        return url, answer.decode("utf-8")


def step(message: str) -> None:
    print(f"smoke: {message}", flush=True)


def csrf_token(page: str, where: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not match:
        raise SmokeFailure(f"{where}: no CSRF token on the page")
    return match.group(1)


def page_errors(page: str) -> str:
    """The error lists and messages a page shows, as text, to say why a step did not go through."""
    found = re.findall(r'<ul class="(?:errorlist[^"]*|messagelist)"[^>]*>(.*?)</ul>', page, re.S)
    found += re.findall(r'<(?:p|div) class="errornote"[^>]*>(.*?)</(?:p|div)>', page, re.S)
    text = " | ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)) for part in found)
    return " ".join(text.split()) or "(no error shown)"


def log_in(client: Client, username: str, password: str) -> None:
    _, page = client.page("/admin/login/?next=/admin/")
    fields = {"username": username, "password": password, "next": "/admin/"}
    fields["csrfmiddlewaretoken"] = csrf_token(page, "login")
    url, page = client.post_form("/admin/login/", fields)
    if urllib.parse.urlsplit(url).path != "/admin/":
        raise SmokeFailure(f"login did not reach /admin/ (at {url}): {page_errors(page)}")
    # Static files come from collectstatic's manifest through WhiteNoise (DEBUG off).
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
    if not stylesheet:
        raise SmokeFailure("the admin home page links no stylesheet")
    _, status, kind, _ = client.request(stylesheet.group(1))
    if kind != "text/css":
        raise SmokeFailure(f"{stylesheet.group(1)}: {status} {kind}, not a stylesheet")
    step(f"logged in as {username}; {stylesheet.group(1)} served")


def import_roster(client: Client, roster: bytes) -> None:
    path = "/admin/secretariat/appointment/impor/"
    _, page = client.page(path)
    _, page = client.post_multipart(
        path, {"csrfmiddlewaretoken": csrf_token(page, "import")}, "file", "roster.csv", roster
    )
    token = re.search(r'name="token" value="([0-9a-f]+)"', page)
    if not token or "Simpan impor" not in page:
        raise SmokeFailure(f"the import preview offers no 'Simpan impor': {page_errors(page)}")
    step("import preview shown")
    _, page = client.post_form(path, {"csrfmiddlewaretoken": csrf_token(page, "preview"), "token": token[1]})
    if "Impor selesai" not in page:
        raise SmokeFailure(f"'Simpan impor' did not finish the import: {page_errors(page)}")
    step("import saved: " + page_errors(page))


def issue_decree(client: Client) -> int:
    path = "/admin/secretariat/decree/terbitkan/"
    _, page = client.page(path)
    url, page = client.post_form(
        path, {"csrfmiddlewaretoken": csrf_token(page, "issue"), "decree_date": "2024-06-01"}
    )
    match = re.search(r"/admin/secretariat/decree/(\d+)/change/$", urllib.parse.urlsplit(url).path)
    if not match:
        raise SmokeFailure(f"issuing the SK did not lead to its page (at {url}): {page_errors(page)}")
    step("SK issued: " + page_errors(page))
    return int(match.group(1))


def wait_until_done(client: Client, decree_id: int, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    last, shown = None, 0.0
    while time.monotonic() < deadline:
        _, _, kind, body = client.request(f"/admin/secretariat/decree/{decree_id}/progres/")
        if kind != "application/json":
            raise SmokeFailure(f"the progress endpoint answered {kind}, not JSON")
        progress = json.loads(body)
        # A line every 10 s at most, and the last one.
        if progress != last and (time.monotonic() - shown > 10 or progress["status"] != "running"):
            step(f"progress: {progress['done']} of {progress['total']} ({progress['status']})")
            shown = time.monotonic()
        last = progress
        if progress["status"] == "done":
            return progress
        if progress["status"] == "failed":
            raise SmokeFailure(f"the SK's documents failed: {progress['failed_documents']}")
        time.sleep(1)
    raise SmokeFailure(f"the SK's documents were not done within {timeout:.0f} s: {last}")


def first_petikan(client: Client, decree_id: int) -> tuple[str, str]:
    """(member's name, download path) of the first Petikan listed on the decree page."""
    _, page = client.page(f"/admin/secretariat/decree/{decree_id}/change/")
    for row in re.findall(r'<tr class="status-done">(.*?)</tr>', page, re.S):
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        link = re.search(r'href="(/admin/secretariat/decree/dokumen/[0-9a-f-]+/)"', row)
        if cells and cells[0] == "Petikan keputusan" and link:
            return cells[1], link.group(1)
    raise SmokeFailure("the decree page lists no finished Petikan with a download link")


def check_petikan(client: Client, name: str, path: str, roster_names: set[str]) -> None:
    if name not in roster_names:
        raise SmokeFailure(f"the Petikan's member {name!r} is not in the imported roster")
    _, _, kind, body = client.request(path)
    if kind != "application/pdf" or not body.startswith(b"%PDF-"):
        raise SmokeFailure(f"{path}: {kind}, not a PDF")
    reader = pypdf.PdfReader(io.BytesIO(body))
    if len(reader.pages) != 1:
        raise SmokeFailure(f"the Petikan of {name} has {len(reader.pages)} pages, not 1")
    box = reader.pages[0].mediabox
    size_mm = (float(box.width) * MM_PER_POINT, float(box.height) * MM_PER_POINT)
    if any(abs(got - want) > 0.5 for got, want in zip(size_mm, F4_MM, strict=True)):
        raise SmokeFailure(f"the Petikan's page is {size_mm[0]:.1f} x {size_mm[1]:.1f} mm, not F4 215 x 330")
    text = " ".join(reader.pages[0].extract_text().split()).casefold()
    if " ".join(name.split()).casefold() not in text:
        raise SmokeFailure(f"the Petikan does not name {name!r}: {text[:500]}")
    step(f"Petikan of {name}: 1 page, {size_mm[0]:.0f} x {size_mm[1]:.0f} mm, {len(body)} bytes")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--roster", required=True)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()

    with open(args.roster, "rb") as handle:
        roster = handle.read()
    rows = list(csv.DictReader(io.StringIO(roster.decode("utf-8-sig"))))
    roster_names = {row["nama"] for row in rows}
    client = Client(args.base)
    try:
        log_in(client, args.username, args.password)
        import_roster(client, roster)
        decree_id = issue_decree(client)
        progress = wait_until_done(client, decree_id, args.timeout)
        if progress["total"] != len(rows) + 2:  # the Keputusan, its SALINAN and one Petikan per member
            raise SmokeFailure(f"the SK has {progress['total']} documents, not {len(rows) + 2}")
        check_petikan(client, *first_petikan(client, decree_id), roster_names)
    except SmokeFailure as exc:
        print(f"smoke: FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
