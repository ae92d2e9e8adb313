// Làng Số field app, part 1 of 5: small helpers every screen uses (text-only DOM building, dates,
// ids). The parts share one namespace, self.LangSoField, and load in order (util, store, sync,
// screens, app) as classic scripts, so the service worker can keep each under its hashed name.
"use strict";

(function (ns) {
  const body = document.body;
  ns.API = body.dataset.api;
  ns.T = JSON.parse(document.getElementById("field-strings").textContent);
  const T = ns.T;

  // Nothing from data is ever parsed as HTML: every child is a node or text.
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
    const app = document.getElementById("app");
    // Screens pass null for a part they leave out; replaceChildren would print it as the text "null".
    app.replaceChildren(...nodes.filter((node) => node !== null && node !== undefined && node !== false));
    app.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  // A short message at the top of the screen; it never takes taps (pointer-events: none in the CSS).
  function toast(message) {
    const el = document.getElementById("toast");
    el.textContent = message;
    el.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (el.hidden = true), 4000);
  }

  // The sync line under the tabs: what is being sent, and what came of the last send.
  function status(message, kind) {
    const el = document.getElementById("sync-status");
    if (!el) return;
    el.textContent = message || "";
    el.className = `sync-status ${kind || ""}`;
    el.hidden = !message;
  }

  function hex(bytes) {
    return [...new Uint8Array(bytes)].map((n) => n.toString(16).padStart(2, "0")).join("");
  }

  function uuidFromBytes(b) {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const x = hex(b);
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return uuidFromBytes(crypto.getRandomValues(new Uint8Array(16)));
  }

  // The same id every time for the same form and the same item in it (a follow-up recorded with a
  // visit): a reload of the form, or a second tap, cannot make a second record.
  async function derivedId(formId, item) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${formId}/${item}`));
    return uuidFromBytes(new Uint8Array(digest).slice(0, 16));
  }

  function isUuid(text) {
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text || "");
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

  // A day as people here write it, dd/mm/yyyy, whatever language the phone is set to: a native date
  // box follows the phone's language, and on a phone set to English 12/07/2026 is 7 December. The same
  // rules and words as the server's parser (core/dates.py). Blank is ""; a wrong day throws the message
  // to show under the field.
  const pad = (n) => String(n).padStart(2, "0");
  function parseDay(text, limits) {
    const raw = String(text || "").trim();
    if (!raw) return "";
    const m = raw.match(/^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$/);
    if (!m) throw new Error(fill(T.day_format, { value: raw.slice(0, 30) }));
    const [d, mo, y] = m.slice(1).map(Number);
    if (mo < 1 || mo > 12) throw new Error(fill(T.day_no_month, { value: raw, month: mo }));
    const days = new Date(y, mo, 0).getDate();
    if (d < 1) throw new Error(fill(T.day_unreal, { value: raw }));
    if (d > days) throw new Error(fill(T.day_short_month, { value: raw, month: mo, year: y, days }));
    const iso = `${y}-${pad(mo)}-${pad(d)}`;
    if (limits && limits.max && iso > limits.max) throw new Error(limits.maxMessage);
    if (limits && limits.min && iso < limits.min) throw new Error(limits.minMessage);
    return iso;
  }

  // A moment (ISO with its offset) as the phone's clock shows it: "14:01 07/12/2026".
  function vnDateTime(iso) {
    const t = new Date(iso);
    if (Number.isNaN(t.getTime())) return "";
    return `${pad(t.getHours())}:${pad(t.getMinutes())} ${pad(t.getDate())}/${pad(t.getMonth() + 1)}/${t.getFullYear()}`;
  }

  function dayInput(name, iso) {
    return h("input", { name, value: iso ? vnDate(iso) : "", placeholder: T.day_placeholder, inputmode: "numeric", autocomplete: "off", maxlength: 12 });
  }

  // Messages under the fields they are about, in the page: the browser's own bubble ("Cần điền mục
  // này.") covers the Save button, speaks the phone's language and names no field.
  let errorCount = 0;
  function clearErrors(form) {
    form.querySelectorAll(".field-error").forEach((el) => el.remove());
    form.querySelectorAll("[aria-invalid]").forEach((el) => {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
  }

  function fieldError(control, message) {
    const id = `field-error-${++errorCount}`;
    const box = control.closest(".field, fieldset, .line") || control.parentElement;
    box.append(h("p", { className: "field-error", id }, message));
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", id);
  }

  // After the checks: the first field in error is brought into view and focused. True when none.
  function errorsShown(form) {
    const first = form.querySelector("[aria-invalid]");
    if (!first) return false;
    first.scrollIntoView({ block: "center" });
    first.focus({ preventScroll: true });
    return true;
  }

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
  }

  function select(name, options, value, attrs) {
    return h(
      "select",
      { name, id: attrs && attrs.id, required: attrs && attrs.required },
      h("option", { value: "" }, (attrs && attrs.blank) || T.choose),
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

  ns.util = { h, show, toast, status, hex, uuid, derivedId, isUuid, today, vnDate, vnDateTime, parseDay, dayInput, clearErrors, fieldError, errorsShown, fold, fill, select, field, shrinkPhoto };
})((self.LangSoField = self.LangSoField || {}));
