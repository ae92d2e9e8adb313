// Làng Số field app: the guides kept on the phone, in the languages the member chooses.
// The pages and recordings of the chosen languages go into the service worker's cache (the same
// one the worker reads, named after the app's version), so they open and play with no network.
// The choice is kept per member in IndexedDB; it is not personal data (a list of language codes).
"use strict";

(function (ns) {
  const { T } = ns;
  const { h, show, fill } = ns.util;
  const store = ns.store;
  const state = ns.state;
  const body = document.body;
  const MANIFEST = "/field/offline-manifest.json";

  function choiceKey() {
    return `guide_languages:${state.session ? state.session.user_id : "phone"}`;
  }

  async function chosen() {
    return (await store.kv.get(choiceKey())) || [];
  }

  // Download every page and recording of the chosen languages into the worker's cache.
  async function keep(codes) {
    if (!("caches" in window) || !codes.length) return 0;
    const response = await fetch(`${MANIFEST}?languages=${encodeURIComponent(codes.join(","))}`, {
      cache: "no-store",
      credentials: "same-origin",
    });
    const manifest = await response.json();
    const cache = await caches.open(`langso-field-${manifest.version}`);
    let kept = 0;
    for (const url of manifest.language_urls || []) {
      try {
        const res = await fetch(url, { cache: "no-cache", credentials: "same-origin" });
        if (res.ok) {
          await cache.put(url, res);
          kept += 1;
        }
      } catch (error) {
        /* kept on the next try */
      }
    }
    return kept;
  }

  async function screenGuides() {
    const picked = new Set(await chosen());
    let languages;
    try {
      const response = await fetch(MANIFEST, { credentials: "same-origin" });
      languages = (await response.json()).languages || [];
    } catch (error) {
      languages = [];
    }
    const status = h("p", { id: "guides-status", role: "status", className: "muted" });
    const boxes = languages.map((lang) =>
      h(
        "label",
        { className: "check" },
        h("input", { type: "checkbox", name: "lang", value: lang.code, checked: picked.has(lang.code) }),
        ` ${lang.name} (${fill(T.guides_count, { count: lang.guides })})`
      )
    );
    const form = h(
      "form",
      { id: "guide-languages" },
      h("fieldset", {}, h("legend", {}, T.guide_languages), ...boxes),
      h("button", { type: "submit", className: "btn" }, T.keep_guides)
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const codes = [...form.querySelectorAll("input[name=lang]:checked")].map((i) => i.value);
      await store.kv.set(choiceKey(), codes);
      status.textContent = T.keeping_guides;
      try {
        const kept = await keep(codes);
        status.textContent = fill(T.kept_guides, { count: kept });
        body.dataset.guidesKept = String(kept);
      } catch (error) {
        status.textContent = T.keep_failed;
      }
    });
    const links = [h("a", { className: "btn btn-secondary", href: body.dataset.guides }, T.guides_vietnamese)];
    for (const lang of languages) {
      if (lang.code !== "vi") {
        links.push(h("a", { className: "btn btn-secondary", href: `${body.dataset.guides}?lang=${lang.code}` }, lang.name));
      }
    }
    const record = h("p", {}, h("a", { href: body.dataset.record }, T.record_guides));
    show(h("h1", {}, T.guides), h("div", { className: "actions" }, ...links), languages.length ? form : null, status, record);
  }

  // At every start (a new version of the app empties the cache), keep the chosen languages again.
  async function refresh() {
    const codes = await chosen();
    if (codes.length && navigator.onLine) await keep(codes).catch(() => 0);
  }

  ns.guides = { screenGuides, refresh };
})((self.LangSoField = self.LangSoField || {}));
