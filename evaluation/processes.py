"""Local server processes for the tests and the benchmarks: a free port, a graceful stop, the process table."""
import socket
import subprocess
from pathlib import Path


def free_port():
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process):
    """SIGTERM (gunicorn's graceful shutdown), then SIGKILL after 20 s."""
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def process_table():
    """{pid: (parent pid, CPU clock ticks used so far, user + system)} of every process, from /proc."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return table
