"""A reply that could not be sent is kept in the browser with its key, so a reload while offline loses nothing."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventChain

from partnerskap.components.document import effect
from partnerskap.state.discussions import ThreadState

_PREFIX = "partnerskap-unsent-"
# Kept on every Send (the server's confirmation may never come) and on typing while the connection is down; the
# page's queue of events dies with a reload, these words do not.
_KEEP = """useEffect(() => {
  const kept = (window.partnerskapUnsent ??= { submitted: new Set(), offered: new Set() });
  const keep = (form, sending) => {
    const body = form && form.querySelector("#reply-body"), key = form && form.elements.key;
    if (!body || !key) return;
    try {
      if (!body.value.trim()) { localStorage.removeItem(%(name)s); return; }
      if (sending) { kept.submitted.add(key.value); }
      localStorage.setItem(%(name)s, JSON.stringify({ key: key.value, body: body.value, who: %(who)s }));
    } catch (error) {}
  };
  const sent = (event) => keep(event.target, true);
  // Online, the server keeps the draft; words kept earlier follow the box, so a box emptied since is not refilled.
  const typed = (event) => {
    if (event.target.id !== "reply-body") return;
    let held = false;
    try { held = localStorage.getItem(%(name)s) !== null; } catch (error) {}
    if (held || !navigator.onLine || document.getElementById("connection-lost")) { keep(event.target.form, false); }
  };
  document.addEventListener("submit", sent, true);
  document.addEventListener("input", typed, true);
  return () => { document.removeEventListener("submit", sent, true); document.removeEventListener("input", typed, true); };
}, [%(thread)s, %(who)s]);"""
# Once the thread has loaded, words kept by an earlier page go back to the server under their own key: it puts
# them in the reply box with a notice, or, if that key was sent after all, says so and the browser forgets them.
_OFFER = """useEffect(() => {
  if (!%(ready)s || !%(thread)s) return;
  const kept = (window.partnerskapUnsent ??= { submitted: new Set(), offered: new Set() });
  let unsent = null;
  try { unsent = JSON.parse(localStorage.getItem(%(name)s) || "null"); } catch (error) {}
  if (!unsent || unsent.who !== %(who)s || unsent.key === %(key)s || kept.submitted.has(unsent.key) || kept.offered.has(unsent.key)) return;
  kept.offered.add(unsent.key);
  unsent.thread = %(thread)s;
  (%(restore)s)();
}, [%(ready)s, %(thread)s, %(who)s]);"""
_FORGET = """useEffect(() => {
  try {
    const unsent = JSON.parse(localStorage.getItem(%(name)s) || "null");
    if (unsent && unsent.key === %(sent)s) { localStorage.removeItem(%(name)s); }
  } catch (error) {}
}, [%(sent)s, %(thread)s]);"""


class UnsentReply(rx.Fragment):
    """Renders nothing; keeps, offers back and forgets the thread's unsent reply."""

    def add_hooks(self) -> list[str | rx.Var]:
        """Three React effects on the thread's state."""
        thread, key, sent = ThreadState.thread_id, ThreadState.reply_key, ThreadState.sent_key
        ready = ThreadState.is_hydrated & ThreadState.found
        restore = rx.Var.create(EventChain(events=[ThreadState.save_draft(rx.Var("unsent.body"), rx.Var("unsent.key"), rx.Var("unsent.thread"))], args_spec=lambda: []))
        who = ThreadState.viewer_name  # words kept on a shared device go back to the member who wrote them only
        names = {"name": f"{_PREFIX!r} + {thread!s}", "thread": str(thread), "key": str(key), "sent": str(sent), "ready": str(ready), "restore": str(restore), "who": str(who)}
        return [
            effect(_KEEP % names, thread, who),
            effect(_OFFER % names, thread, key, ready, restore, who),
            effect(_FORGET % names, thread, sent),
        ]


unsent_reply = UnsentReply.create
