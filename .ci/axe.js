// Runs axe-core in Debian's Chromium on the given pages of a site served at
// BASE, in light and dark mode, and fails on any violation of any impact.
// The level self-check is checked again with its result shown.
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
      const check = async (state) => {
        const result = await page.evaluate(() => window.axe.run());
        for (const v of result.violations) {
          console.log(`FAIL ${scheme} ${state}: ${v.impact} ${v.id} (${v.nodes.length}) ${v.nodes[0].target.join(" ")}`);
          failures++;
        }
      };
      await check(path);
      // The self-check with one answer to each question, its result shown.
      const questions = await page.locator("fieldset[data-question]").count();
      if (questions) {
        for (let q = 0; q < questions; q++) {
          await page.locator("fieldset[data-question]").nth(q).locator("button.check-answer").nth(q % 3).click();
        }
        await page.waitForSelector("#check-result h2");
        await check(`${path} (answered)`);
      }
    }
    await context.close();
  }
  await browser.close();
  console.log(`axe: ${paths.length} pages x 2 colour schemes, ${failures} violations`);
  process.exit(failures ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
