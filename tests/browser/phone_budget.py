"""Measure a page the way a cheap Android phone on 3G would load it: Chromium's CPU throttling and
network emulation through the DevTools protocol, the bytes every request transferred, the JavaScript
heap, and when the page became usable.

Used by tests/browser/test_accessibility.py, which writes the figures to bench/out/field_phone.json
and bench/out/field_phone.md and asserts only generous budgets (timings vary too much between machines
to assert them; they are recorded).
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, CDPSession, Page, Request

# Chromium DevTools' "Fast 3G" preset (what a rural 3G/weak 4G cell gives): 562.5 ms round trip,
# 1.44 Mbit/s down, 675 kbit/s up.
FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 180_000, "uploadThroughput": 84_375}
NETWORK_NAME = "DevTools Fast 3G (562.5 ms RTT, 1.44 Mbit/s down, 675 kbit/s up)"
OUT = Path(__file__).resolve().parents[2] / "bench" / "out"

# Records when the first worklist card is in the document, in the page's own clock (ms since the
# navigation started): the moment a member can pick a household.
WORKLIST_MARK_JS = """
(() => {
  const mark = () => {
    if (!window.__worklistAt && document.querySelector('#worklist .card')) window.__worklistAt = performance.now();
  };
  new MutationObserver(mark).observe(document, {subtree: true, childList: true});
})();
"""

_TIMINGS_JS = """
() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {
    dom_content_loaded_ms: nav ? Math.round(nav.domContentLoadedEventEnd) : null,
    load_ms: nav ? Math.round(nav.loadEventEnd) : null,
    first_contentful_paint_ms: fcp ? Math.round(fcp.startTime) : null,
    worklist_usable_ms: window.__worklistAt ? Math.round(window.__worklistAt) : null,
  };
}
"""


@dataclass
class Weight:
    """What the network carried for one load, by resource type (bytes on the wire, headers included,
    as the test server sends them: uncompressed) and a gzip estimate of the bodies (what a server
    with compression, as in production behind nginx, would send)."""

    requests: int = 0
    bytes: int = 0
    gzip_estimate: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    from_service_worker: int = 0  # requests the service worker answered from its cache: no network
    gzip_unknown: int = 0  # responses whose body Chromium did not keep: counted uncompressed
    files: list[tuple[str, int]] = field(default_factory=list)

    def add(self, request: Request, refetch: Callable[[str], bytes] | None = None) -> None:
        response = request.response()
        if response is None:
            return
        if response.from_service_worker:
            self.from_service_worker += 1
            return
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        kind = request.resource_type
        self.requests += 1
        self.bytes += size
        self.by_type[kind] = self.by_type.get(kind, 0) + size
        self.files.append((request.url.split("/", 3)[-1], size))
        try:
            body = response.body()
        except Exception:  # Chromium keeps no body for the service worker's own requests
            body = b""
        if len(body) < sizes["responseBodySize"] and refetch is not None:
            body = refetch(request.url)
        if len(body) < sizes["responseBodySize"]:
            self.gzip_unknown += 1
            self.gzip_estimate += size
            return
        self.gzip_estimate += len(gzip.compress(body, 6)) + sizes["responseHeadersSize"]


class RequestLog:
    """Every finished request of a browser context, the page's and the service worker's, in phases."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.phase = "setup"
        self.next_navigation: tuple[str, str] | None = None
        self._started: dict[int, str] = {}
        self.by_phase: dict[str, list[tuple[bool, Request]]] = defaultdict(list)
        context.on("request", self._started_request)
        context.on("requestfinished", self._finished)

    def switch_on_navigation(self, path_suffix: str, phase: str) -> None:
        """Start `phase` with the next page navigation to an address ending in `path_suffix` (one made
        by the page's own script, so the test cannot switch just before it)."""
        self.next_navigation = (path_suffix, phase)

    def _started_request(self, request: Request) -> None:
        if self.next_navigation and request.is_navigation_request():
            suffix, phase = self.next_navigation
            if request.url.split("?", 1)[0].endswith(suffix):
                self.phase, self.next_navigation = phase, None
        self._started[id(request)] = self.phase

    def _finished(self, request: Request) -> None:
        phase = self._started.get(id(request), self.phase)
        self.by_phase[phase].append((request.service_worker is not None, request))

    def weight(self, phase: str, *, service_worker: bool = False) -> Weight:
        weight = Weight()
        for from_worker, request in self.by_phase[phase]:
            if from_worker == service_worker:
                weight.add(request, refetch=self._refetch)
        return weight

    def _refetch(self, url: str) -> bytes:
        """The same address again, with the same cookies, for a body Chromium did not keep."""
        response = self.context.request.get(url)
        return response.body() if response.ok else b""


