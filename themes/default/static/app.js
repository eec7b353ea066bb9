// mailguide default theme. Enhancements only: pages work without it.
(() => {
  const d = document;
  const each = (s, f) => d.querySelectorAll(s).forEach(f);
  d.documentElement.classList.add("js");
  each("[data-js-only]", (e) => { e.hidden = false; });

  const live = d.getElementById("announcer");
  const say = (m) => { live.textContent = ""; setTimeout(() => { live.textContent = m; }, 50); };
  const domains = (li) => (li.dataset.domains || "").split(" ");
  const clean = (v) => { v = v.trim().toLowerCase(); return v.slice(v.lastIndexOf("@") + 1).replace(/\.$/, ""); };

  // Copy buttons; without the Clipboard API (plain HTTP), select the value
  d.addEventListener("click", (ev) => {
    const b = ev.target.closest("button.copy");
    if (!b) return;
    const c = navigator.clipboard;
    (c ? c.writeText(b.dataset.copy) : Promise.reject()).then(() => {
      b.textContent = "Copied"; b.classList.add("done"); say("Copied");
      clearTimeout(b.t);
      b.t = setTimeout(() => { b.textContent = "Copy"; b.classList.remove("done"); }, 2000);
    }, () => {
      if (b.previousElementSibling) getSelection().selectAllChildren(b.previousElementSibling);
      say("Could not copy. The text is selected: copy it by hand.");
    });
  });

  // Filter the provider list by name or domain as you type
  each("input[data-filter]", (inp) => {
    const list = d.getElementById(inp.dataset.filter);
    const out = d.getElementById(inp.getAttribute("aria-describedby"));
    if (!list) return;
    const items = [...list.children];
    let timer;
    inp.addEventListener("input", () => {
      const q = clean(inp.value);
      let n = 0;
      items.forEach((li) => {
        const hit = !q || (li.dataset.name || "").includes(q) || domains(li).some((x) => x.startsWith(q));
        li.hidden = !hit;
        if (hit) n++;
      });
      clearTimeout(timer);
      timer = setTimeout(() => {
        out.textContent = !q ? "" : n ? `${n} of ${items.length} providers shown.` : `No provider matches “${inp.value.trim()}”.`;
      }, 350);
    });
  });

  // "Find my settings": match the domain (or a parent) to data-domains
  each("form[data-finder]", (f) => {
    const list = d.getElementById(f.dataset.finder), inp = f.querySelector("input"), out = f.querySelector("[role=status]");
    f.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const dom = clean(inp.value);
      let hit = null;
      if (dom.indexOf(".") < 1) { out.textContent = "Type your full email address, like name@example.com."; inp.focus(); return; }
      for (let p = dom; !hit && p.indexOf(".") > 0; p = p.slice(p.indexOf(".") + 1)) {
        hit = list && [...list.children].find((li) => domains(li).includes(p));
      }
      if (hit) {
        const a = hit.querySelector("a");
        out.textContent = `Opening ${a.textContent}…`;
        location.href = a.href;
      } else {
        out.textContent = `No settings for @${dom} here yet. Check the list below or your provider’s help pages.`;
      }
    });
  });

  // Markdown tables scroll in a focusable region
  each(".prose table", (t, i) => {
    if (t.parentNode.classList.contains("table-wrap")) return;
    const w = d.createElement("div"), c = t.querySelector("caption");
    w.className = "table-wrap"; w.tabIndex = 0; w.setAttribute("role", "region");
    w.setAttribute("aria-label", c ? c.textContent : `Table ${i + 1}`);
    t.before(w); w.append(t);
  });

  // Open the <details> in the URL hash; open all to print
  const target = () => {
    const e = location.hash && d.getElementById(decodeURIComponent(location.hash.slice(1)));
    const det = e && e.closest("details");
    if (det) det.open = true;
  };
  target();
  addEventListener("hashchange", target);
  let shut = [];
  addEventListener("beforeprint", () => { shut = []; each("details:not([open])", (e) => { e.open = true; shut.push(e); }); });
  addEventListener("afterprint", () => shut.forEach((e) => { e.open = false; }));
})();
