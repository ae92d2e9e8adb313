// Làng Số field app, part 4 of 5: the screens. Every form gets its record's UUID once, when it
// opens (kept in the address, so a reload of the form keeps it too): any number of taps on "Lưu"
// stores one record.
"use strict";

(function (ns) {
  const { T } = ns;
  const { h, show, toast, select, field, today, vnDate, vnDateTime, parseDay, dayInput, clearErrors, fieldError, errorsShown, fold, fill, uuid, derivedId, isUuid, shrinkPhoto } = ns.util;
  const store = ns.store;
  const state = ns.state;
  const body = document.body;

  // --- Shared pieces -----------------------------------------------------------------------------
  function privacyNote() {
    return h("details", { className: "privacy" }, h("summary", {}, T.privacy_title), h("p", {}, T.privacy_text));
  }

  function othersNote(all) {
    const others = store.othersWaiting(all, state.session);
    if (!others.length) return null;
    return h(
      "div",
      { className: "msg msg-warning", id: "others-waiting" },
      others.map((o) => h("p", {}, fill(T.others_waiting, { count: o.count, name: o.name || T.someone })))
    );
  }

  // A form's record id: from the address when the form is reopened by a reload, otherwise new.
  async function formId(screen, key) {
    const parts = location.hash.replace(/^#/, "").split("/");
    let id = parts[parts.length - 1];
    const used = isUuid(id) && ((await store.outboxRows.get(id)) || (await store.sentRows.get(id)));
    if (!isUuid(id) || used) {
      id = uuid();
      history.replaceState(null, "", `#${[screen, key, id].filter(Boolean).join("/")}`);
    }
    return id;
  }

  // Saves once: the button is disabled while the record is being written, and the record's id was
  // fixed when the form opened.
  function onSave(form, work) {
    let busy = false;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (busy) return;
      busy = true;
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        if ((await work()) !== false) location.hash = "";
      } finally {
        busy = false;
        button.disabled = false;
      }
    });
  }

  // The checks before a record is kept: each problem is written under its field (util.fieldError).
  function needed(form, name, message) {
    const control = form.querySelector(`[name=${name}]`);
    const value = String(control.value || "").trim();
    if (!value) fieldError(control, message || T.required);
    return value;
  }

  function dayValue(form, name, limits, required) {
    const control = form.querySelector(`[name=${name}]`);
    try {
      const iso = parseDay(control.value, limits);
      if (!iso && required) fieldError(control, T.required);
      return iso;
    } catch (error) {
      fieldError(control, error.message);
      return "";
    }
  }

  const NOT_AFTER_TODAY = () => ({ max: today(), maxMessage: T.day_after_today });

  async function enqueue(id, kind, data, summary) {
    if (await store.sentRows.get(id)) return; // already sent: the same form saved twice
    await store.putRecord(state.session, { id, kind, data, summary, status: "pending", createdAt: new Date().toISOString() });
  }

  function saved() {
    toast(T.saved_offline);
    ns.app.refreshBadge();
    ns.sync.schedule(0.2);
  }

  // --- Not connected -----------------------------------------------------------------------------
  async function notConnected() {
    const notice = await store.kv.get("notice");
    const all = await store.outboxAll();
    show(
      notice === "revoked" ? h("p", { className: "msg msg-error", id: "notice" }, T.revoked) : null,
      notice === "signed_out" ? h("p", { className: "msg msg-success", id: "notice" }, T.signed_out_screen) : null,
      h("h1", {}, T.app_title),
      h("p", {}, T.not_connected),
      othersNote(all),
      h("a", { className: "btn", href: body.dataset.connect }, T.connect),
      privacyNote()
    );
  }

  // --- Worklist ----------------------------------------------------------------------------------
  function householdCard(hh) {
    const checks = hh.device_follow_ups || [];
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
          hh.follow_up_on ? ` · ${T.follow_up}: ${vnDate(hh.follow_up_on)}` : "",
          checks.length ? ` · ${fill(T.device_checks_due, { count: checks.length })}` : ""
        )
      )
    );
  }

  let searchText = "";
  async function screenWorklist() {
    if (!state.session) return notConnected();
    const worklist = state.worklist;
    const list = h("ul", { className: "cards", id: "worklist" });
    const search = h("input", { type: "search", placeholder: T.search, "aria-label": T.search, value: searchText });
    const render = () => {
      searchText = search.value;
      const q = fold(search.value.trim());
      const rows = (worklist ? worklist.households : []).filter(
        (hh) => !q || fold(`${hh.code} ${hh.head_name} ${hh.people.map((p) => p.name).join(" ")}`).includes(q)
      );
      list.replaceChildren(...(rows.length ? rows.map(householdCard) : [h("li", { className: "muted" }, worklist ? T.no_households : T.loading_list)]));
    };
    search.addEventListener("input", render);
    render();
    show(
      h("p", { className: "muted small", id: "who" }, fill(T.signed_in_as, { name: state.session.name })),
      othersNote(await store.outboxAll()),
      h("h1", {}, T.worklist),
      worklist ? h("p", { className: "muted small" }, `${T.loaded_at} ${vnDateTime(worklist.generated_at)}`) : null,
      h(
        "div",
        { className: "row" },
        search,
        h("button", { type: "button", className: "btn btn-secondary", onclick: () => (navigator.onLine ? ns.sync.refreshWorklist() : toast(T.cannot_send_offline)) }, T.refresh)
      ),
      list,
      privacyNote()
    );
  }

  // --- Visit (and the smartphone programme's follow-ups due in the household) ----------------------
  // A skill or a service is picked from a list that opens under its line: a drop-down box would cut
  // the longer names ("Nhắn tin và nhận thông báo trong nhóm Zalo/Facebook") at 360 px.
  let pickerCount = 0;
  function picker(kind, choices, prompt, chosenLabel, chosen) {
    const name = `${kind}-${++pickerCount}`;
    const summary = h("summary", {}, prompt);
    const box = h("details", { className: "picker", "data-kind": kind, "data-code": "" }, summary);
    const pick = (c) => {
      summary.textContent = `${chosenLabel}: ${c.label}`;
      box.dataset.code = c.code;
      box.open = false;
    };
    box.append(h("div", { className: "choices" }, choices.map((c) => h("label", { className: "check" }, h("input", { type: "radio", name, value: c.code, checked: c.code === chosen, onchange: () => pick(c) }), c.label))));
    const preset = choices.find((c) => c.code === chosen);
    if (preset) pick(preset);
    return box;
  }

  // The photo: a button in the app's words (the browser's own file box says "Choose File" in the
  // phone's language) and the name of the picture chosen.
  function photoField() {
    const input = h("input", { type: "file", name: "photo", id: "photo", accept: "image/*", capture: "environment", className: "visually-hidden" });
    const chosen = h("span", { className: "muted small", id: "photo-chosen" }, T.no_photo);
    input.addEventListener("change", () => (chosen.textContent = input.files[0] ? input.files[0].name : T.no_photo));
    return h("div", { className: "field" }, h("p", { className: "label" }, T.photo), input, h("label", { for: "photo", className: "btn btn-secondary" }, T.choose_photo), " ", chosen);
  }

  // `preset` ({ person, code, level }) fills the row, or the last row when nothing is picked in it yet.
  function lineRows(container, people, kind, choices) {
    return (preset) => {
      const last = container.lastElementChild;
      if (preset && last && !last.querySelector(".picker").dataset.code) last.remove();
      const person = select("person", people.map((p) => ({ code: p.id, label: p.name })), preset ? preset.person : people[0] && people[0].id);
      person.setAttribute("aria-label", T.person);
      const row = h("div", { className: "line" }, person, h("button", { type: "button", className: "link remove", onclick: () => row.remove(), "aria-label": T.remove }, "✕"));
      if (kind === "skill") {
        const level = select("level", LEVELS(), preset ? String(preset.level) : "2");
        level.setAttribute("aria-label", T.level);
        row.append(picker("skill", choices, T.choose_skill, T.skill, preset && preset.code), level);
      } else {
        row.append(picker("service", choices, T.choose_service, T.service));
      }
      container.append(row);
    };
  }

  function followUpFieldset(check, outcomes) {
    const name = (n) => `fu-${check.id}-${n}`;
    return h(
      "fieldset",
      { className: "followup" },
      h("legend", {}, fill(T.device_check_title, { months: check.months, due: vnDate(check.due_on) })),
      h("p", { className: "muted small" }, check.programme),
      field(T.device_check_outcome, select(name("outcome"), outcomes.filter((o) => check.is_device || o.code !== "returned"), "", { blank: T.device_check_not_now }), name("outcome")),
      field(T.sim_active, select(name("sim"), [{ code: "yes", label: T.yes }, { code: "no", label: T.no }], "", { blank: T.unknown }), name("sim")),
      field(T.notes, h("input", { name: name("notes"), maxlength: 300 }), name("notes"))
    );
  }

  // What to teach each person today (the server's next skills, as on the person's page): one tap puts
  // the step in "skills taught", to be corrected if the person got further or less far.
  function teachToday(people, worklist, addSkill) {
    const names = Object.fromEntries(worklist.skills.map((s) => [s.code, s.label]));
    const rules = Object.fromEntries((worklist.rules || []).map((r) => [r.code, r.label]));
    const items = people.flatMap((p) =>
      (p.teach || [])
        .filter((t) => names[t.skill])
        .map((t) =>
          h(
            "li",
            {},
            h("strong", {}, p.name),
            `: ${names[t.skill]} (${fill(T.teach_up_to, { target: t.target })})`,
            h("span", { className: "sub" }, `${T.teach_because} ${t.because.map((key) => rules[key] || key).join(", ")}`),
            h("button", { type: "button", className: "btn btn-secondary", onclick: () => addSkill({ person: p.id, code: t.skill, level: t.target }) }, T.teach_record)
          )
        )
    );
    if (!items.length) return null;
    return h("section", { className: "next-skills", id: "teach-today" }, h("h2", {}, T.teach_today), h("ul", { className: "teach" }, items));
  }

  async function screenVisit(householdId) {
    const worklist = state.worklist;
    const hh = worklist && worklist.households.find((x) => x.id === householdId);
    if (!hh || !state.session) return screenWorklist();
    const id = await formId("visit", hh.id);
    const skillsBox = h("div", { className: "lines" });
    const servicesBox = h("div", { className: "lines" });
    const hasPeople = hh.people.length > 0;
    const addSkill = lineRows(skillsBox, hh.people, "skill", worklist.skills);
    const addService = lineRows(servicesBox, hh.people, "service", worklist.services);
    const checks = hh.device_follow_ups || [];
    const problem = (name) => h("label", { className: "check" }, h("input", { type: "checkbox", name }), T[name]);
    const form = h(
      "form",
      { className: "form", id: "visit-form", novalidate: true, "data-record": id },
      h("p", { className: "note" }, T.never_store_secrets),
      teachToday(hh.people, worklist, addSkill),
      field(T.visited_on, dayInput("visited_on", today()), "visited_on"),
      h(
        "fieldset",
        {},
        h("legend", {}, T.people_present),
        hasPeople ? null : h("p", { className: "muted" }, T.no_people),
        hh.people.map((p) => h("label", { className: "check" }, h("input", { type: "checkbox", name: "present", value: p.id, checked: true }), `${p.name}${p.birth_year ? ` (${p.birth_year})` : ""}`))
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, T.facts),
        hh.people.map((p) => h("label", { className: "check" }, h("input", { type: "checkbox", name: "smartphone", value: p.id, checked: p.owns_smartphone }), `${p.name}: ${T.owns_smartphone}`)),
        field(T.address, h("input", { name: "address", value: hh.address || "", maxlength: 200 }), "address")
      ),
      checks.map((check) => followUpFieldset(check, worklist.followup_outcomes || [])),
      h(
        "fieldset",
        {},
        h("legend", {}, T.skills_taught),
        skillsBox,
        hasPeople ? h("button", { type: "button", className: "btn btn-secondary", id: "add-skill", onclick: () => addSkill() }, T.add_skill) : h("p", { className: "muted" }, T.no_people_for_skills)
      ),
      h("fieldset", {}, h("legend", {}, T.services_done), servicesBox, hasPeople ? h("button", { type: "button", className: "btn btn-secondary", onclick: () => addService() }, T.add_service) : null),
      h("fieldset", {}, h("legend", {}, T.problems), ["no_signal", "broken_phone", "no_phone", "scam"].map(problem)),
      field(T.notes, h("textarea", { name: "notes", rows: 2, maxlength: 2000 }), "notes"),
      field(T.follow_up_on, dayInput("follow_up_on", ""), "follow_up_on"),
      photoField(),
      h("div", { className: "actions" }, h("button", { type: "submit", className: "btn" }, T.save), h("a", { href: "#", className: "btn btn-secondary" }, T.cancel))
    );
    if (hasPeople) addSkill();
    onSave(form, async () => {
      const f = new FormData(form);
      clearErrors(form);
      const visitedOn = dayValue(form, "visited_on", NOT_AFTER_TODAY(), true);
      const followUpOn = dayValue(form, "follow_up_on", { min: visitedOn || today(), minMessage: T.follow_up_before_visit });
      const value = (row, name) => row.querySelector(`[name=${name}]`).value;
      const skillOf = (row) => row.querySelector(".picker").dataset.code;
      const skillRows = [...skillsBox.children].filter(skillOf);
      skillRows.filter((row) => !value(row, "person")).forEach((row) => fieldError(row.querySelector("[name=person]"), T.skill_needs_person));
      if (errorsShown(form)) return false;
      const skills = skillRows.map((row) => ({ resident_id: value(row, "person"), skill_code: skillOf(row), level: Number(value(row, "level")) }));
      const services = [...servicesBox.children].map((row) => ({ resident_id: value(row, "person") || null, service: row.querySelector(".picker").dataset.code })).filter((s) => s.service);
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
        visited_on: visitedOn,
        present: f.getAll("present"),
        skills,
        services,
        no_signal: f.has("no_signal"),
        broken_phone: f.has("broken_phone"),
        no_phone: f.has("no_phone"),
        scam: f.has("scam"),
        notes: (f.get("notes") || "").trim(),
        follow_up_on: followUpOn || null,
      };
      const file = form.querySelector("[name=photo]").files[0];
      if (file) {
        try {
          data.photo = await shrinkPhoto(file);
        } catch (error) {
          fieldError(form.querySelector("[name=photo]"), T.photo_failed);
          errorsShown(form);
          return false;
        }
      }
      await enqueue(id, "visit", data, `${T.kind_visit}: ${hh.code} · ${hh.head_name} · ${vnDate(data.visited_on)}`);
      for (const check of checks) {
        const outcome = f.get(`fu-${check.id}-outcome`);
        if (!outcome) continue;
        const sim = f.get(`fu-${check.id}-sim`);
        await enqueue(
          await derivedId(id, check.id),
          "followup",
          { follow_up_id: check.id, done_on: data.visited_on, outcome, sim_active: sim ? sim === "yes" : null, notes: String(f.get(`fu-${check.id}-notes`) || "").trim() },
          `${T.kind_followup}: ${hh.code} · ${fill(T.after_months, { months: check.months })} · ${vnDate(data.visited_on)}`
        );
      }
      saved();
      return true;
    });
    show(h("h1", {}, T.record_visit), h("p", {}, h("strong", {}, `${hh.code} · ${hh.head_name}`), ` · ${hh.village}`), h("p", { className: "reasons" }, hh.reason_labels.map((r) => h("span", { className: "chip" }, r))), form);
  }

  // --- Weak-signal report --------------------------------------------------------------------------
  async function screenSignal() {
    const worklist = state.worklist;
    if (!worklist || !state.session) return screenWorklist();
    const id = await formId("signal", "");
    const gps = { latitude: null, longitude: null };
    const gpsStatus = h("span", { className: "muted small", role: "status" });
    const locate = () =>
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
        : (gpsStatus.textContent = T.gps_failed);
    const form = h(
      "form",
      { className: "form", id: "signal-form", novalidate: true },
      field(T.village, select("village_id", worklist.villages.map((v) => ({ code: v.id, label: v.name })), worklist.villages.length === 1 ? worklist.villages[0].id : "", { required: true }), "village_id"),
      field(T.description, h("input", { name: "description", maxlength: 300, required: true }), "description"),
      field(T.operator, select("operator", worklist.operators, "", { required: true }), "operator"),
      field(T.technology, select("technology", worklist.technologies, "4g", { required: true }), "technology"),
      field(T.households_affected, h("input", { type: "number", name: "households_affected", min: 0, max: 10000, value: 0, inputmode: "numeric" }), "households_affected"),
      h("p", {}, h("button", { type: "button", className: "btn btn-secondary", onclick: locate }, T.get_gps), " ", gpsStatus),
      h("div", { className: "actions" }, h("button", { type: "submit", className: "btn" }, T.save), h("a", { href: "#", className: "btn btn-secondary" }, T.cancel))
    );
    onSave(form, async () => {
      const f = new FormData(form);
      clearErrors(form);
      for (const name of ["village_id", "description", "operator", "technology"]) needed(form, name);
      if (errorsShown(form)) return false;
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
      await enqueue(id, "signal", data, `${T.kind_signal}: ${village ? village.name : ""} · ${data.description}`);
      saved();
      return true;
    });
    show(h("h1", {}, T.signal), form);
  }

  // --- Help-desk session ---------------------------------------------------------------------------
  async function screenHelpdesk() {
    const worklist = state.worklist;
    if (!worklist || !state.session) return screenWorklist();
    const id = await formId("helpdesk", "");
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
      field(T.helped_on, dayInput("helped_on", today()), "helped_on"),
      h("div", { className: "actions" }, h("button", { type: "submit", className: "btn" }, T.save), h("a", { href: "#", className: "btn btn-secondary" }, T.cancel))
    );
    onSave(form, async () => {
      const f = new FormData(form);
      clearErrors(form);
      needed(form, "commune_code");
      if (!f.get("resident_id")) needed(form, "walk_in_name", T.person_or_walk_in);
      needed(form, "procedure");
      const minutes = Number(f.get("minutes"));
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 480) fieldError(form.querySelector("[name=minutes]"), T.minutes_range);
      const helpedOn = dayValue(form, "helped_on", NOT_AFTER_TODAY(), true);
      if (errorsShown(form)) return false;
      const data = {
        commune_code: Number(f.get("commune_code")),
        helped_on: helpedOn,
        procedure: f.get("procedure"),
        outcome: f.get("outcome"),
        minutes: Number(f.get("minutes")),
        resident_id: f.get("resident_id") || null,
        walk_in_name: f.get("resident_id") ? "" : String(f.get("walk_in_name")).trim(),
        walk_in_birth_year: f.get("walk_in_birth_year") ? Number(f.get("walk_in_birth_year")) : null,
      };
      const procedure = worklist.services.find((s) => s.code === data.procedure);
      await enqueue(id, "helpdesk", data, `${T.kind_helpdesk}: ${procedure ? procedure.label : ""} · ${vnDate(data.helped_on)}`);
      saved();
      return true;
    });
    show(h("h1", {}, T.helpdesk), form);
  }

  // --- Group session: a class at the cultural house, a launch day, a telecom support day ------------
  const PLACES = ["cultural_house", "commune_centre", "school", "other"];
  const ORGANISERS = ["team", "youth_union", "women_union", "telecom", "school", "commune", "other"];
  const LEVELS = () => [1, 2, 3, 4].map((n) => ({ code: String(n), label: T[`level_${n}`] }));

  let walkInCount = 0;
  function walkInRow(villages) {
    const n = ++walkInCount;
    const row = h(
      "fieldset",
      { className: "walk-in" },
      h("legend", {}, T.walk_in),
      field(T.walk_in_name, h("input", { name: "wi_name", maxlength: 100 }), `wi-${n}-name`),
      field(T.birth_year, h("input", { type: "number", name: "wi_year", min: 1900, max: new Date().getFullYear(), inputmode: "numeric" }), `wi-${n}-year`),
      field(T.sex, select("wi_sex", [{ code: "M", label: T.sex_m }, { code: "F", label: T.sex_f }], ""), `wi-${n}-sex`),
      field(T.village, select("wi_village", villages, ""), `wi-${n}-village`),
      h("button", { type: "button", className: "btn btn-secondary", onclick: () => row.remove() }, T.remove)
    );
    return row;
  }

  async function screenGroup() {
    const worklist = state.worklist;
    if (!worklist || !state.session) return screenWorklist();
    const id = await formId("group", "");
    const villages = worklist.villages.map((v) => ({ code: v.id, label: v.name }));
    const skillRows = worklist.skills.map((s) => {
      const level = select(`level-${s.code}`, LEVELS(), "2", { blank: T.level });
      level.setAttribute("aria-label", `${T.level}: ${s.label}`);
      return h(
        "div",
        { className: "line skill-line" },
        h("label", { className: "check" }, h("input", { type: "checkbox", name: "skill", value: s.code }), ` ${s.label}`),
        level
      );
    });
    // Registry people the phone holds, household by household; searched without diacritics.
    const people = h("div", { id: "group-people" });
    for (const hh of worklist.households) {
      people.append(
        h(
          "fieldset",
          { className: "household", "data-search": fold(`${hh.code} ${hh.head_name} ${hh.village} ${hh.people.map((p) => p.name).join(" ")}`) },
          h("legend", {}, `${hh.code} · ${hh.head_name || ""} · ${hh.village}`),
          hh.people.map((p) =>
            h(
              "div",
              { className: "line person" },
              h("label", { className: "check" }, h("input", { type: "checkbox", name: "present", value: p.id }), ` ${p.name}${p.birth_year ? ` (${p.birth_year})` : ""}`),
              h("details", { className: "correct" }, h("summary", {}, T.correct_level), worklist.skills.map((s) => field(s.label, select(`fix-${p.id}-${s.code}`, LEVELS(), "", { blank: T.same_as_all }), `fix-${p.id}-${s.code}`)))
            )
          )
        )
      );
    }
    const search = h("input", { type: "search", placeholder: T.search, "aria-label": T.search, id: "group-search" });
    search.addEventListener("input", () => {
      const q = fold(search.value.trim());
      people.querySelectorAll("fieldset.household").forEach((fs) => (fs.hidden = Boolean(q) && !fs.dataset.search.includes(q)));
    });
    const walkIns = h("div", { id: "walk-ins" });
    const count = h("p", { className: "muted small", id: "group-count" });
    const recount = () => {
      const ticked = people.querySelectorAll("input[name=present]:checked").length;
      count.textContent = fill(T.group_count, { registry: ticked, walk_ins: walkIns.children.length });
    };
    const commune = worklist.communes.length === 1 ? String(worklist.communes[0].code) : "";
    const form = h(
      "form",
      { className: "form", id: "group-form", novalidate: true, onchange: recount },
      field(T.commune, select("commune_code", worklist.communes.map((c) => ({ code: String(c.code), label: c.name })), commune, { required: true }), "commune_code"),
      field(T.group_village, select("village_id", villages, villages.length === 1 ? villages[0].code : ""), "village_id"),
      field(T.held_on, dayInput("held_on", today()), "held_on"),
      field(T.place, select("place_kind", PLACES.map((c) => ({ code: c, label: T[`place_${c}`] })), "cultural_house", { required: true }), "place_kind"),
      field(T.place_name, h("input", { name: "place_name", maxlength: 150 }), "place_name"),
      field(T.organiser, select("organiser_kind", ORGANISERS.map((c) => ({ code: c, label: T[`organiser_${c}`] })), "team", { required: true }), "organiser_kind"),
      field(T.organiser_name, h("input", { name: "organiser_name", maxlength: 150 }), "organiser_name"),
      h("fieldset", {}, h("legend", {}, T.group_skills), h("p", { className: "muted small" }, T.group_skills_help), skillRows),
      h("fieldset", {}, h("legend", {}, T.people_present), search, people),
      walkIns,
      h("button", { type: "button", className: "btn btn-secondary", id: "add-walk-in", onclick: () => { walkIns.append(walkInRow(villages)); recount(); } }, T.add_walk_in),
      count,
      h("div", { className: "actions" }, h("button", { type: "submit", className: "btn" }, T.save), h("a", { href: "#", className: "btn btn-secondary" }, T.cancel))
    );
    recount();
    onSave(form, async () => {
      const f = new FormData(form);
      const skills = f.getAll("skill").map((code) => ({ skill_code: code, level: Number(f.get(`level-${code}`) || 2) }));
      const attendees = f.getAll("present").map((pid) => {
        const levels = {};
        for (const s of skills) {
          const fix = f.get(`fix-${pid}-${s.skill_code}`);
          if (fix) levels[s.skill_code] = Number(fix);
        }
        return { resident_id: pid, levels };
      });
      const walk_ins = [...walkIns.children]
        .map((row) => ({
          name: row.querySelector("[name=wi_name]").value.trim(),
          birth_year: row.querySelector("[name=wi_year]").value ? Number(row.querySelector("[name=wi_year]").value) : null,
          sex: row.querySelector("[name=wi_sex]").value,
          village_id: row.querySelector("[name=wi_village]").value || null,
        }))
        .filter((w) => w.name);
      clearErrors(form);
      needed(form, "commune_code");
      const heldOn = dayValue(form, "held_on", NOT_AFTER_TODAY(), true);
      if (!attendees.length && !walk_ins.length) fieldError(search, T.group_nobody);
      if (errorsShown(form)) return false;
      const data = {
        commune_code: Number(f.get("commune_code")),
        village_id: f.get("village_id") || null,
        held_on: heldOn,
        place_kind: f.get("place_kind"),
        place_name: String(f.get("place_name")).trim(),
        organiser_kind: f.get("organiser_kind"),
        organiser_name: String(f.get("organiser_name")).trim(),
        skills,
        attendees,
        walk_ins,
      };
      await enqueue(id, "group", data, `${T.kind_group}: ${T[`place_${data.place_kind}`]} · ${attendees.length + walk_ins.length} ${T.people_word} · ${vnDate(data.held_on)}`);
      saved();
      return true;
    });
    show(h("h1", {}, T.group), form);
  }

  // --- Outbox: what waits, what was refused and why, what went through ------------------------------
  function errorList(errors) {
    return h("ul", { className: "errors" }, Object.entries(errors || {}).flatMap(([, messages]) => messages.map((m) => h("li", {}, m))));
  }

  async function screenOutbox() {
    const session = state.session;
    if (!session) return notConnected();
    const all = await store.outboxAll();
    const mine = [];
    for (const row of all.filter((r) => store.isMine(r, session))) mine.push(await store.openRow(session, row));
    const recent = await store.sentMine(session);
    const discard = async (row) => {
      if (!confirm(T.confirm_discard)) return;
      await store.outboxRows.del(row.id);
      ns.app.refreshBadge();
      screenOutbox();
    };
    const item = (row) =>
      h(
        "li",
        { className: `card ${row.status}` },
        h("strong", {}, row.summary),
        h("span", { className: "muted small" }, ` · ${row.status === "failed" ? T.failed : T.waiting}`),
        row.status === "failed" ? h("div", {}, errorList(row.errors), h("button", { type: "button", className: "link", onclick: () => discard(row) }, T.discard)) : null
      );
    const sentItem = (r) => h("li", { className: "card" }, `✔ ${r.summary}`, (r.notes || []).map((note) => h("p", { className: "kept small" }, `⚠ ${note}`)));
    show(
      h("h1", {}, T.outbox),
      h("button", { type: "button", className: "btn", id: "send-now", onclick: () => ns.sync.sync({ manual: true }) }, T.send_now),
      mine.length ? h("ul", { className: "cards", id: "outbox-list" }, mine.map(item)) : h("p", { className: "muted" }, T.nothing_waiting),
      othersNote(all),
      recent.length ? h("h2", {}, T.recently_sent) : null,
      recent.length ? h("ul", { className: "cards sent", id: "sent-list" }, recent.map(sentItem)) : null,
      h("h2", {}, T.this_phone),
      h("p", { className: "muted small" }, fill(T.signed_in_as, { name: session.name })),
      h("button", { type: "button", className: "btn btn-secondary", id: "sign-out", onclick: () => confirm(T.confirm_sign_out) && ns.sync.signOut() }, T.sign_out),
      h("p", { className: "muted small" }, T.sign_out_help)
    );
  }

  ns.screens = { notConnected, screenWorklist, screenVisit, screenSignal, screenHelpdesk, screenGroup, screenOutbox };
})((self.LangSoField = self.LangSoField || {}));
