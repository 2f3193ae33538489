"""`stretch-coach serve` on gunicorn: one worker process with a pool of threads.

One process, because the phone library's render locks, its background render and the skill's
certificate cache live in memory: a second process would render the same routine twice at once and
fetch every certificate twice. Threads are enough for the skill, whose turns take milliseconds, and
leave the second core to the renders. The app is built inside the worker (not in gunicorn's master
before the fork), so its SQLite connection and render thread belong to the process that serves, and
a worker that dies is replaced by one that starts them again.
"""

from __future__ import annotations

import logging
from typing import Callable

from flask import Flask
from gunicorn.app.base import BaseApplication

THREADS = 8  # concurrent requests: Alexa turns, page loads and long MP3 downloads on 2 cores
TIMEOUT_S = 30  # a worker whose main loop is silent this long is killed and replaced
GRACEFUL_TIMEOUT_S = 10  # on SIGTERM, requests in flight get this long to finish
KEEPALIVE_S = 5  # idle keep-alive connections are closed after this (the HTTPS proxy reconnects)


class Server(BaseApplication):
    """gunicorn running the app that `make_app` builds, on one worker."""

    def __init__(self, make_app: Callable[[], Flask], host: str, port: int):
        self.make_app = make_app
        self.options = {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",  # an IPv6 address goes in brackets
            "workers": 1,
            "worker_class": "gthread",
            "threads": THREADS,
            "timeout": TIMEOUT_S,
            "graceful_timeout": GRACEFUL_TIMEOUT_S,
            "keepalive": KEEPALIVE_S,
            "accesslog": "-",
            # gunicorn's runtime control socket sits at one path per user, so two servers would
            # fight over it; `serve` needs none.
            "control_socket_disable": True,
        }
        super().__init__(prog="stretch-coach serve")

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        # The app's own lines (renders, refused requests) beside gunicorn's, in the same shape.
        logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s",
                            datefmt="%Y-%m-%d %H:%M:%S %z")
        return self.make_app()
