// Làng Số field app, part 2 of 5: what the phone keeps, and for whom.
//
// The member's key lives only in the `langso_field` cookie the server set when they connected the
// phone (device token + the member's AES-GCM sealing key + their id and name). Everything personal
// kept in IndexedDB is sealed with that key: the worklist, the unsent records, the summaries of
// sent ones. Signing out (here or on the website) removes the cookie, so what is left cannot be read;
// unsent records stay, sealed, labelled only with their recorder's name, until that same member
// connects the phone again and they are sent with that member's own key.
"use strict";

(function (ns) {
  const DB_NAME = "langso-field";
  const DB_VERSION = 2;
  const COOKIE = "langso_field";

  // --- IndexedDB -------------------------------------------------------------------------------
  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, DB_VERSION);
        request.onupgradeneeded = () => {
          const d = request.result;
          if (!d.objectStoreNames.contains("kv")) d.createObjectStore("kv");
          if (!d.objectStoreNames.contains("outbox")) d.createObjectStore("outbox", { keyPath: "id" });
          if (!d.objectStoreNames.contains("sent")) d.createObjectStore("sent", { keyPath: "id" });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return dbPromise;
  }
  function tx(store, mode, work) {
    return db().then(
      (d) =>
        new Promise((resolve, reject) => {
          const t = d.transaction(store, mode);
          let result;
          Promise.resolve(work(t.objectStore(store))).then((r) => (result = r));
          t.oncomplete = () => resolve(result);
          t.onerror = () => reject(t.error);
          t.onabort = () => reject(t.error);
        })
    );
  }
  function req(r) {
    return new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }
  const kv = {
    get: (key) => tx("kv", "readonly", (s) => req(s.get(key))),
    set: (key, value) => tx("kv", "readwrite", (s) => s.put(value, key)),
    del: (key) => tx("kv", "readwrite", (s) => s.delete(key)),
    keys: () => tx("kv", "readonly", (s) => req(s.getAllKeys())),
  };
  const rows = (store) => ({
    all: () => tx(store, "readonly", (s) => req(s.getAll())),
    get: (id) => tx(store, "readonly", (s) => req(s.get(id))),
    put: (row) => tx(store, "readwrite", (s) => s.put(row)),
    del: (id) => tx(store, "readwrite", (s) => s.delete(id)),
  });
  const outboxRows = rows("outbox");
  const sentRows = rows("sent");

  // --- The member's session: the cookie --------------------------------------------------------
  function readSession() {
    const pair = document.cookie.split("; ").find((c) => c.startsWith(`${COOKIE}=`));
    if (!pair) return null;
    try {
      const b64 = pair.slice(COOKIE.length + 1).replace(/-/g, "+").replace(/_/g, "/");
      const text = new TextDecoder().decode(Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0)));
      const data = JSON.parse(text);
      if (!data.t || !data.k || !data.u) return null;
      return { token: data.t, keyBytes: Uint8Array.from(atob(data.k), (c) => c.charCodeAt(0)), userId: String(data.u), name: data.n || "", deviceId: data.d || "" };
    } catch (error) {
      return null;
    }
  }
  function dropSessionCookie() {
    document.cookie = `${COOKIE}=; Max-Age=0; path=/; SameSite=Strict`;
  }

  let keyCache = null;
  async function sealingKey(session) {
    if (keyCache && keyCache.userId === session.userId) return keyCache.key;
    // Not extractable: once imported, the key can seal and open but not be read back.
    const key = await crypto.subtle.importKey("raw", session.keyBytes, "AES-GCM", false, ["encrypt", "decrypt"]);
    keyCache = { userId: session.userId, key };
    return key;
  }
  async function seal(session, value) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await sealingKey(session), new TextEncoder().encode(JSON.stringify(value)));
    return { iv, ct };
  }
  async function unseal(session, box) {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, await sealingKey(session), box.ct);
    return JSON.parse(new TextDecoder().decode(plain));
  }

  // --- Worklist (one per member, sealed) --------------------------------------------------------
  const worklistKey = (session) => `worklist:${session.userId}`;
  async function loadWorklist(session) {
    const box = await kv.get(worklistKey(session));
    if (!box) return null;
    try {
      return await unseal(session, box);
    } catch (error) {
      await kv.del(worklistKey(session));
      return null;
    }
  }
  async function saveWorklist(session, worklist) {
    await kv.set(worklistKey(session), await seal(session, worklist));
  }

  // --- Outbox: one row per record, its content sealed with its recorder's key -------------------
  async function outboxAll() {
    return (await outboxRows.all()).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
  function isMine(row, session) {
    return Boolean(session && row.recorder && row.recorder.id === session.userId);
  }
  async function openRow(session, row) {
    return { ...row, ...(await unseal(session, row.sealed)) };
  }
  async function putRecord(session, { id, kind, data, summary, status, errors, createdAt }) {
    const sealed = await seal(session, { data, summary, errors: errors || null });
    await outboxRows.put({ id, v: 2, kind, status, createdAt, recorder: { id: session.userId, name: session.name }, sealed });
  }

  // --- Sent: the last records the server acknowledged (a summary line, and what the commune kept) --
  const SENT_KEPT = 30;
  async function addSent(session, row, notes) {
    const sealed = await seal(session, { summary: row.summary, notes: notes || [] });
    await sentRows.put({ id: row.id, v: 2, recorder: session.userId, sentAt: new Date().toISOString(), sealed });
  }
  async function sentMine(session) {
    const mine = (await sentRows.all()).filter((r) => r.v === 2 && r.recorder === session.userId).sort((a, b) => b.sentAt.localeCompare(a.sentAt));
    for (const old of mine.slice(SENT_KEPT)) await sentRows.del(old.id);
    const out = [];
    for (const row of mine.slice(0, SENT_KEPT)) {
      try {
        out.push({ ...row, ...(await unseal(session, row.sealed)) });
      } catch (error) {
        await sentRows.del(row.id);
      }
    }
    return out;
  }

  // --- Forgetting -------------------------------------------------------------------------------
  // Everything readable of everyone but `keep` (a session, or null for no one) goes; unsent records
  // stay, sealed. Run at every start, so a phone signed out on the website cleans up on opening.
  async function forgetAllBut(keep) {
    for (const key of await kv.keys()) {
      const k = String(key);
      if (k.startsWith("worklist:") && !(keep && k === worklistKey(keep))) await kv.del(k);
      if (["worklist", "user_name", "revoked"].includes(k)) await kv.del(k); // the first version's
    }
    for (const row of await sentRows.all()) {
      if (!(keep && row.v === 2 && row.recorder === keep.userId)) await sentRows.del(row.id);
    }
  }
  async function signOutLocally() {
    dropSessionCookie();
    keyCache = null;
    await forgetAllBut(null);
  }

  // Keys dropped while offline, by their SHA-256: sent at the next contact so the server ends them.
  async function addReceipt(token) {
    const digest = ns.util.hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
    const receipts = (await kv.get("receipts")) || [];
    if (!receipts.includes(digest)) receipts.push(digest);
    await kv.set("receipts", receipts);
  }

  // Who else has records waiting on this phone, and how many: [{name, count}].
  function othersWaiting(all, session) {
    const byId = new Map();
    for (const row of all) {
      if (isMine(row, session)) continue;
      const who = row.recorder || { id: "?", name: "" };
      const entry = byId.get(who.id) || { name: who.name, count: 0 };
      entry.count += 1;
      byId.set(who.id, entry);
    }
    return [...byId.values()];
  }

  ns.store = {
    kv,
    outboxRows,
    readSession,
    dropSessionCookie,
    seal,
    unseal,
    loadWorklist,
    saveWorklist,
    outboxAll,
    isMine,
    openRow,
    putRecord,
    addSent,
    sentMine,
    sentRows,
    forgetAllBut,
    signOutLocally,
    addReceipt,
    othersWaiting,
  };
})((self.LangSoField = self.LangSoField || {}));
