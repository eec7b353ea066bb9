// Site search: fetches the index mailguide writes (docs/search.md) on first use, then shows
// results as you type. Enter opens the first result; arrow keys move through them; Esc closes.
(() => {
  const d = document, f = d.querySelector("form[data-search]");
  if (!f) return;
  const q = f.querySelector("input"), list = f.querySelector("ul"), out = f.querySelector("[role=status]");
  const KIND = { provider: "Provider", client: "Mail app", guide: "Guide", faq: "FAQ", troubleshooting: "Fix", page: "Page" };
  const BOOST = { provider: 3, client: 2, faq: 1, troubleshooting: 1, page: 1 };
  const MAX = 8;
  let index, loading, timer, hits = [];

  const load = () => loading || (loading = fetch(f.dataset.search)
    .then((r) => r.json())
    .then((j) => {
      index = (j.version === 1 ? j.entries : []).map((e) => ({
        ...e, T: e.title.toLowerCase(), K: [...(e.domains || []), ...(e.keywords || [])].map((k) => k.toLowerCase()),
        X: (e.text || "").toLowerCase(),
      }));
    }, () => { out.textContent = "Search is not available right now."; }));

  // "someone@me.com" and "@me.com" both mean the domain me.com
  const terms = (v) => v.toLowerCase().split(/\s+/).map((t) => t.slice(t.lastIndexOf("@") + 1)).filter(Boolean);

  const score = (e, ts) => {
    let sum = BOOST[e.kind] || 0;
    for (const t of ts) {
      let s = e.T.startsWith(t) ? 12 : (" " + e.T).includes(" " + t) ? 8 : e.T.includes(t) ? 5 : 0;
      for (const k of e.K) s = Math.max(s, k === t ? 11 : k.startsWith(t) ? 7 : k.includes(t) ? 3 : 0);
      if (!s && e.X.includes(t)) s = 1;
      if (!s) return 0;
      sum += s;
    }
    return sum;
  };

  const snippet = (e, ts) => {
    if (e.domains) return e.domains.slice(0, 4).map((x) => "@" + x).join(", ") + (e.domains.length > 4 ? " …" : "");
    const at = Math.max(0, ...ts.map((t) => e.X.indexOf(t)));
    const s = at > 50 ? e.text.indexOf(" ", at - 50) + 1 : 0;
    return e.text ? (s ? "…" : "") + e.text.slice(s, s + 120) + (e.text.length > s + 120 ? "…" : "") : "";
  };

  const show = () => {
    const v = q.value.trim(), ts = terms(v);
    list.textContent = "";
    hits = [];
    if (!ts.length) { list.hidden = true; out.textContent = ""; return; }
    if (!index) { load().then(() => index && show()); return; }
    hits = index.map((e, i) => [score(e, ts), i, e]).filter((h) => h[0]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((h) => h[2]);
    hits.slice(0, MAX).forEach((e) => {
      const li = d.createElement("li"), a = d.createElement("a"), k = d.createElement("span"), s = snippet(e, ts);
      a.href = e.url;
      k.className = "search-kind";
      k.textContent = KIND[e.kind] || e.kind;
      a.append(k, " ", e.title);
      li.append(a);
      if (s) { const p = d.createElement("span"); p.className = "search-snip"; p.textContent = s; a.append(p); }
      list.append(li);
    });
    list.hidden = !hits.length;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const n = hits.length;
      out.textContent = !n ? `Nothing found for “${v}”.` : n > MAX ? `${n} results, the first ${MAX} shown.` : `${n} result${n > 1 ? "s" : ""}.`;
    }, 300);
  };

  const links = () => [...list.querySelectorAll("a")];
  const close = () => { list.hidden = true; };

  q.addEventListener("focus", () => { load(); if (hits.length) list.hidden = false; });
  q.addEventListener("input", show);
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    load().then(() => { if (index) show(); if (hits[0]) location.href = hits[0].url; });
  });
  f.addEventListener("keydown", (ev) => {
    const as = links(), i = as.indexOf(d.activeElement);
    if (ev.key === "Escape") { close(); q.focus(); return; }
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp" || list.hidden || !as.length) return;
    ev.preventDefault();
    const next = ev.key === "ArrowDown" ? i + 1 : i - 1;
    (next < 0 ? q : as[Math.min(next, as.length - 1)]).focus();
  });
  f.addEventListener("focusout", (ev) => { if (!f.contains(ev.relatedTarget)) close(); });
})();
