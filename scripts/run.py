"""`make run`'s process supervisor: the web server and the worker, one Ctrl-C stops both cleanly.

- The logins banner (written by `seed_demo` to the file given) is printed last, once the server
  answers /health, so it is not lost among start-up lines.
- The worker prints only warnings and errors; if it exits (a long database lock, a crash) it is
  started again after a pause, and the web server keeps serving (honcho stopped both).
- Ctrl-C stops both and exits 0: the supervisor takes the terminal's foreground so that make,
  which would otherwise get the SIGINT too, ends without "make: *** [run] Interrupt/Error 130".
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PYTHON = sys.executable


class Terminal:
    """Makes this process group the terminal's foreground group for its lifetime."""

    def __enter__(self) -> "Terminal":
        self.fd = None
        try:
            self.fd = os.open("/dev/tty", os.O_RDWR)
            os.setpgid(0, 0)
            self.previous = os.tcgetpgrp(self.fd)
            signal.signal(signal.SIGTTOU, signal.SIG_IGN)
            os.tcsetpgrp(self.fd, os.getpgrp())
        except OSError:  # no terminal (CI, a pipe): nothing to hand back
            self.fd = None
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            try:
                os.tcsetpgrp(self.fd, self.previous)
            except OSError:
                pass
            os.close(self.fd)


def wait_until_serving(url: str, web: subprocess.Popen, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and web.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own URL
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def start(*command: str) -> subprocess.Popen:
    # A process group of its own: Ctrl-C reaches the supervisor only, which stops the children
    # in order (a SIGINT in the middle of their start-up would print tracebacks).
    return subprocess.Popen([PYTHON, "manage.py", *command], process_group=0)  # noqa: S603


def start_worker() -> subprocess.Popen:
    # One worker for both queues on a laptop; production gives "reports" a worker of its own.
    return start("tandem_worker", "--queue-name", "*", "--interval", "1", "--no-reload", "-v", "1")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)  # runserver's reloader has a child
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", default=os.environ.get("TANDEM_PORT", "8000"))
    parser.add_argument("--banner", type=Path, help="text to print once the server answers")
    args = parser.parse_args()
    processes: list[subprocess.Popen] = []
    with Terminal():
        try:
            web = start("runserver", f"127.0.0.1:{args.port}")
            worker = start_worker()
            processes = [web, worker]
            if wait_until_serving(f"http://127.0.0.1:{args.port}/health", web):
                if args.banner and args.banner.exists():
                    print("\n" + args.banner.read_text().strip(), flush=True)
                print(
                    "Mail sent by the demo is written to var/mail/ (one .eml file per message)."
                    "\nPress Ctrl-C to stop.\n",
                    flush=True,
                )
            restarts = 0
            while web.poll() is None:
                time.sleep(0.5)
                if worker.poll() is not None:
                    restarts += 1
                    pause = min(2**restarts, 60)
                    print(
                        f"worker | stopped (exit {worker.returncode}); starting again in {pause} s",
                        file=sys.stderr,
                        flush=True,
                    )
                    time.sleep(pause)
                    worker = start_worker()
                    processes = [web, worker]
            print(f"web server stopped (exit {web.returncode})", file=sys.stderr)
            return web.returncode or 1
        except KeyboardInterrupt:
            print("\nStopping Tandem…", flush=True)
            return 0
        finally:
            stop(processes)


if __name__ == "__main__":
    sys.exit(main())
