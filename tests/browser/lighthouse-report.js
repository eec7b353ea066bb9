// Reads Lighthouse JSON reports, writes a summary (OUT_DIR/lighthouse.json and lighthouse.md) and
// fails when a score is below its target. Lighthouse itself exits 0 whatever the scores.
// Usage: node lighthouse-report.js OUT_DIR REPORT.json...   (run by scripts/browser-checks.sh)
"use strict";
const fs = require("fs");
const path = require("path");

const TARGETS = { performance: 95, accessibility: 100, "best-practices": 100, seo: 100 };
const [outDir, ...reports] = process.argv.slice(2);
if (!outDir || !reports.length) {
  console.error("usage: node lighthouse-report.js OUT_DIR REPORT.json...");
  process.exit(2);
}

const summary = { targets: TARGETS, pages: [] };
const lines = [
  "# Lighthouse scores",
  "",
  `Targets: ${Object.entries(TARGETS).map(([k, v]) => `${k} ${v}`).join(", ")}.`,
  "",
  "| page | " + Object.keys(TARGETS).join(" | ") + " |",
  "|---|" + Object.keys(TARGETS).map(() => "---:").join("|") + "|",
];
let failed = 0;
for (const file of reports) {
  const lhr = JSON.parse(fs.readFileSync(file, "utf8"));
  const url = new URL(lhr.finalDisplayedUrl || lhr.requestedUrl).pathname;
  const scores = {};
  const misses = [];
  for (const [id, target] of Object.entries(TARGETS)) {
    const cat = lhr.categories[id];
    const score = cat && cat.score !== null ? Math.round(cat.score * 100) : null;
    scores[id] = score;
    if (score === null || score < target) {
      failed++;
      // Name the audits that cost points, so a failure says what to fix.
      const lost = (cat ? cat.auditRefs : [])
        .filter((r) => r.weight > 0 && lhr.audits[r.id] && lhr.audits[r.id].score !== null && lhr.audits[r.id].score < 1)
        .map((r) => `${r.id} (${lhr.audits[r.id].displayValue || lhr.audits[r.id].score})`);
      misses.push(`${id} ${score} < ${target}: ${lost.join(", ") || (lhr.runtimeError && lhr.runtimeError.message) || "no audit named"}`);
    }
  }
  const metrics = {};
  for (const id of ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index"]) {
    if (lhr.audits[id]) metrics[id] = lhr.audits[id].displayValue;
  }
  summary.pages.push({ url, scores, metrics, report: path.basename(file), lighthouse: lhr.lighthouseVersion });
  lines.push(`| ${url} | ` + Object.keys(TARGETS).map((k) => (scores[k] ?? "–")).join(" | ") + " |");
  const shown = Object.entries(scores).map(([k, v]) => `${k} ${v}`).join(", ");
  if (misses.length) {
    console.log(`FAIL  lighthouse ${url}: ${shown}`);
    for (const m of misses) console.log(`      ${m}`);
  } else {
    console.log(`ok    lighthouse ${url}: ${shown}`);
  }
}
lines.push("", "Metrics (simulated mobile, Lighthouse's default throttling):", "");
for (const p of summary.pages) {
  lines.push(`- ${p.url}: ` + Object.entries(p.metrics).map(([k, v]) => `${k} ${v}`).join(", "));
}
fs.writeFileSync(path.join(outDir, "lighthouse.json"), JSON.stringify(summary, null, 2) + "\n");
fs.writeFileSync(path.join(outDir, "lighthouse.md"), lines.join("\n") + "\n");
process.exit(failed ? 1 : 0);
