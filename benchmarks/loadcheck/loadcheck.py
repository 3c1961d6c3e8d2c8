"""Load check: N concurrent coaches working through their caseloads against a local server.

Loopback only and bounded: the script starts `insats runserver` on 127.0.0.1 (threaded, DEBUG
off), signs in N demo coaches (`insats demo` accounts, one virtual user each, cycling if there
are fewer coaches than users) and lets each of them, for --seconds, repeat a caseload round:

    caseload page → an enrolment of theirs → the person → person search → the catalogue →
    (every fifth round) a journal note on the enrolment (a write)

Every response must be 200 or the expected redirect; any other status or a connection error
counts as an error. Prints requests, errors, throughput and latency percentiles per page, and a
Markdown table row for docs/benchmarks.md ("Load check").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/insats_load \\
        .venv/bin/python benchmarks/loadcheck/loadcheck.py --users 50 --seconds 180

The database must already hold the demo municipality (`insats migrate && insats demo`).
No third-party load tool is needed: threads and http.client from the standard library.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
ENROLMENT_LINK = re.compile(r'href="(/inskrivningar/\d+/)"')
PERSON_LINK = re.compile(r'href="(/personer/\d+/)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class VirtualUser:
    def __init__(self, port: int, username: str, password: str, stats, stop: threading.Event):
        self.port, self.username, self.password = port, username, password
        self.stats, self.stop = stats, stop
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.rounds = 0

    def request(self, label: str, method: str, path: str, body: dict | None = None,
                expect=(200,)) -> str:
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.stats.error(label, f"{type(exc).__name__}: {exc}")
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            return ""
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        if response.status not in expect:
            self.stats.error(label, f"{method} {path} → {response.status}")
        else:
            self.stats.ok(label, elapsed)
        return text

    def sign_in(self) -> None:
        page = self.request("sign-in", "GET", "/konto/logga-in/")
        token = CSRF_INPUT.search(page)
        self.request("sign-in", "POST", "/konto/logga-in/", {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "username": self.username, "password": self.password, "next": "/",
        }, expect=(302,))

    def run(self) -> None:
        self.sign_in()
        while not self.stop.is_set():
            caseload = self.request("caseload", "GET", "/inskrivningar/")
            enrolments = ENROLMENT_LINK.findall(caseload)
            if enrolments:
                path = enrolments[self.rounds % len(enrolments)]
                detail = self.request("enrolment", "GET", path)
                people = PERSON_LINK.findall(detail)
                if people:
                    self.request("person", "GET", people[0])
                if self.rounds % 5 == 4:
                    token = CSRF_INPUT.search(detail)
                    self.request("note (write)", "POST", f"{path}anteckning/", {
                        "csrfmiddlewaretoken": token.group(1) if token else "",
                        "text": f"Uppföljning i lasttest, runda {self.rounds}.",
                    }, expect=(200, 302))
            self.request("search", "GET", "/personer/?q=an")
            self.request("catalogue", "GET", "/insatser/")
            self.rounds += 1


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def ok(self, label: str, elapsed: float) -> None:
        with self.lock:
            self.times[label].append(elapsed)

    def error(self, label: str, message: str) -> None:
        with self.lock:
            self.errors.append(f"{label}: {message}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def coach_usernames(env: dict) -> list[str]:
    code = (
        "from insats.accounts.models import User;"
        "[print('USER', name) for name in User.objects.filter(role='coach', is_active=True)"
        ".exclude(caseload__isnull=True).distinct().order_by('username')"
        ".values_list('username', flat=True)]"
    )
    out = subprocess.run([sys.executable, "-m", "insats.manage", "shell", "-c", code], env=env,
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [line.split()[1] for line in out.splitlines() if line.startswith("USER ")]


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/halsa/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=180, help="duration, at most 900")
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--password", default="Insats-demo-2026")
    args = parser.parse_args()
    seconds = max(10, min(args.seconds, 900))
    env = {**os.environ, "INSATS_DEBUG": "0", "INSATS_SSL_REDIRECT": "0",
           "INSATS_SECURE_COOKIES": "0", "INSATS_HSTS_SECONDS": "0",
           "INSATS_SECRET_KEY": os.environ.get("INSATS_SECRET_KEY", "loadcheck-" + "x" * 50),
           "INSATS_LOCKOUT_FAILURES": "1000"}
    env.pop("INSATS_ENV", None)
    users = coach_usernames(env)
    if not users:
        raise SystemExit("no coaches with enrolments: run `insats demo` on this database first")
    # The server's request log goes to a file: a pipe nobody reads would fill and stall it.
    server_log = open(Path(os.environ.get("TMPDIR", "/tmp")) / "insats-loadcheck-server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "insats.manage", "runserver", "--noreload", "--insecure",
         f"{HOST}:{args.port}"], cwd=ROOT, env=env, stdout=server_log, stderr=server_log,
    )
    try:
        wait_for(args.port)
        stats, stop = Stats(), threading.Event()
        vus = [VirtualUser(args.port, users[i % len(users)], args.password, stats, stop)
               for i in range(args.users)]
        threads = [threading.Thread(target=vu.run, daemon=True) for vu in vus]
        started = time.time()
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        stop.set()
        deadline = time.time() + 120
        for thread in threads:
            thread.join(timeout=max(0.1, deadline - time.time()))
        elapsed = time.time() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
    total = sum(len(v) for v in stats.times.values())
    coaches = len(set(users[: args.users]))
    print(f"{time.strftime('%Y-%m-%d')}: {args.users} users ({coaches} distinct coaches), "
          f"{elapsed:.0f} s, {total} requests, {total / elapsed:.1f} req/s, "
          f"{len(stats.errors)} errors")
    print("| page | requests | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for label, values in sorted(stats.times.items()):
        print(f"| {label} | {len(values)} | {statistics.median(values) * 1000:.0f} | "
              f"{percentile(values, 0.95):.0f} | {max(values) * 1000:.0f} |")
    for message in stats.errors[:20]:
        print("ERROR", message)
    sys.exit(1 if stats.errors else 0)


if __name__ == "__main__":
    main()
