"""PostgreSQL, Redis and nginx as child processes on loopback, installed from Debian's packages if missing.

Each service is a small class: ``start()`` launches the process and waits until
it answers, ``stop()`` ends it (and only it), ``kill()`` ends it at once (for
fault tests). The data of PostgreSQL stays in its folder between runs; Redis
keeps nothing on disk (it only holds locks and message ids).
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import IO, List, Optional, Sequence

from tests.ports import free_port  # noqa: F401 - also used by importers of this module

START_TIMEOUT_S = 60.0


def find_binary(binary: str, extra_globs: Sequence[str] = ()) -> Optional[str]:
    """Finds an executable on PATH or in the given glob patterns (newest version last)."""
    path = shutil.which(binary)
    if path:
        return path
    for pattern in extra_globs:
        matches = sorted(glob.glob(pattern))
        if matches:
            return matches[-1]
    return None


def ensure_installed(binary: str, package: str, extra_globs: Sequence[str] = ()) -> str:
    """Returns the path of a binary, installing its Debian package if needed.

    Args:
        binary: Name of the executable, e.g. "redis-server".
        package: Debian package that provides it.
        extra_globs: Where to look besides PATH (e.g. PostgreSQL's versioned folder).

    Returns:
        The absolute path of the binary.

    Raises:
        RuntimeError: When it is missing and cannot be installed here.
    """
    path = find_binary(binary, extra_globs)
    if path:
        return path
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError(f"{binary} is missing; install the Debian package {package}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", package]
    if subprocess.run(install, stdout=subprocess.DEVNULL, env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL, env=env, check=True)
        subprocess.run(install, stdout=subprocess.DEVNULL, env=env, check=True)
    path = find_binary(binary, extra_globs)
    if not path:
        raise RuntimeError(f"installing {package} did not provide {binary}")
    return path


def wait_for_port(port: int, process: subprocess.Popen, name: str,
                  timeout_s: float = START_TIMEOUT_S) -> None:
    """Waits until something accepts connections on a loopback port.

    Raises:
        RuntimeError: The process stopped, or nothing listens within ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped during start-up (exit code {process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on port {port} within {timeout_s:g} s")


class Service:
    """A child process with a log file.

    Args:
        name: For messages and the log file name.
        log_dir: Folder of the log file ``<name>.log`` (appended to).
    """

    def __init__(self, name: str, log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.process: Optional[subprocess.Popen] = None
        self.stop_signal = signal.SIGTERM

    def _spawn(self, command: List[str], **kwargs: object) -> subprocess.Popen:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log: IO[bytes]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True, **kwargs)
        return self.process

    @property
    def pid(self) -> Optional[int]:
        """Process id while running."""
        return self.process.pid if self.process and self.process.poll() is None else None

    def running(self) -> bool:
        """Whether the process runs."""
        return self.pid is not None

    def stop(self, timeout_s: float = 20.0) -> None:
        """Stops the process (its stop signal, then SIGKILL)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(self.stop_signal)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def kill(self) -> None:
        """Ends the process at once (SIGKILL), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Postgres(Service):
    """A PostgreSQL server of its own, on loopback, with password authentication.

    Run as root, the server runs as the ``postgres`` user of the Debian
    package (PostgreSQL refuses to run as root).

    Args:
        data_dir: Its folder (owned by the server's user): the database in
            ``pgdata/`` (created by ``initdb`` on first start) and the socket.
        port: TCP port on 127.0.0.1.
        password: Password of the database user ``rasa``.
        log_dir: Folder of postgres.log.
    """

    USER = "rasa"

    def __init__(self, data_dir: Path, port: int, password: str, log_dir: Path) -> None:
        super().__init__("postgres", log_dir)
        self.data_dir = data_dir
        self.port = port
        self.password = password
        self.stop_signal = signal.SIGINT  # "fast" shutdown
        initdb = ensure_installed("initdb", "postgresql", ["/usr/lib/postgresql/*/bin/initdb"])
        self.bin_dir = Path(initdb).parent

    @property
    def pgdata(self) -> Path:
        """The database folder."""
        return self.data_dir / "pgdata"

    def _as_owner(self) -> dict:
        return {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}

    def init(self) -> None:
        """Creates the data folder with ``initdb`` unless it exists."""
        if (self.pgdata / "PG_VERSION").exists():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.data_dir, 0o700)
        password_file = self.data_dir / "pg-password.tmp"
        password_file.touch(mode=0o600)
        password_file.write_text(self.password + "\n", encoding="utf-8")
        try:
            if os.geteuid() == 0:
                # The server's user must reach its folder (only pass through the parent).
                parent = self.data_dir.parent
                os.chmod(parent, parent.stat().st_mode | 0o111)
                shutil.chown(self.data_dir, "postgres", "postgres")
                shutil.chown(password_file, "postgres", "postgres")
            command = [str(self.bin_dir / "initdb"), "-D", str(self.pgdata), "-U", self.USER,
                       f"--pwfile={password_file}", "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                       "-E", "UTF8", "--locale=C", "--no-instructions"]
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with self.log_path.open("ab") as log:
                subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=True, **self._as_owner())
        finally:
            password_file.unlink(missing_ok=True)

    def start(self) -> Postgres:
        """Starts the server (after ``init``) and waits until it accepts logins."""
        self.init()
        self._spawn([str(self.bin_dir / "postgres"), "-D", str(self.pgdata), "-p", str(self.port),
                     "-k", str(self.data_dir), "-c", "listen_addresses=127.0.0.1",
                     "-c", "max_connections=100"], **self._as_owner())
        self.wait_ready()
        return self

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> None:
        """Waits until a login as ``rasa`` works.

        Raises:
            RuntimeError: The server stopped or did not accept logins in time.
        """
        import psycopg2

        assert self.process is not None
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres stopped during start-up; see {self.log_path}")
            try:
                psycopg2.connect(host="127.0.0.1", port=self.port, user=self.USER, password=self.password,
                                 dbname="postgres", connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"postgres did not accept logins within {timeout_s:g} s") from None
                time.sleep(0.2)


class Redis(Service):
    """A Redis server on loopback with a password and nothing on disk.

    Args:
        work_dir: Folder for its configuration file.
        port: TCP port on 127.0.0.1.
        password: Its ``requirepass``.
        log_dir: Folder of redis.log.
    """

    def __init__(self, work_dir: Path, port: int, password: str, log_dir: Path) -> None:
        super().__init__("redis", log_dir)
        self.work_dir = work_dir
        self.port = port
        self.password = password
        self.binary = ensure_installed("redis-server", "redis-server")

    def start(self) -> Redis:
        """Starts the server and waits until it answers."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        config = self.work_dir / "redis.conf"
        config.touch(mode=0o600)
        config.write_text("\n".join([
            f"port {self.port}", "bind 127.0.0.1", "protected-mode yes", f"requirepass {self.password}",
            'save ""', "appendonly no", f"dir {self.work_dir}", "",
        ]), encoding="utf-8")
        process = self._spawn([self.binary, str(config)])
        wait_for_port(self.port, process, "redis-server")
        return self


class Nginx(Service):
    """nginx in the foreground with a configuration file of its own.

    Args:
        config: Path of the nginx.conf to use.
        prefix: nginx's prefix folder (temporary files, pid file).
        port: The port it listens on (to wait for).
        log_dir: Folder of nginx.log.
    """

    def __init__(self, config: Path, prefix: Path, port: int, log_dir: Path) -> None:
        super().__init__("nginx", log_dir)
        self.config = config
        self.prefix = prefix
        self.port = port
        self.stop_signal = signal.SIGQUIT  # graceful shutdown
        self.binary = ensure_installed("nginx", "nginx", ["/usr/sbin/nginx"])

    def test_config(self) -> None:
        """Runs ``nginx -t`` on the configuration.

        Raises:
            RuntimeError: The configuration is invalid (with nginx's message).
        """
        self.prefix.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([self.binary, "-t", "-q", "-p", str(self.prefix), "-c", str(self.config)],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"nginx configuration invalid: {result.stderr.strip()}")

    def start(self) -> Nginx:
        """Checks the configuration, starts nginx in the foreground and waits for its port."""
        self.test_config()
        command = [self.binary, "-p", str(self.prefix), "-c", str(self.config), "-g", "daemon off;"]
        process = self._spawn(command)
        wait_for_port(self.port, process, "nginx")
        return self
