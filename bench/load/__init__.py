"""Members on the websocket: N simulated browser tabs on a thread page, over Reflex's real socket.io protocol.

    taskset -c 1 .venv/bin/python -m bench.load                  # everything: about 10 minutes
    .venv/bin/python -m bench.load --configs app-memory --levels 50 --duration 10   # a quick look
    taskset -c 1 .venv/bin/python -m bench.load --priority -10 --quiet-wait 30 --json run.json   # on a shared machine
    .venv/bin/python -m bench.load --report run1.json run2.json  # one table, each row from the least disturbed run

Each configuration starts a real instance the way tests/live_server.py does (`reflex run --env prod --single-port`,
own data folder, own compiled frontend), pins its whole process tree to one core (`--server-cpu`, default 0) and this
generator to another (`--generator-cpu`, default 1). It seeds members straight into the instance's database
(workspaces of `--workspace-size` members, `--threads-per-workspace` threads of `--posts-per-thread` posts each, one
session row per member whose token goes into the member's cookie), then connects the members as a browser does:
socket.io on /_event over the websocket transport, `?token=` a fresh client token, the session cookie and
`Origin: <instance URL>` headers, and the `hydrate_and_load` boot event (with the compiled frontend's state hashes,
state schema and the member's stored language) in the CONNECT packet, with the router data of /threads/<id>. The
page is open when the state arrives with `is_hydrated` true and the thread found.

The measurement, per configuration:
  1. a few warm-up tabs open and send events, then leave; RSS of the server's process tree with 0 clients;
  2. tabs open up to each level (50, 200, 500) and stay idle; RSS again (and in Redis, the size of each tab's state);
  3. load at each level, largest first (tabs beyond the level leave): a closed loop, one event in flight per tab,
     paced by one global limit (`--rate`, 50 events/s in total). A tab whose turn comes sends `post_reply` with the
     key the server gave it, `load_earlier` (only while the page offers it), opens another thread of its workspace
     as the browser follows a link (`on_load_internal` with the new address; the thread is open when the state
     arrives hydrated with it), or sends `load_new` (`--mix`).
     After a reply the server itself queues `deliver_new` for the thread's other open tabs (nothing the tabs
     send, so not counted against the 50 events/s); the time from the reply's emit to each such delivery is
     reported apart. The round trip is from the emit to the first delta back that carries the app state,
     which every answer to a tab's own event does (the guard clears its messages) and a delivery never does.

The bare reference (bench/bare_app: one state, one handler reading 20 SQLite rows) is served the same way and
loaded the same way, with its one handler as the only event. `--cold-start` also times `make run` to the first 200
on / (PORT and PARTNERSKAP_DATA_DIR set to a free port and a temporary folder).

Each load also records how much of the two cores other programs used (busy time not spent by the server's tree or
this generator), so a disturbed row can be told from a slow server; `--priority` and `--quiet-wait` reduce the
disturbance on a shared machine. Results are printed as markdown tables and written as JSON (`--json`, with the
commit and the app files changed since). Every loop is bounded in count and time; only loopback addresses are used.
Needs aiohttp and psutil (and py-spy for `--profile`): `pip install -r bench/requirements.txt`.

The package: `client` speaks Reflex's protocol as a tab does, `scenarios` starts instances, seeds them and drives the
load, `report` turns the measurements into tables; `python -m bench.load` runs them (`__main__`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
os.environ.setdefault("PARTNERSKAP_SECRET_KEY", "bench-load-secret")
# The generator only reads the settings (the secret key is given, so nothing is written to this folder).
os.environ.setdefault("PARTNERSKAP_DATA_DIR", str(Path(tempfile.gettempdir()) / "partnerskap-load-generator"))
