"""SQL over the Burnrate warehouse from a notebook, answered as pandas DataFrames.

In a notebook::

    %load_ext burnrate_sql

    %%burnrate_sql idle
    SELECT cluster, SUM(cost) AS idle_usd FROM workload_windows WHERE kind = 'idle' GROUP BY cluster

runs the cell's SQL (one statement, Flink SQL; tables of the ``burnrate`` namespace named bare),
shows the answer and keeps it as the DataFrame ``idle``. From Python: ``sql("SELECT ...")``.

The SQL runs in ``./burnrate sql --statements -``: one JVM for the whole notebook, started at the
first query, answering one statement after the other (one JSON line each). Environment:

``BURNRATE_SQL_CMD``
    the command that runs ``burnrate sql`` (default: ``<repository>/burnrate sql``); e.g.
    ``java -cp ... io.burnrate.tools.cli.BurnrateCli sql``
``BURNRATE_WAREHOUSE``
    the warehouse folder (default: ``<repository>/burnrate-demo/warehouse``, what
    ``./burnrate demo`` writes)
``BURNRATE_CONFIG``
    instead of a folder: a job configuration (YAML) whose ``iceberg.*`` keys name the catalog
    (JDBC, REST, S3; docs/deployment.md)
"""

import atexit
import collections
import json
import os
import re
import shlex
import subprocess
import threading

import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?$")


class BurnrateSqlError(RuntimeError):
    """A statement failed, or ``burnrate sql`` could not start or ended."""


class Session:
    """One ``burnrate sql --statements -`` process answering statement after statement."""

    def __init__(self, command=None, warehouse=None, config=None):
        command = command or os.environ.get("BURNRATE_SQL_CMD")
        cmd = shlex.split(command) if command else [os.path.join(ROOT, "burnrate"), "sql"]
        config = config or os.environ.get("BURNRATE_CONFIG")
        if config:
            cmd += ["--config", config]
        else:
            warehouse = warehouse or os.environ.get("BURNRATE_WAREHOUSE")
            cmd += ["--warehouse", warehouse or os.path.join(ROOT, "burnrate-demo", "warehouse")]
        cmd += ["--statements", "-"]
        self._statements = 0
        self._stderr = collections.deque(maxlen=20)
        self._proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        # drained all the time, so that a chatty JVM never blocks on a full pipe
        self._drain = threading.Thread(target=self._drain_stderr, daemon=True)
        self._drain.start()

    def _drain_stderr(self):
        for line in self._proc.stderr:
            self._stderr.append(line.rstrip("\n"))

    def query(self, statement):
        """Runs one SQL statement; returns its answer as a DataFrame."""
        text = statement.strip().rstrip(";").strip()
        if not text:
            raise ValueError("no SQL statement")
        if any(line.rstrip().endswith(";") for line in text.splitlines()):
            raise ValueError("one statement at a time: a line ends with ';' inside it")
        if self._proc.poll() is not None:
            raise BurnrateSqlError(self._ended())
        self._statements += 1
        try:
            self._proc.stdin.write(text + "\n;\n")
            self._proc.stdin.flush()
        except BrokenPipeError:
            raise BurnrateSqlError(self._ended()) from None
        while True:
            line = self._proc.stdout.readline()
            if not line:
                raise BurnrateSqlError(self._ended())
            if not line.startswith("{"):
                continue  # not an answer (a library writing to standard output)
            answer = json.loads(line)
            if answer.get("statement") == self._statements:
                break
        if "error" in answer:
            lines = answer["error"].splitlines()
            # a parser error lists every token it expected: the first few say enough
            raise BurnrateSqlError("\n".join(lines[:8] + (["..."] if len(lines) > 8 else [])))
        return _frame(answer["columns"], answer["rows"])

    def _ended(self):
        try:
            code = self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        self._drain.join(timeout=5)  # its last words
        return "burnrate sql ended (exit code %s): %s" % (code, "\n".join(self._stderr))

    def close(self):
        if self._proc.poll() is None:
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()


def _frame(columns, rows):
    df = pd.DataFrame([[r.get(c) for c in columns] for r in rows], columns=columns)
    for c in columns:
        values = df[c].dropna()
        if (
            df[c].dtype == object
            and len(values) > 0
            and all(isinstance(v, str) and _TIMESTAMP.match(v) for v in values)
        ):
            df[c] = pd.to_datetime(df[c], utc=values.iloc[0].endswith("Z"))
    return df


_session = None


def sql(statement):
    """Runs one SQL statement over the warehouse; returns its answer as a DataFrame."""
    global _session
    if _session is None:
        _session = Session()
        atexit.register(_session.close)
    return _session.query(statement)


def _burnrate_sql(line, cell):
    df = sql(cell)
    name = line.strip()
    if name:
        if not name.isidentifier():
            raise ValueError("%%burnrate_sql NAME: not a Python name: " + name)
        _shell.user_ns[name] = df
    return df


_shell = None


def load_ipython_extension(ipython):
    """``%load_ext burnrate_sql``: the cell magic ``%%burnrate_sql [NAME]``."""
    global _shell
    _shell = ipython
    ipython.register_magic_function(_burnrate_sql, "cell", "burnrate_sql")
    pd.set_option("display.max_rows", 30)
    pd.set_option("display.width", 160)
