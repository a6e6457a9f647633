// Refreshes the screenshots in this folder from a built sample site:
//   cargo run --release -- build
//   python3 -m http.server --bind 127.0.0.1 --directory public 8765 &
//   npm install playwright-core      (anywhere; then NODE_PATH=.../node_modules)
//   node docs/screenshots/shoot.js http://127.0.0.1:8765 [http://127.0.0.1:8766]
// The second address, if given, serves the sample built with language = "de"
// (its home page is shot as home-de-*).
// Uses Debian's Chromium (/usr/bin/chromium, or CHROMIUM=path).
const { chromium } = require("playwright-core");
const path = require("path");

const base = process.argv[2] || "http://127.0.0.1:8765";
const german = process.argv[3];
const pages = {
  home: "/",
  article: "/articles/listening-past-your-own-ego/",
  level: "/levels/reciprocal/",
  check: "/levels/check/",
};
const sizes = { 375: 812, 1280: 900 };

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  for (const scheme of ["light", "dark"]) {
    for (const [width, height] of Object.entries(sizes)) {
      const page = await browser.newPage({
        viewport: { width: Number(width), height },
        colorScheme: scheme,
      });
      for (const [name, url] of Object.entries(pages)) {
        await page.goto(base + url, { waitUntil: "networkidle" });
        await page.screenshot({ path: path.join(__dirname, `${name}-${width}-${scheme}.png`) });
      }
      // The self-check answered, its result shown.
      await page.goto(base + pages.check, { waitUntil: "networkidle" });
      const questions = page.locator("fieldset[data-question]");
      for (let q = 0; q < (await questions.count()); q++) {
        await questions.nth(q).locator("button.check-answer").nth(2).click();
      }
      await page.waitForSelector("#check-result h2");
      await page.locator("#check-result").scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(__dirname, `check-answered-${width}-${scheme}.png`) });
      if (german) {
        await page.goto(german + "/", { waitUntil: "networkidle" });
        await page.screenshot({ path: path.join(__dirname, `home-de-${width}-${scheme}.png`) });
      }
      // A callout as it sits in its article.
      await page.goto(base + pages.article, { waitUntil: "networkidle" });
      const callout = page.locator(".callout").first();
      await callout.scrollIntoViewIfNeeded();
      await callout.screenshot({ path: path.join(__dirname, `callout-${width}-${scheme}.png`) });
      await page.close();
    }
  }
  await browser.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
