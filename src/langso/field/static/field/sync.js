// Làng Số field app, part 3 of 5: talking to the server.
//
// Sending starts a second after the signal comes back (the browser's online event), then retries
// with a short back-off (2 s, 5 s, 15 s, 30 s, 60 s); each record goes with its own recorder's key
// only. The worklist download after a send asks for what changed only (delta=1). A key the server
// no longer accepts (revoked: a lost phone, a sign-out elsewhere) wipes what the phone holds for
// that member; what they had not sent is first handed to the server, which holds it for the commune.
"use strict";

(function (ns) {
  const { API, T } = ns;
  const { toast, status, fill } = ns.util;
  const store = ns.store;
  const BATCH_SIZE = 25;
  const BACKOFF_SECONDS = [2, 5, 15, 30, 60];

  const state = { running: false, attempt: 0, timer: null, worklist: null, session: null, listeners: [] };
  ns.state = state;

  function onWorklistChange(listener) {
    state.listeners.push(listener);
  }
  function worklistChanged() {
    for (const listener of state.listeners) listener();
  }

  function authHeaders(session, json) {
    const headers = { Authorization: `Bearer ${session.token}` };
    if (json) headers["Content-Type"] = "application/json";
    return headers;
  }

  function schedule(seconds) {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => sync({ manual: false }), seconds * 1000);
  }
  function retryLater(message) {
    const seconds = BACKOFF_SECONDS[Math.min(state.attempt, BACKOFF_SECONDS.length - 1)];
    state.attempt += 1;
    status(fill(T.retry_in, { message, seconds }), "warn");
    schedule(seconds);
  }

  // --- The key is gone ---------------------------------------------------------------------------
  async function keyRefused(session, heldCount) {
    await store.signOutLocally();
    state.session = null;
    state.worklist = null;
    await store.kv.set("notice", "revoked");
    status(heldCount ? fill(T.revoked_held, { count: heldCount }) : T.revoked, "error");
    worklistChanged();
  }

  // --- Worklist ----------------------------------------------------------------------------------
  function merge(current, fresh) {
    if (!fresh.partial || !current) return fresh;
    const byId = new Map(current.households.map((hh) => [hh.id, hh]));
    for (const hh of fresh.households) byId.set(hh.id, hh);
    for (const id of fresh.removed) byId.delete(id);
    let households = current.households.map((hh) => byId.get(hh.id)).filter(Boolean);
    for (const hh of fresh.households) if (!households.includes(hh)) households.push(hh);
    if (fresh.order.length) {
      const position = new Map(fresh.order.map((id, i) => [id, i]));
      households = households.sort((a, b) => (position.get(a.id) ?? 1e9) - (position.get(b.id) ?? 1e9));
    }
    const merged = { ...current, households, cursor: fresh.cursor, generated_at: fresh.generated_at };
    if (fresh.meta_changed) {
      for (const name of ["villages", "skills", "services", "operators", "technologies", "helpdesk_outcomes", "followup_outcomes", "communes", "rules"]) merged[name] = fresh[name];
    }
    return merged;
  }

  // The cookie changed under the running app (signed out on the website in another tab, or another
  // member connected the phone there): start again from what the cookie says now. A key refused
  // after a sign-out is then never mistaken for a lost phone's, whose records go to the commune.
  function sessionChanged() {
    const now = store.readSession();
    const was = state.session;
    if ((now && now.token) === (was && was.token)) return false;
    location.reload();
    return true;
  }

  async function refreshWorklist() {
    const session = state.session;
    if (!session || !navigator.onLine || sessionChanged()) return false;
    const current = state.worklist;
    const since = current && current.cursor ? `&since=${encodeURIComponent(current.cursor)}` : "";
    let response;
    try {
      response = await fetch(`${API}/worklist?delta=1${since}`, { headers: authHeaders(session), cache: "no-store" });
    } catch (error) {
      return false; // no network: keep what the phone has
    }
    if (response.status === 401) {
      await handOverAndForget(session);
      return true;
    }
    if (!response.ok) return false;
    const fresh = await response.json();
    if (state.session !== session) return false; // signed out meanwhile
    if (fresh.unchanged) {
      if (current) {
        current.cursor = fresh.cursor;
        await store.saveWorklist(session, current);
      }
      return false;
    }
    if (fresh.user_id && fresh.user_id !== session.userId) return false;
    state.worklist = merge(current, fresh);
    await store.saveWorklist(session, state.worklist);
    worklistChanged();
    return true;
  }

  // The key was refused while the member still had records here: send them once more so the server
  // holds them for the commune's officers, then forget everything of this member.
  async function handOverAndForget(session) {
    let held = 0;
    const mine = (await store.outboxAll()).filter((r) => store.isMine(r, session) && r.status === "pending");
    if (mine.length) {
      try {
        const records = await Promise.all(mine.map((row) => store.openRow(session, row)));
        const response = await fetch(`${API}/batch`, {
          method: "POST",
          headers: authHeaders(session, true),
          body: JSON.stringify({ records: records.map((r) => ({ id: r.id, kind: r.kind, data: r.data, recorded_by: session.userId })) }),
        });
        const answer = await response.json();
        for (const item of answer.results || []) {
          if (item.status === "held" || item.status === "stored" || item.status === "duplicate") {
            await store.outboxRows.del(item.id);
            held += 1;
          }
        }
      } catch (error) {
        /* kept, sealed: sent when the member connects this phone again */
      }
    }
    await keyRefused(session, held);
  }

  // --- Receipts and the first version's records --------------------------------------------------
  async function sendReceipts() {
    const receipts = (await store.kv.get("receipts")) || [];
    if (!receipts.length) return;
    try {
      const response = await fetch(`${API}/signout-receipts`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ digests: receipts.slice(0, 20) }),
      });
      if (response.ok) await store.kv.set("receipts", receipts.slice(20));
    } catch (error) {
      /* next contact */
    }
  }

  // Records saved by the first version of the app (no recorder, not sealed) go with the key that
  // version kept; then that key is ended like any other dropped key.
  async function flushLegacy() {
    const token = await store.kv.get("token");
    const legacy = (await store.outboxAll()).filter((r) => !r.v);
    if (token && legacy.length) {
      try {
        const response = await fetch(`${API}/batch`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ records: legacy.slice(0, 100).map((r) => ({ id: r.id, kind: r.kind, data: r.data })) }),
        });
        const answer = await response.json();
        for (const item of answer.results || []) if (item.status !== "rejected") await store.outboxRows.del(item.id);
      } catch (error) {
        return;
      }
    }
    if (token && !(await store.outboxAll()).some((r) => !r.v)) {
      await store.addReceipt(token);
      await store.kv.del("token");
    }
  }

  // --- Sending -----------------------------------------------------------------------------------
  async function sendChunk(session, chunk, tally) {
    const opened = await Promise.all(chunk.map((row) => store.openRow(session, row)));
    const response = await fetch(`${API}/batch`, {
      method: "POST",
      headers: authHeaders(session, true),
      body: JSON.stringify({ records: opened.map((r) => ({ id: r.id, kind: r.kind, data: r.data, recorded_by: session.userId })) }),
    });
    if (response.status === 401) return "refused";
    if (!response.ok) return "server";
    const answer = await response.json();
    for (const item of answer.results) {
      const row = opened.find((r) => r.id === item.id);
      if (!row) continue;
      if (item.status === "rejected") {
        await store.putRecord(session, { ...row, status: "failed", errors: item.errors });
        tally.rejected += 1;
        if (!tally.reason) tally.reason = Object.values(item.errors || {}).flat()[0] || "";
      } else {
        await store.addSent(session, row, item.notes);
        await store.outboxRows.del(row.id);
        tally.sent += 1;
        tally.notes.push(...(item.notes || []));
      }
    }
    return "ok";
  }

  function resultLine(tally) {
    let line = fill(T.sent_result, { sent: tally.sent });
    if (tally.rejected) line += `, ${fill(T.rejected_result, { count: tally.rejected, reason: tally.reason })}`;
    if (tally.notes.length) line += ` ${T.commune_kept_hint}`;
    return line;
  }

  // manual: the member tapped "Gửi ngay" — they are told why nothing happens, if nothing does.
  async function sync({ manual } = { manual: false }) {
    if (state.running) return manual && toast(T.sync_running);
    if (!navigator.onLine) return manual && toast(T.cannot_send_offline);
    state.running = true;
    clearTimeout(state.timer);
    try {
      if (sessionChanged()) return;
      await sendReceipts();
      await flushLegacy();
      const session = state.session;
      if (!session) return manual && toast(T.cannot_send_not_connected);
      const pending = (await store.outboxAll()).filter((r) => store.isMine(r, session) && r.status === "pending");
      if (!pending.length) {
        if (manual) toast(T.nothing_to_send);
      } else {
        const tally = { sent: 0, rejected: 0, reason: "", notes: [] };
        for (let i = 0; i < pending.length; i += BATCH_SIZE) {
          status(fill(T.sending_progress, { done: i, total: pending.length }), "busy");
          let outcome;
          try {
            outcome = await sendChunk(session, pending.slice(i, i + BATCH_SIZE), tally);
          } catch (error) {
            // The connection dropped: maybe the server stored the batch, maybe not. The records stay
            // here; sending them again is safe because the server knows their UUIDs.
            return retryLater(T.error_network);
          }
          if (outcome === "refused") return await handOverAndForget(session);
          if (outcome === "server") return retryLater(T.error_server);
          ns.app.refreshBadge();
        }
        state.attempt = 0;
        status(resultLine(tally), tally.rejected ? "error" : "ok");
      }
      await refreshWorklist();
    } finally {
      state.running = false;
      await ns.app.refreshBadge();
      ns.app.redrawIf("outbox");
    }
  }

  // --- Signing out on the phone --------------------------------------------------------------------
  async function signOut() {
    const session = state.session;
    if (!session) return;
    if (navigator.onLine) await sync({ manual: false });
    if (!state.session) return; // the key was refused while sending: already wiped
    let ended = false;
    if (navigator.onLine) {
      try {
        const response = await fetch(`${API}/signout`, { method: "POST", headers: authHeaders(session) });
        ended = response.ok || response.status === 401;
      } catch (error) {
        ended = false;
      }
    }
    if (!ended) await store.addReceipt(session.token);
    await store.signOutLocally();
    state.session = null;
    state.worklist = null;
    await store.kv.set("notice", "signed_out");
    status(ended ? T.signed_out : T.signed_out_offline, "ok");
    worklistChanged();
  }

  ns.sync = { sync, schedule, refreshWorklist, signOut, onWorklistChange, sendReceipts };
})((self.LangSoField = self.LangSoField || {}));
