"""A private redis-server for one test, which the test may stop or freeze (never the shared one)."""

import os
import signal
import socket
import subprocess
import time

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self, directory):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.frozen = False
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=self.port, socket_timeout=1).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def freeze(self) -> None:
        """The process stays, accepting connections and never answering (as a hung Redis)."""
        os.kill(self.process.pid, signal.SIGSTOP)
        self.frozen = True

    def stop(self) -> None:
        if self.frozen:
            os.kill(self.process.pid, signal.SIGCONT)
            self.frozen = False
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def use_broker(url: str | None) -> None:
    """Point this process's Celery app at a broker (None: back to eager mode)."""
    from marathon.celery import app

    app.conf.task_always_eager = url is None
    app.conf.broker_url = url or "memory://"
    app._pool = None
    app.amqp._producer_pool = None