def throttle(context: BrowserContext, page: Page, cpu_rate: float) -> CDPSession:
    """Slow the page's CPU `cpu_rate` times and its network to FAST_3G; enable the heap metrics."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", FAST_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_rate})
    cdp.send("Performance.enable")
    return cdp


def heap(cdp: CDPSession) -> dict[str, float]:
    """The JavaScript heap and DOM size after a garbage collection (what the page really keeps)."""
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {
        "js_heap_used_bytes": int(metrics["JSHeapUsedSize"]),
        "js_heap_total_bytes": int(metrics["JSHeapTotalSize"]),
        "dom_nodes": int(metrics["Nodes"]),
        "event_listeners": int(metrics["JSEventListeners"]),
    }


def timings(page: Page) -> dict[str, Any]:
    return page.evaluate(_TIMINGS_JS)


@dataclass
class Load:
    """One measured load of a page."""

    name: str
    weight: Weight
    timings: dict[str, Any] = field(default_factory=dict)
    heap: dict[str, float] = field(default_factory=dict)
    service_worker_weight: Weight | None = None


def write_report(runs: dict[str, list[Load]], pages: list[Load], machine: str) -> Path:
    """bench/out/field_phone.json (everything) and field_phone.md (the table for docs/quality.md)."""
    OUT.mkdir(parents=True, exist_ok=True)
    data = {
        "machine": machine,
        "network": NETWORK_NAME,
        "field_app": {rate: [asdict(load) for load in loads] for rate, loads in runs.items()},
        "pages": [asdict(load) for load in pages],
    }
    (OUT / "field_phone.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")

    def kb(n: float | None) -> str:
        return "–" if n is None else f"{n / 1024:.1f}"

    def ms(n: float | None) -> str:
        return "–" if n is None else f"{n:,.0f}"

    lines = [
        f"Field app on a cheap phone: {NETWORK_NAME}; {machine}.",
        "",
        "| CPU | load | requests | KB transferred (gzip est.) | by type (KB) | FCP ms | worklist usable ms"
        " | JS heap used MB | DOM nodes |",
        "|---|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for rate, loads in runs.items():
        for load in loads:
            types = ", ".join(
                f"{k} {kb(v)}" for k, v in sorted(load.weight.by_type.items(), key=lambda kv: -kv[1])
            )
            lines.append(
                f"| {rate} | {load.name} | {load.weight.requests} (+{load.weight.from_service_worker} from SW cache)"
                f" | {kb(load.weight.bytes)} ({kb(load.weight.gzip_estimate)}) | {types or '–'}"
                f" | {ms(load.timings.get('first_contentful_paint_ms'))}"
                f" | {ms(load.timings.get('worklist_usable_ms'))}"
                f" | {load.heap.get('js_heap_used_bytes', 0) / 1_048_576:.2f} | {load.heap.get('dom_nodes', '–')} |"
            )
    first = next(iter(runs.values()))[0] if runs else None
    if first and first.service_worker_weight:
        offline = first.service_worker_weight
        lines += [
            "",
            f"The service worker's offline pack, downloaded once in the background after the first load: "
            f"{offline.requests} files, {kb(offline.bytes)} KB ({kb(offline.gzip_estimate)} KB gzip est.); "
            + ", ".join(f"{k} {kb(v)}" for k, v in sorted(offline.by_type.items(), key=lambda kv: -kv[1])),
        ]
    lines += [
        "",
        "| page (first visit, empty cache) | requests | KB transferred (gzip est.) | by type (KB) |",
        "|---|---:|---:|---|",
    ]
    for load in pages:
        types = ", ".join(
            f"{k} {kb(v)}" for k, v in sorted(load.weight.by_type.items(), key=lambda kv: -kv[1])
        )
        lines.append(
            f"| {load.name} | {load.weight.requests} | {kb(load.weight.bytes)} ({kb(load.weight.gzip_estimate)})"
            f" | {types} |"
        )
    path = OUT / "field_phone.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
