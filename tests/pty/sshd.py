"""A real OpenSSH server on 127.0.0.1 for one test: the store-server recipe of
docs/ssh.md in a temporary folder — one account, one key per lane, and each
key's ``command="…"`` drops that lane's login straight into tui-pos with the
lane's terminal name.

``start_sshd`` returns None with the reason when it cannot run here (no sshd
binary, or no privilege-separation folder for root), so the test is skipped
with that reason instead of failing on a machine without OpenSSH.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


@dataclass
class Server:
    port: int
    keys: dict[str, Path]  # lane -> its private key
    user: str
    process: subprocess.Popen

    def ssh_args(self, lane: str) -> list[str]:
        return ["-tt", "-F", "/dev/null", "-i", str(self.keys[lane]), "-p", str(self.port),
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "BatchMode=yes", f"{self.user}@127.0.0.1"]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def why_not() -> str | None:
    if not (os.path.exists(SSHD) and shutil.which("ssh") and shutil.which("ssh-keygen")):
        return "OpenSSH (sshd, ssh, ssh-keygen) is not installed; .ci/run installs it"
    if os.geteuid() == 0 and not os.path.isdir("/run/sshd"):
        try:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        except OSError as exc:
            return f"sshd needs /run/sshd as root: {exc}"
    return None


def keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
                   check=True)


def start_sshd(folder: Path, lanes: dict[str, str]) -> Server:
    """sshd on a free loopback port; ``lanes`` maps a lane's name to the command its
    key runs (``authorized_keys``: ``restrict,pty,command="…"``)."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    keygen(folder / "host_key")
    authorized, keys = [], {}
    for lane, command in lanes.items():
        keys[lane] = folder / f"{lane}_key"
        keygen(keys[lane])
        public = keys[lane].with_suffix(".pub").read_text().strip()
        quoted = command.replace("\\", "\\\\").replace('"', '\\"')
        authorized.append(f'restrict,pty,command="{quoted}" {public}')
    (folder / "authorized_keys").write_text("\n".join(authorized) + "\n")
    os.chmod(folder / "authorized_keys", 0o600)
    user = os.environ.get("USER") or __import__("getpass").getuser()
    port = free_port()
    config = folder / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1",
        f"HostKey {folder / 'host_key'}", f"PidFile {folder / 'sshd.pid'}",
        f"AuthorizedKeysFile {folder / 'authorized_keys'}",
        "PubkeyAuthentication yes", "PasswordAuthentication no",
        "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
        "PermitRootLogin prohibit-password", f"AllowUsers {user}",
        "PermitUserEnvironment no", "X11Forwarding no", "AllowTcpForwarding no",
        "PrintMotd no", "PrintLastLog no", "LogLevel INFO",
        "",
    ]))
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    said = []
    for line in process.stderr:  # wait for sshd to say it listens, not a fixed time
        said.append(line)
        if "Server listening" in line:
            break
    else:
        process.wait()
        raise RuntimeError(f"sshd stopped: {''.join(said)}")
    # keep reading what it logs so its pipe never fills
    threading.Thread(target=process.stderr.read, daemon=True).start()
    return Server(port=port, keys=keys, user=user, process=process)


def tui_pos_command(python: str, database: str, lane: str, no_color: bool = False) -> str:
    """A lane key's command: tui-pos on the shared database under the lane's name
    (``NO_COLOR=1`` first for a lane whose terminal shows no colour)."""
    return ("NO_COLOR=1 " if no_color else "") + (
        f"{shlex.quote(python)} -m tui_pos --db {shlex.quote(database)} "
        f"--terminal {shlex.quote(lane)}")
