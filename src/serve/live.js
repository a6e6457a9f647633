// huddle serve's live reload: injected into pages by `huddle serve` only,
// never into `huddle build` output. It listens on a Server-Sent Events stream:
// "reload" after a rebuild (reload this page if it changed; swap stylesheets
// when only CSS changed) and "build-error" with the errors to show as an overlay.
(() => {
  "use strict";
  const here = () => (location.pathname.endsWith("/") ? location.pathname + "index.html" : location.pathname);
  let overlay = null;

  function showErrors(errors, nothingBuilt) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "huddle-error-overlay";
      overlay.setAttribute("role", "alertdialog");
      overlay.setAttribute("aria-label", "Build error");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,20,.95);color:#fff;font:14px/1.5 ui-monospace,monospace;";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    const h = document.createElement("h2");
    // Before the first good build there is no last good page to fall back on.
    h.textContent = nothingBuilt
      ? "huddle: nothing has built yet. Fix these errors and save; the site appears by itself"
      : "huddle: the last save broke the build (the page below is the last good one)";
    h.style.cssText = "font:bold 16px system-ui,sans-serif;margin:0 0 1rem;color:#ff9e9e";
    overlay.appendChild(h);
    for (const e of errors) {
      const pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0 0 1.5rem";
      pre.textContent = e.frame; // text, never HTML: a file's content cannot inject markup
      overlay.appendChild(pre);
    }
  }

  const events = new EventSource("/__huddle/events");
  events.addEventListener("build-error", (e) => {
    const report = JSON.parse(e.data);
    showErrors(report.errors, report.nothing_built);
  });
  events.addEventListener("reload", (e) => {
    const change = JSON.parse(e.data);
    if (overlay) {
      location.reload();
    } else if (change.css_only) {
      for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
        const url = new URL(link.href);
        url.searchParams.set("huddle-reload", Date.now());
        link.href = url.href;
      }
    } else if (change.paths.includes(here())) {
      location.reload();
    }
  });
})();
