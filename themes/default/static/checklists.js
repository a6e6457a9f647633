/* huddle default theme: remember checklist ticks on this device.
   The checklists work without this script (boxes tick, Reset restores the
   author's defaults); it only adds saving in localStorage and keeps the
   "N of M done" line up to date, worded in the page's language. One key per checklist:
   "huddle:" + page path + ":" + form id  ->  JSON {checkboxId: true|false}. */
(function () {
  "use strict";

  // localStorage may be missing or throw (private mode, disabled storage,
  // full quota): every access goes through these two helpers.
  function read(key) {
    try {
      var value = JSON.parse(window.localStorage.getItem(key));
      return value && typeof value === "object" ? value : null;
    } catch (e) {
      return null; // corrupt JSON or no storage: keep the author's defaults
    }
  }

  function write(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, JSON.stringify(value));
      }
    } catch (e) {
      // Not saved; the boxes still work for this visit.
    }
  }

  function setUp(form) {
    var key = "huddle:" + window.location.pathname + ":" + form.id;
    var boxes = form.querySelectorAll('input[type="checkbox"]');
    var progress = form.querySelector(".checklist-progress");

    // The line's wording in the page's language: data-forms holds its text,
    // or its plural forms by category, with {done} and {total} to fill in.
    var forms = null;
    try {
      forms = JSON.parse(progress ? progress.getAttribute("data-forms") : "null");
    } catch (e) {
      forms = null;
    }
    var rules = null;
    try {
      rules = new Intl.PluralRules(document.documentElement.lang || "en");
    } catch (e) {
      rules = null;
    }

    function progressText(done, total) {
      var form = "{done} / {total}";
      if (typeof forms === "string") {
        form = forms;
      } else if (forms && typeof forms === "object") {
        var category = rules ? rules.select(done) : "other";
        form = forms[category] || forms.other || form;
      }
      return form.split("{done}").join(String(done)).split("{total}").join(String(total));
    }

    function updateProgress() {
      if (!progress) return;
      var done = 0;
      for (var i = 0; i < boxes.length; i++) {
        if (boxes[i].checked) done++;
      }
      progress.textContent = progressText(done, boxes.length);
    }

    // Restore saved ticks; ids that are no longer on the page are ignored,
    // boxes without a saved value keep the author's default.
    var saved = read(key);
    if (saved) {
      for (var i = 0; i < boxes.length; i++) {
        var state = saved[boxes[i].id];
        if (typeof state === "boolean") boxes[i].checked = state;
      }
    }
    updateProgress();

    form.addEventListener("change", function () {
      var state = {};
      for (var i = 0; i < boxes.length; i++) state[boxes[i].id] = boxes[i].checked;
      write(key, state);
      updateProgress();
    });

    // "reset" fires before the boxes are reset: forget the saved ticks now,
    // count again once the browser has restored the defaults.
    form.addEventListener("reset", function () {
      write(key, null);
      window.setTimeout(updateProgress, 0);
    });
    form.dataset.ready = "true"; // saving is on (a hook for tests and styles)
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form.checklist");
    for (var i = 0; i < forms.length; i++) {
      if (forms[i].id) setUp(forms[i]);
    }
  });
})();
