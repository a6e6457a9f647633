// Runs axe-core in Debian's Chromium on the given pages of a site served at
// BASE, in light and dark mode, and fails on any serious or critical violation.
//   node .ci/axe.js http://127.0.0.1:8000 / /articles/foo/ ...
// Needs playwright-core and axe-core (CI installs them outside the repo and
// points NODE_PATH at them).
"use strict";
const { chromium } = require("playwright-core");
const fs = require("fs");

const [base, ...paths] = process.argv.slice(2);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  let failures = 0;
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    for (const path of paths) {
      const response = await page.goto(base + path);
      if (!response || !response.ok()) {
        console.log(`${scheme} ${path}: HTTP ${response && response.status()}`);
        failures++;
        continue;
      }
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(() => window.axe.run());
      for (const v of result.violations) {
        const serious = v.impact === "serious" || v.impact === "critical";
        console.log(`${serious ? "FAIL" : "note"} ${scheme} ${path}: ${v.impact} ${v.id} (${v.nodes.length}) ${v.nodes[0].target.join(" ")}`);
        if (serious) failures++;
      }
    }
    await context.close();
  }
  await browser.close();
  console.log(`axe: ${paths.length} pages x 2 colour schemes, ${failures} serious or critical violations`);
  process.exit(failures ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
