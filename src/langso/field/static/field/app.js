// Làng Số field app: a team member's worklist, visits, weak-signal reports and help-desk sessions,
// recorded with or without network. Records wait in IndexedDB ("outbox") until the server has
// acknowledged them; each carries a UUID made here, so sending it twice never stores it twice.
"use strict";

(function () {
  const body = document.body;
  const API = body.dataset.api;
  const T = JSON.parse(document.getElementById("field-strings").textContent);
  const app = document.getElementById("app");
  const BATCH_SIZE = 25;
  const SENT_KEPT = 30;

  // --- IndexedDB -------------------------------------------------------------------------------
  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open("langso-field", 1);
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
  };
  const outbox = {
    all: () => tx("outbox", "readonly", (s) => req(s.getAll())).then((rows) => rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt))),
    put: (row) => tx("outbox", "readwrite", (s) => s.put(row)),
    del: (id) => tx("outbox", "readwrite", (s) => s.delete(id)),
  };
  const sent = {
    all: () => tx("sent", "readonly", (s) => req(s.getAll())).then((rows) => rows.sort((a, b) => b.sentAt.localeCompare(a.sentAt))),
    put: (row) => tx("sent", "readwrite", (s) => s.put(row)),
    del: (id) => tx("sent", "readwrite", (s) => s.delete(id)),
  };

  // --- Small DOM helpers (text only: nothing from data is ever parsed as HTML) ---------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "className") el.className = v;
      else if (v === true) el.setAttribute(k, "");
      else el.setAttribute(k, String(v));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }
  function show(...nodes) {
    // Screens pass null for a part they leave out; replaceChildren would print it as the text "null".
    app.replaceChildren(...nodes.filter((node) => node !== null && node !== undefined && node !== false));
    app.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  function toast(message) {
    const el = document.getElementById("toast");
    el.textContent = message;
    el.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (el.hidden = true), 4000);
  }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const x = [...b].map((n) => n.toString(16).padStart(2, "0")).join("");
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }
  function today() {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }
  function vnDate(iso) {
    if (!iso) return "";
    const [y, m, d] = iso.slice(0, 10).split("-");
    return `${d}/${m}/${y}`;
  }
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function select(name, options, value, attrs) {
    return h(
      "select",
      { name, id: attrs && attrs.id, required: attrs && attrs.required },
      h("option", { value: "" }, T.choose),
      options.map((o) => h("option", { value: o.code, selected: o.code === value }, o.label))
    );
  }
  function field(label, control, id) {
    if (id) control.id = id;
    return h("div", { className: "field" }, h("label", { for: control.id }, label), control);
  }

  // A phone photo is several MB; the server takes at most 300 KB. Shrink to 800 px, JPEG quality 0.6.
  async function shrinkPhoto(file) {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 800 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    let quality = 0.6;
    let blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
    while (blob.size > 280 * 1024 && quality > 0.2) {
      quality -= 0.15;
      blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
    }
    const dataUrl = await new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
    return String(dataUrl).split(",", 2)[1];
  }

  // --- State -----------------------------------------------------------------------------------
  let worklist = null;
  let syncing = false;

  async function token() {
    return kv.get("token");
  }

  async function refreshOutboxCount() {
    const rows = await outbox.all();
    const badge = document.getElementById("outbox-count");
    badge.textContent = rows.length ? String(rows.length) : "";
    return rows;
  }

  function setNetworkStatus() {
    const el = document.getElementById("net");
    el.textContent = navigator.onLine ? T.online : T.offline;
    el.className = navigator.onLine ? "net on" : "net off";
  }

  async function loadWorklist({ fromNetwork }) {
    worklist = (await kv.get("worklist")) || null;
    if (!fromNetwork || !navigator.onLine) return worklist;
    const t = await token();
    if (!t) return worklist;
    try {
      // The server's change sequence decides whether anything changed since the last download.
      const since = worklist ? `?since=${encodeURIComponent(worklist.cursor || "")}` : "";
      const response = await fetch(`${API}/worklist${since}`, { headers: { Authorization: `Bearer ${t}` }, cache: "no-store" });
      if (response.status === 401) {
        await kv.set("revoked", true);
        return worklist;
      }
      if (response.ok) {
        const fresh = await response.json();
        if (fresh.unchanged && worklist) {
          worklist.cursor = fresh.cursor;
          worklist.generated_at = fresh.generated_at;
        } else {
          worklist = fresh;
        }
        await kv.set("worklist", worklist);
      }
    } catch (error) {
      /* no network: keep what the phone has */
    }
    return worklist;
  }

  // --- Sync ------------------------------------------------------------------------------------
  async function sync() {
    if (syncing || !navigator.onLine) return;
    const t = await token();
    if (!t) return;
    syncing = true;
    try {
      let pending = (await outbox.all()).filter((r) => r.status === "pending");
      while (pending.length) {
        const chunk = pending.slice(0, BATCH_SIZE);
        let response;
        try {
          response = await fetch(`${API}/batch`, {
            method: "POST",
            headers: { Authorization: `Bearer ${t}`, "Content-Type": "application/json" },
            body: JSON.stringify({ records: chunk.map((r) => ({ id: r.id, kind: r.kind, data: r.data })) }),
          });
        } catch (error) {
          // The connection dropped: maybe the server stored the batch, maybe not. The records stay
          // here; sending them again is safe because the server knows their UUIDs.
          toast(T.error_network);
          return;
        }
        if (response.status === 401) {
          await kv.set("revoked", true);
          return;
        }
        if (!response.ok) {
          toast(T.error_server);
          return;
        }
        const result = await response.json();
        for (const item of result.results) {
          const row = chunk.find((r) => r.id === item.id);
          if (!row) continue;
          if (item.status === "rejected") {
            row.status = "failed";
            row.errors = item.errors;
            await outbox.put(row);
          } else {
            await sent.put({ id: row.id, kind: row.kind, summary: row.summary, sentAt: new Date().toISOString() });
            await outbox.del(row.id);
          }
        }
        pending = (await outbox.all()).filter((r) => r.status === "pending");
      }
      const kept = await sent.all();
      for (const old of kept.slice(SENT_KEPT)) await sent.del(old.id);
      await loadWorklist({ fromNetwork: true });
    } finally {
      syncing = false;
      await refreshOutboxCount();
      if (location.hash === "#outbox") route();
    }
  }

  async function enqueue(kind, data, summary) {
    const row = { id: uuid(), kind, data, summary, status: "pending", errors: null, createdAt: new Date().toISOString() };
    await outbox.put(row);
    await refreshOutboxCount();
    toast(T.saved_offline);
    sync();
    return row;
  }

  // --- Screens ---------------------------------------------------------------------------------
  function notConnected() {
    show(
      h("h1", {}, T.app_title),
      h("p", {}, T.not_connected),
      h("a", { className: "btn", href: body.dataset.connect }, T.connect),
      privacyNote()
    );
  }

  function privacyNote() {
    return h("details", { className: "privacy" }, h("summary", {}, T.privacy_title), h("p", {}, T.privacy_text));
  }

  function householdCard(hh) {
    return h(
      "li",
      { className: "card" },
      h(
        "a",
        { href: `#visit/${hh.id}`, className: "card-link" },
        h("strong", {}, `${hh.code} · ${hh.head_name || ""}`),
        h("span", { className: "muted" }, ` ${hh.village} · ${hh.people.length} ${T.members_count}`),
        h("span", { className: "reasons" }, hh.reason_labels.map((r) => h("span", { className: "chip" }, r))),
        h(
          "span",
          { className: "muted small" },
          `${T.last_visit}: ${hh.last_visit ? vnDate(hh.last_visit) : T.never}`,
          hh.follow_up_on ? ` · ${T.follow_up}: ${vnDate(hh.follow_up_on)}` : ""
        )
      )
    );
  }

  async function screenWorklist() {
    const revoked = await kv.get("revoked");
    if (!worklist) {
      if (!(await token()) || revoked) return notConnected();
    }
    const list = h("ul", { className: "cards", id: "worklist" });
    const search = h("input", { type: "search", placeholder: T.search, "aria-label": T.search });
    const render = () => {
      const q = fold(search.value.trim());
      const rows = (worklist ? worklist.households : []).filter(
        (hh) => !q || fold(`${hh.code} ${hh.head_name} ${hh.people.map((p) => p.name).join(" ")}`).includes(q)
      );
      list.replaceChildren(...(rows.length ? rows.map(householdCard) : [h("li", { className: "muted" }, T.no_households)]));
    };
    search.addEventListener("input", render);
    render();
    show(
      revoked ? h("p", { className: "msg msg-error" }, T.revoked, " ", h("a", { href: body.dataset.connect }, T.connect)) : null,
      h("h1", {}, T.worklist),
      worklist ? h("p", { className: "muted small" }, `${T.loaded_at} ${new Date(worklist.generated_at).toLocaleString()}`) : null,
      h("div", { className: "row" }, search, h("button", { type: "button", className: "btn btn-secondary", onclick: () => loadWorklist({ fromNetwork: true }).then(route) }, T.refresh)),
      list,
      privacyNote()
    );
  }

  function skillRows(container, people, skills) {
    const add = (preset) => {
      const row = h(
        "div",
        { className: "line" },
        select("person", people.map((p) => ({ code: p.id, label: p.name })), preset || (people[0] && people[0].id)),
        select("skill", skills, ""),
        select("level", [1, 2, 3, 4].map((n) => ({ code: String(n), label: T[`level_${n}`] })), "2"),
        h("button", { type: "button", className: "link", onclick: () => row.remove(), "aria-label": T.remove }, "✕")
      );
      row.querySelectorAll("select").forEach((s, i) => s.setAttribute("aria-label", [T.person, T.skill, T.level][i]));
      container.append(row);
    };
    return add;
  }

  function serviceRows(container, people, services) {
    return () => {
      const row = h(
        "div",
        { className: "line" },
        select("person", people.map((p) => ({ code: p.id, label: p.name })), people[0] && people[0].id),
        select("service", services, ""),
        h("button", { type: "button", className: "link", onclick: () => row.remove(), "aria-label": T.remove }, "✕")
      );
      row.querySelectorAll("select").forEach((s, i) => s.setAttribute("aria-label", [T.person, T.service][i]));
      container.append(row);
    };
  }

  function screenVisit(householdId) {
    const hh = worklist && worklist.households.find((x) => x.id === householdId);
    if (!hh) return screenWorklist();
    const skillsBox = h("div", { className: "lines" });
    const servicesBox = h("div", { className: "lines" });
    const addSkill = skillRows(skillsBox, hh.people, worklist.skills);
    const addService = serviceRows(servicesBox, hh.people, worklist.services);
    const problem = (name) => h("label", { className: "check" }, h("input", { type: "checkbox", name }), T[name]);
    const form = h(
      "form",
      { className: "form", id: "visit-form", novalidate: true },
      h("p", { className: "note" }, T.never_store_secrets),
      field(T.visited_on, h("input", { type: "date", name: "visited_on", value: today(), max: today(), required: true }), "visited_on"),
      h(
        "fieldset",
        {},
        h("legend", {}, T.people_present),
        hh.people.map((p) =>
          h("label", { className: "check" }, h("input", { type: "checkbox", name: "present", value: p.id, checked: true }), `${p.name}${p.birth_year ? ` (${p.birth_year})` : ""}`)
        )
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, T.facts),
        hh.people.map((p) =>
          h("label", { className: "check" }, h("input", { type: "checkbox", name: "smartphone", value: p.id, checked: p.owns_smartphone }), `${p.name}: ${T.owns_smartphone}`)
        ),
        field(T.address, h("input", { name: "address", value: hh.address || "", maxlength: 200 }), "address")
      ),
      h("fieldset", {}, h("legend", {}, T.skills_taught), skillsBox, h("button", { type: "button", className: "btn btn-secondary", id: "add-skill", onclick: () => addSkill() }, T.add_skill)),
      h("fieldset", {}, h("legend", {}, T.services_done), servicesBox, h("button", { type: "button", className: "btn btn-secondary", onclick: () => addService() }, T.add_service)),
      h("fieldset", {}, h("legend", {}, T.problems), ["no_signal", "broken_phone", "no_phone", "scam"].map(problem)),
      field(T.notes, h("textarea", { name: "notes", rows: 2, maxlength: 2000 }), "notes"),
      field(T.follow_up_on, h("input", { type: "date", name: "follow_up_on", min: today() }), "follow_up_on"),
      field(T.photo, h("input", { type: "file", name: "photo", accept: "image/*", capture: "environment" }), "photo"),
      h("div", { className: "actions" }, h("button", { type: "submit", className: "btn" }, T.save), h("a", { href: "#", className: "btn btn-secondary" }, T.cancel))
    );
    addSkill();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const f = new FormData(form);
      if (!f.get("visited_on")) return toast(T.required);
      const skills = [...skillsBox.children]
        .map((row) => ({ resident_id: row.querySelector("[name=person]").value, skill_code: row.querySelector("[name=skill]").value, level: Number(row.querySelector("[name=level]").value) }))
        .filter((s) => s.resident_id && s.skill_code && s.level);
      const services = [...servicesBox.children]
        .map((row) => ({ resident_id: row.querySelector("[name=person]").value || null, service: row.querySelector("[name=service]").value }))
        .filter((s) => s.service);
      // Corrections are sent with the value the phone showed, so the server can tell a real conflict.
      const owners = new Set(f.getAll("smartphone"));
      const updates = hh.people
        .filter((p) => owners.has(p.id) !== p.owns_smartphone)
        .map((p) => ({ target: "resident", id: p.id, field: "owns_smartphone", before: p.owns_smartphone, after: owners.has(p.id) }));
      const address = String(f.get("address") || "").trim();
      if (address !== (hh.address || "")) updates.push({ target: "household", id: hh.id, field: "address", before: hh.address || "", after: address });
      const data = {
        updates,
        household_id: hh.id,
        visited_on: f.get("visited_on"),
        present: f.getAll("present"),
        skills,
        services,
        no_signal: f.has("no_signal"),
        broken_phone: f.has("broken_phone"),
        no_phone: f.has("no_phone"),
        scam: f.has("scam"),
        notes: (f.get("notes") || "").trim(),
        follow_up_on: f.get("follow_up_on") || null,
      };
      const file = form.querySelector("[name=photo]").files[0];
      if (file) {
        try {
          data.photo = await shrinkPhoto(file);
        } catch (error) {
          return toast(T.photo_failed);
        }
      }
      await enqueue("visit", data, `${T.kind_visit}: ${hh.code} · ${hh.head_name} · ${vnDate(data.visited_on)}`);
      location.hash = "";
    });
    show(h("h1", {}, T.record_visit), h("p", {}, h("strong", {}, `${hh.code} · ${hh.head_name}`), ` · ${hh.village}`), h("p", { className: "reasons" }, hh.reason_labels.map((r) => h("span", { className: "chip" }, r))), form);
  }

  function screenSignal() {
    if (!worklist) return screenWorklist();
    const gps = { latitude: null, longitude: null };
    const gpsStatus = h("span", { className: "muted small", role: "status" });
    const form = h(
      "form",
      { className: "form", id: "signal-form", novalidate: true },
      field(T.village, select("village_id", worklist.villages.map((v) => ({ code: v.id, label: v.name })), worklist.villages.length === 1 ? worklist.villages[0].id : "", { required: true }), "village_id"),
      field(T.description, h("input", { name: "description", maxlength: 300, required: true }), "description"),
      field(T.operator, select("operator", worklist.operators, "", { required: true }), "operator"),
      field(T.technology, select("technology", worklist.technologies, "4g", { required: true }), "technology"),
      field(T.households_affected, h("input", { type: "number", name: "households_affected", min: 0, max: 10000, value: 0, inputmode: "numeric" }), "households_affected"),
      h(
        "p",
        {},
        h(
          "button",
          {
            type: "button",
            className: "btn btn-secondary",
            onclick: () =>
              navigator.geolocation
                ? navigator.geolocation.getCurrentPosition(
                    (pos) => {
                      gps.latitude = Number(pos.coords.latitude.toFixed(5));
                      gps.longitude = Number(pos.coords.longitude.toFixed(5));
                      gpsStatus.textContent = `${T.gps_ok}: ${gps.latitude}, ${gps.longitude}`;
                    },
                    () => (gpsStatus.textContent = T.gps_failed),
                    { timeout: 15000, maximumAge: 60000 }
                  )
                : (gpsStatus.textContent = T.gps_failed),
          },
          T.get_gps
        ),
        " ",
        gpsStatus
      ),
      h("div", { className: "actions" }, h("button", { type: "submit", className: "btn" }, T.save), h("a", { href: "#", className: "btn btn-secondary" }, T.cancel))
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const f = new FormData(form);
      for (const name of ["village_id", "description", "operator", "technology"]) {
        if (!String(f.get(name) || "").trim()) {
          form.querySelector(`[name=${name}]`).focus();
          return toast(T.required);
        }
      }
      const data = {
        village_id: f.get("village_id"),
        description: f.get("description").trim(),
        operator: f.get("operator"),
        technology: f.get("technology"),
        reported_on: today(),
        households_affected: Number(f.get("households_affected") || 0),
        latitude: gps.latitude,
        longitude: gps.longitude,
      };
      const village = worklist.villages.find((v) => v.id === data.village_id);
      await enqueue("signal", data, `${T.kind_signal}: ${village ? village.name : ""} · ${data.description}`);
      location.hash = "";
    });
    show(h("h1", {}, T.signal), form);
  }

  function screenHelpdesk() {
    if (!worklist) return screenWorklist();
    const people = worklist.households.flatMap((hh) => hh.people.map((p) => ({ code: p.id, label: `${p.name} (${hh.code})` })));
    const form = h(
      "form",
      { className: "form", id: "helpdesk-form", novalidate: true },
      field(T.commune, select("commune_code", worklist.communes.map((c) => ({ code: String(c.code), label: c.name })), worklist.communes.length === 1 ? String(worklist.communes[0].code) : "", { required: true }), "commune_code"),
      field(T.resident_or_walk_in, select("resident_id", people, ""), "resident_id"),
      field(T.walk_in_name, h("input", { name: "walk_in_name", maxlength: 100 }), "walk_in_name"),
      field(T.birth_year, h("input", { type: "number", name: "walk_in_birth_year", min: 1900, max: new Date().getFullYear(), inputmode: "numeric" }), "walk_in_birth_year"),
      field(T.procedure, select("procedure", worklist.services, "", { required: true }), "procedure"),
      field(T.outcome, select("outcome", worklist.helpdesk_outcomes, "done", { required: true }), "outcome"),
      field(T.minutes, h("input", { type: "number", name: "minutes", min: 1, max: 480, value: 15, inputmode: "numeric", required: true }), "minutes"),
      field(T.helped_on, h("input", { type: "date", name: "helped_on", value: today(), max: today(), required: true }), "helped_on"),
      h("div", { className: "actions" }, h("button", { type: "submit", className: "btn" }, T.save), h("a", { href: "#", className: "btn btn-secondary" }, T.cancel))
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const f = new FormData(form);
      if (!f.get("commune_code") || !f.get("procedure") || !(f.get("resident_id") || String(f.get("walk_in_name")).trim())) return toast(T.required);
      const data = {
        commune_code: Number(f.get("commune_code")),
        helped_on: f.get("helped_on"),
        procedure: f.get("procedure"),
        outcome: f.get("outcome"),
        minutes: Number(f.get("minutes")),
        resident_id: f.get("resident_id") || null,
        walk_in_name: f.get("resident_id") ? "" : String(f.get("walk_in_name")).trim(),
        walk_in_birth_year: f.get("walk_in_birth_year") ? Number(f.get("walk_in_birth_year")) : null,
      };
      const procedure = worklist.services.find((s) => s.code === data.procedure);
      await enqueue("helpdesk", data, `${T.kind_helpdesk}: ${procedure ? procedure.label : ""} · ${vnDate(data.helped_on)}`);
      location.hash = "";
    });
    show(h("h1", {}, T.helpdesk), form);
  }

  function errorList(errors) {
    return h("ul", { className: "errors" }, Object.entries(errors || {}).flatMap(([, messages]) => messages.map((m) => h("li", {}, m))));
  }

  async function screenOutbox() {
    const rows = await refreshOutboxCount();
    const recent = await sent.all();
    const item = (row) =>
      h(
        "li",
        { className: `card ${row.status}` },
        h("strong", {}, row.summary),
        h("span", { className: "muted small" }, ` · ${row.status === "failed" ? T.failed : T.waiting}`),
        row.status === "failed"
          ? h(
              "div",
              {},
              errorList(row.errors),
              h(
                "button",
                {
                  type: "button",
                  className: "link",
                  onclick: async () => {
                    if (confirm(T.confirm_discard)) {
                      await outbox.del(row.id);
                      route();
                    }
                  },
                },
                T.discard
              )
            )
          : null
      );
    show(
      h("h1", {}, T.outbox),
      h("button", { type: "button", className: "btn", id: "send-now", disabled: !rows.length, onclick: () => sync() }, T.send_now),
      rows.length ? h("ul", { className: "cards", id: "outbox-list" }, rows.map(item)) : h("p", { className: "muted" }, T.nothing_waiting),
      recent.length ? h("h2", {}, T.recently_sent) : null,
      recent.length ? h("ul", { className: "cards sent" }, recent.map((r) => h("li", { className: "card" }, `✔ ${r.summary}`))) : null,
      h(
        "p",
        {},
        h(
          "button",
          {
            type: "button",
            className: "link",
            onclick: async () => {
              if ((await outbox.all()).length) return toast(T.disconnect_blocked);
              if (!confirm(T.confirm_disconnect)) return;
              await kv.del("token");
              await kv.del("worklist");
              worklist = null;
              location.hash = "";
              route();
            },
          },
          T.disconnect
        )
      )
    );
  }

  function route() {
    const hash = location.hash.replace(/^#/, "");
    if (hash.startsWith("visit/")) return screenVisit(hash.slice(6));
    if (hash === "signal") return screenSignal();
    if (hash === "helpdesk") return screenHelpdesk();
    if (hash === "outbox") return screenOutbox();
    return screenWorklist();
  }

  // --- Start -----------------------------------------------------------------------------------
  async function start() {
    setNetworkStatus();
    window.addEventListener("online", () => {
      setNetworkStatus();
      sync();
    });
    window.addEventListener("offline", setNetworkStatus);
    window.addEventListener("hashchange", route);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(body.dataset.sw, { scope: "/" }).catch(() => {});
    }
    await loadWorklist({ fromNetwork: false });
    await refreshOutboxCount();
    route();
    if (navigator.onLine) {
      await loadWorklist({ fromNetwork: true });
      if (!location.hash) route();
      sync();
    }
    setInterval(() => navigator.onLine && sync(), 60000);
    body.dataset.ready = "1";
  }
  start();
})();
