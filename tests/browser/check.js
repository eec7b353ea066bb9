// Browser checks of a built mailguide site, in headless Chromium through playwright-core:
//   axe-core on every page (light colour scheme) and on one page of every kind (dark);
//   the site search (type "me.com", follow the iCloud result) and other queries;
//   the email-address box ("someone@mac.com" lands on /icloud/);
//   the skip link and focus outline, and a copy button's name and spoken confirmation;
//   the home page without JavaScript;
//   screenshots of every page kind at 375 and 1280 px, light and dark;
//   the error overlay of `mailguide serve` (at $OVERLAY_BASE, a site with a planted error): axe
//   colour contrast, AA and AAA, in both colour schemes, and its screenshots.
// Usage: node check.js SITE_DIR BASE_URL OUT_DIR   (run by scripts/browser-checks.sh)
// Prints one line per check ("ok ..." or "FAIL ...") and writes OUT_DIR/axe.json; exits 1 on any
// failure.
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const [siteDir, base, outDir] = process.argv.slice(2);
if (!siteDir || !base || !outDir) {
  console.error("usage: node check.js SITE_DIR BASE_URL OUT_DIR");
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const FLAGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync",
];
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

// One page of every kind; the provider and guide are iCloud's (the pages a reader lands on most).
const KINDS = {
  home: "/",
  provider: "/icloud/",
  guide: "/icloud/iphone/",
  client: "/clients/thunderbird/",
  faq: "/faq/",
  troubleshooting: "/troubleshooting/",
  page: "/imap-vs-pop3/",
  404: "/404.html",
};

let failures = 0;
let passes = 0;
const ok = (what) => { passes++; console.log(`ok    ${what}`); };
const fail = (what, detail) => {
  failures++;
  console.log(`FAIL  ${what}`);
  if (detail) console.log(String(detail).replace(/^/gm, "      "));
};

/** A browser context that gives up on a missing element after 8 s, not Playwright's 30 s. */
async function context(browser, options) {
  const ctx = await browser.newContext(options);
  ctx.setDefaultTimeout(8000);
  return ctx;
}

/** Root-relative URLs of every HTML page of the built site. */
function pages(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".html")) {
        const rel = "/" + path.relative(dir, p).split(path.sep).join("/");
        out.push(rel.endsWith("/index.html") ? rel.slice(0, -"index.html".length) : rel);
      }
    }
  };
  walk(dir);
  return out.sort();
}

async function axe(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate((tags) => window.axe.run(document, { runOnly: tags, resultTypes: ["violations"] }), AXE_RULES);
}

function describe(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes.slice(0, 5).map((n) => `  ${n.target.join(" ")}: ${n.failureSummary.split("\n").slice(1, 3).join(" ").trim()}`).join("\n"))
    .join("\n");
}

