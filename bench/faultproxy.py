"""A TCP proxy that can fail on command: the faults of bench/faults.py without
stopping PostgreSQL, Redis or a mail server.

Modes (switch at any time with ``proxy.mode = ...``):

- ``pass``: forwards both ways.
- ``refuse``: the port is closed (a connection attempt is refused) and every open
  connection is reset, as when the server is down.
- ``hang``: new connections are accepted and never answered, and open ones stop
  forwarding (what was sent waits in the buffers), as when the server or the
  network freezes. Back to ``pass``, everything waiting goes on.

In a script::

    proxy = FaultProxy(("127.0.0.1", 5432)).start()   # proxy.port: where to connect
    proxy.mode = "hang"

By hand (modes read from stdin, one per line)::

    .venv/bin/python bench/faultproxy.py 6380 127.0.0.1:6379
"""

import contextlib
import select
import socket
import struct
import sys
import threading
import time

MODES = ("pass", "refuse", "hang")
TICK = 0.05  # seconds between looks at the mode while waiting


def _reset(sock: socket.socket | None) -> None:
    """Close with a reset (RST), as a crashed server's kernel does."""
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class FaultProxy:
    def __init__(self, upstream: tuple[str, int], port: int = 0, name: str = "proxy"):
        self.upstream = upstream
        self.name = name
        self.mode = "pass"
        self.accepted = 0  # connections accepted, all modes
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self.port = port

    # The listener ------------------------------------------------------------

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.settimeout(TICK)
        self.port = listener.getsockname()[1]
        self._listener = listener

    def start(self) -> "FaultProxy":
        self._listen()
        threading.Thread(target=self._accept_loop, name=self.name, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            if self.mode == "refuse":
                if self._listener is not None:
                    self._listener.close()  # connection attempts are refused now
                    self._listener = None
                time.sleep(TICK)
                continue
            if self._listener is None:
                try:
                    self._listen()
                except OSError:  # the port is not free again yet
                    time.sleep(TICK)
                    continue
            assert self._listener is not None
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                continue
            self.accepted += 1
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()
        if self._listener is not None:
            self._listener.close()

    # One connection ----------------------------------------------------------

    def _relay(self, client: socket.socket) -> None:
        server: socket.socket | None = None
        try:
            while not self._stop.is_set():
                mode = self.mode
                if mode == "refuse":
                    _reset(client)
                    _reset(server)
                    return
                if mode == "hang":
                    time.sleep(TICK)  # read nothing, answer nothing
                    continue
                if server is None:
                    try:
                        server = socket.create_connection(self.upstream, timeout=5)
                    except OSError:
                        _reset(client)
                        return
                readable, _, _ = select.select([client, server], [], [], TICK)
                for source in readable:
                    target = server if source is client else client
                    try:
                        data = source.recv(65536)
                    except OSError:
                        data = b""
                    if not data:
                        return
                    if self.mode != "pass":  # switched while we read: hold it
                        self._hold(data, target)
                        if self.mode == "refuse":
                            return
                        continue
                    target.sendall(data)
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                client.close()
            if server is not None:
                with contextlib.suppress(OSError):
                    server.close()

    def _hold(self, data: bytes, target: socket.socket) -> None:
        """Data read just as the mode changed: sent on once it is ``pass`` again."""
        while self.mode == "hang" and not self._stop.is_set():
            time.sleep(TICK)
        if self.mode == "pass":
            target.sendall(data)


def main() -> None:
    listen, upstream = int(sys.argv[1]), sys.argv[2]
    host, _, port = upstream.rpartition(":")
    proxy = FaultProxy((host, int(port)), listen).start()
    print(f"127.0.0.1:{proxy.port} -> {upstream}; type one of {', '.join(MODES)}", flush=True)
    for line in sys.stdin:
        mode = line.strip()
        if mode in MODES:
            proxy.mode = mode
            print(f"mode: {mode}", flush=True)


if __name__ == "__main__":
    main()