async function checkAxe(browser, report) {
  for (const scheme of ["light", "dark"]) {
    const ctx = await context(browser, { colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const urls = scheme === "light" ? pages(siteDir) : Object.values(KINDS);
    let bad = 0;
    for (const url of urls) {
      await page.goto(base + url, { waitUntil: "load" });
      const result = await axe(page);
      report.push({ url, scheme, violations: result.violations });
      if (result.violations.length) {
        bad++;
        fail(`axe ${scheme} ${url}`, describe(result.violations));
      }
    }
    if (!bad) ok(`axe: no violations on ${urls.length} pages (${scheme} colour scheme)`);
    await ctx.close();
  }
}

/** Types a query into the header search and returns the visible results' text. */
async function search(page, query) {
  const box = page.locator("#search-q");
  await box.fill("");
  await box.pressSequentially(query, { delay: 20 });
  const results = page.locator("#search-results a");
  await results.first().waitFor({ state: "visible", timeout: 5000 });
  return results.allInnerTexts();
}

async function checkSearch(browser) {
  const ctx = await context(browser, { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  const what = 'search: type "me.com" on the FAQ page, see iCloud Mail first, follow it with the keyboard to /icloud/';
  try {
    await page.goto(base + "/faq/");
    const texts = await search(page, "me.com");
    if (!/iCloud Mail/.test(texts[0] || "")) throw new Error(`first result is ${JSON.stringify(texts[0])}; all: ${JSON.stringify(texts)}`);
    await page.waitForFunction(() => /result/.test(document.getElementById("search-status").textContent));
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => document.activeElement.getAttribute("href"));
    if (focused !== "/icloud/") throw new Error(`ArrowDown focused ${focused}, not the iCloud result`);
    await Promise.all([page.waitForURL(base + "/icloud/"), page.keyboard.press("Enter")]);
    const h1 = await page.locator("h1").innerText();
    if (!/iCloud/.test(h1)) throw new Error(`landed on a page whose h1 is ${JSON.stringify(h1)}`);
    ok(what);
  } catch (e) {
    fail(what, e.message);
  }

  // Other ways readers search: an address, a server name, a mail app, words of a FAQ answer.
  const cases = [
    ["someone@mac.com", /^Provider\s+iCloud Mail/i],
    ["smtp.mail.me.com", /^Provider\s+iCloud Mail/i],
    ["thunderbird", /^Mail app\s+Thunderbird($|\n)/i],
    ["@gmail.com", /^Provider\s+Gmail/i],
    ["revoke app-specific", /^(FAQ|Fix)\s/i],
  ];
  for (const [query, expected] of cases) {
    const w = `search: "${query}" shows ${expected} first`;
    try {
      await page.goto(base + "/");
      const texts = await search(page, query);
      if (!expected.test(texts[0])) throw new Error(`results: ${JSON.stringify(texts)}`);
      ok(w);
    } catch (e) {
      fail(w, e.message);
    }
  }

  const enter = 'search: "me.com" and Enter opens /icloud/';
  try {
    await page.goto(base + "/clients/thunderbird/");
    await search(page, "me.com");
    await Promise.all([page.waitForURL(base + "/icloud/"), page.locator("#search-q").press("Enter")]);
    ok(enter);
  } catch (e) {
    fail(enter, e.message);
  }
  await ctx.close();
}

async function checkFinder(browser) {
  const ctx = await context(browser, { viewport: { width: 375, height: 812 } });
  const page = await ctx.newPage();
  const what = 'email box: "someone@mac.com" and Enter on the home page lands on /icloud/';
  try {
    await page.goto(base + "/");
    const box = page.getByLabel("Your email address");
    await box.pressSequentially("someone@mac.com", { delay: 10 });
    await Promise.all([page.waitForURL(base + "/icloud/"), box.press("Enter")]);
    ok(what);
  } catch (e) {
    fail(what, e.message);
  }
  const unknown = "email box: an unknown domain stays on the page and says so";
  try {
    await page.goto(base + "/");
    const box = page.getByLabel("Your email address");
    await box.fill("someone@unknown-provider.example");
    await box.press("Enter");
    await page.waitForFunction(() => /unknown-provider\.example/.test(document.getElementById("finder-status").textContent));
    if (new URL(page.url()).pathname !== "/") throw new Error(`navigated to ${page.url()}`);
    ok(unknown);
  } catch (e) {
    fail(unknown, e.message);
  }
  await ctx.close();
}

async function checkKeyboardAndCopy(browser) {
  const ctx = await context(browser, { viewport: { width: 1280, height: 900 } });
  await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await ctx.newPage();
  const skip = "keyboard: the first Tab shows the skip link with a focus outline; Enter moves to the main content";
  try {
    await page.goto(base + "/icloud/");
    await page.keyboard.press("Tab");
    const link = await page.evaluate(() => {
      const a = document.activeElement, r = a.getBoundingClientRect(), st = getComputedStyle(a);
      return { text: a.textContent, top: r.top, bottom: r.bottom, outline: st.outlineStyle, width: st.outlineWidth };
    });
    if (link.text !== "Skip to content") throw new Error(`first Tab focuses ${JSON.stringify(link.text)}`);
    if (link.bottom <= 0 || link.top < 0) throw new Error(`the skip link stays off screen (${link.top}..${link.bottom})`);
    if (link.outline === "none" || link.width === "0px") throw new Error("the focused skip link has no outline");
    await page.keyboard.press("Enter");
    const focused = await page.evaluate(() => document.activeElement.id);
    if (focused !== "main") throw new Error(`focus went to #${focused}, not #main`);
    ok(skip);
  } catch (e) {
    fail(skip, e.message);
  }
  const copy = "copy button: named after its value, copies it, and says \"Copied\" in the live region";
  try {
    await page.goto(base + "/icloud/");
    const button = page.getByRole("button", { name: "Copy imap.mail.me.com" }).first();
    await button.click();
    await page.waitForFunction(() => document.getElementById("announcer").textContent === "Copied");
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    if (clip !== "imap.mail.me.com") throw new Error(`the clipboard holds ${JSON.stringify(clip)}`);
    ok(copy);
  } catch (e) {
    fail(copy, e.message);
  }
  await ctx.close();
}

async function checkWithoutJs(browser) {
  const ctx = await context(browser, { javaScriptEnabled: false, viewport: { width: 375, height: 812 } });
  const page = await ctx.newPage();
  const what = "without JavaScript: the home page lists iCloud Mail with its domains, and shows no dead boxes";
  try {
    await page.goto(base + "/");
    const item = page.locator("#provider-list li", { hasText: "iCloud Mail" });
    const text = await item.innerText();
    if (!/@me\.com/.test(text)) throw new Error(`the iCloud item reads ${JSON.stringify(text)}`);
    if ((await item.locator("a").getAttribute("href")) !== "/icloud/") throw new Error("the iCloud link does not go to /icloud/");
    for (const sel of ["#search-q", "#finder-email"]) {
      if (await page.locator(sel).isVisible()) throw new Error(`${sel} is visible but cannot work without JavaScript`);
    }
    ok(what);
  } catch (e) {
    fail(what, e.message);
  }
  await ctx.close();
}

async function screenshots(browser) {
  const dir = path.join(outDir, "screenshots");
  fs.mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const scheme of ["light", "dark"]) {
    for (const width of [375, 1280]) {
      const ctx = await context(browser, {
        colorScheme: scheme, viewport: { width, height: width < 800 ? 812 : 900 }, deviceScaleFactor: 1,
        isMobile: width < 800, hasTouch: width < 800,
      });
      const page = await ctx.newPage();
      for (const [kind, url] of Object.entries(KINDS)) {
        await page.goto(base + url, { waitUntil: "load" });
        await page.screenshot({ path: path.join(dir, `${kind}-${width}-${scheme}.png`), fullPage: true });
        n++;
      }
      await ctx.close();
    }
  }
  ok(`screenshots: ${n} written to ${dir}`);
}

/** The overlay of `mailguide serve` on a page of a site with an error: readable in both schemes. */
async function checkOverlay(browser, report) {
  const overlayBase = process.env.OVERLAY_BASE;
  if (!overlayBase) {
    fail("overlay: OVERLAY_BASE is not set (scripts/browser-checks.sh starts mailguide serve)");
    return;
  }
  const dir = path.join(outDir, "screenshots");
  fs.mkdirSync(dir, { recursive: true });
  for (const scheme of ["light", "dark"]) {
    for (const width of [375, 1280]) {
      const what = `overlay: ${scheme}, ${width} px: shown over /icloud/, no colour-contrast violations (AA and AAA)`;
      const ctx = await context(browser, {
        colorScheme: scheme, viewport: { width, height: width < 800 ? 812 : 900 }, deviceScaleFactor: 1,
        isMobile: width < 800, hasTouch: width < 800,
      });
      const page = await ctx.newPage();
      try {
        // serve rebuilds after the planted error within a second or two; reload until it shows.
        const deadline = Date.now() + 30000;
        for (;;) {
          await page.goto(overlayBase + "/icloud/", { waitUntil: "load" });
          if (await page.locator("#mailguide-overlay").count()) break;
          if (Date.now() > deadline) throw new Error("no overlay after 30 s");
          await page.waitForTimeout(500);
        }
        const text = await page.locator("#mailguide-overlay").innerText();
        if (!/secruity/.test(text) || !/icloud\.yaml/.test(text)) throw new Error(`the overlay reads ${JSON.stringify(text.slice(0, 300))}`);
        await page.addScriptTag({ content: AXE });
        const result = await page.evaluate(() => window.axe.run(
          { include: [["#mailguide-overlay"]] },
          { runOnly: { type: "rule", values: ["color-contrast", "color-contrast-enhanced"] }, resultTypes: ["violations", "passes"] },
        ));
        report.push({ url: "serve overlay /icloud/", scheme, width, violations: result.violations });
        const checked = result.passes.reduce((n, r) => n + r.nodes.length, 0);
        if (result.violations.length) throw new Error(describe(result.violations));
        if (checked < 3) throw new Error(`axe checked only ${checked} text nodes of the overlay`);
        await page.screenshot({ path: path.join(dir, `overlay-${width}-${scheme}.png`) });
        ok(`${what} (${checked} nodes)`);
      } catch (e) {
        fail(what, e.message);
      }
      await ctx.close();
    }
  }
}

(async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const report = [];
  try {
    await checkAxe(browser, report);
    await checkSearch(browser);
    await checkFinder(browser);
    await checkKeyboardAndCopy(browser);
    await checkWithoutJs(browser);
    await screenshots(browser);
    await checkOverlay(browser, report);
  } catch (e) {
    fail("browser checks stopped", e.stack || e);
  } finally {
    await browser.close();
  }
  fs.writeFileSync(path.join(outDir, "axe.json"), JSON.stringify(report, null, 1));
  console.log(`browser: ${passes} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
})();
