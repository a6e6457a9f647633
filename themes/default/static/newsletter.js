/* huddle default theme: the newsletter sign-up form (partials/newsletter.html).
   The form works without this script (the browser checks the address and
   posts it to the provider). With it, each form.newsletter-form:
   - checks the address itself and explains what is wrong in its status line
     (the browser's own bubbles are turned off: form.noValidate);
   - then acts on data-mode:
       stub    no backend: show the success note, clear the form;
       fetch   post in the background (x-www-form-urlencoded, Accept: JSON);
               2xx: success note and clear the form; otherwise the error note
               (plus the server's {"error": "..."} reason) and keep the address;
       native  let the browser post to the provider, which answers in a new
               tab: the page claims nothing.
   The status line (role=status, aria-live=polite) takes its notes from the
   form's data-success / data-error. form.dataset.ready = "true" once set up. */
(function () {
  "use strict";

  var FETCH_TIMEOUT_MS = 20000;

  // Why an address is not plausible, or "" if it is. Mirrors huddle's own
  // check (newsletter::plausible_email), so the stub and serve agree.
  function problemWith(address) {
    var a = address.trim();
    if (a === "") return "Please enter your email address.";
    if (a.length > 254) return "That address is too long for an email address.";
    var at = a.lastIndexOf("@");
    if (at === -1) return "Please enter a full email address, like name@example.org.";
    var local = a.slice(0, at);
    var domain = a.slice(at + 1);
    if (local === "" || domain === "") {
      return "Please enter a full email address, like name@example.org: a name before the @ and a domain after it.";
    }
    if (domain.indexOf(".") === -1 || domain.charAt(0) === "." ||
        domain.charAt(domain.length - 1) === "." || domain.indexOf("..") !== -1) {
      return "The part after the @ looks incomplete. Please enter a full address, like name@example.org.";
    }
    if (/[\s<>",;\u0000-\u001f\u007f]/.test(a) || local.indexOf("@") !== -1) {
      return "That address contains characters an email address cannot have (spaces, commas, quotes, a second @).";
    }
    return "";
  }

  function setUp(form) {
    var input = form.querySelector('input[type="email"]');
    var status = form.querySelector(".newsletter-status");
    var button = form.querySelector('button[type="submit"], button:not([type])');
    if (!input || !status) return;

    var mode = form.getAttribute("data-mode") || "native";
    var busy = false;
    var shown = 0; // the latest note; an older, delayed one is dropped

    // Show a note. The text is cleared first and set a moment later, so a
    // screen reader announces it again even when it repeats word for word.
    function show(kind, text) {
      var ticket = ++shown;
      status.textContent = "";
      status.classList.remove("is-success", "is-error");
      window.setTimeout(function () {
        if (ticket !== shown) return;
        if (kind) status.classList.add(kind);
        status.textContent = text;
      }, 60);
    }

    function showError(reason) {
      input.setAttribute("aria-invalid", "true");
      show("is-error", reason);
    }

    function showSuccess() {
      input.removeAttribute("aria-invalid");
      show("is-success", status.getAttribute("data-success") || "Thank you!");
      form.reset(); // ready for another address; hidden fields keep their values
    }

    // Once the address is edited, it is no longer the one that was refused.
    input.addEventListener("input", function () {
      input.removeAttribute("aria-invalid");
    });

    // The server's reason from a JSON answer such as {"error": "..."}, or "".
    function reasonFrom(response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("json") === -1) return Promise.resolve("");
      return response.json().then(function (body) {
        return body && typeof body.error === "string" ? body.error.trim() : "";
      }, function () {
        return "";
      });
    }

    function failed(reason) {
      var note = status.getAttribute("data-error") || "Sorry, that did not work.";
      if (reason) {
        note += " (" + reason.charAt(0).toUpperCase() + reason.slice(1).replace(/\.$/, "") + ".)";
      }
      showError(note); // the typed address stays in the field
      input.focus();
    }

    function post() {
      busy = true;
      if (button) button.disabled = true;
      form.setAttribute("aria-busy", "true");
      show("", "Sending…");

      var controller = typeof AbortController === "function" ? new AbortController() : null;
      var timer = controller ? window.setTimeout(function () { controller.abort(); }, FETCH_TIMEOUT_MS) : 0;

      function done() {
        busy = false;
        if (button) button.disabled = false;
        form.removeAttribute("aria-busy");
        if (timer) window.clearTimeout(timer);
      }

      // URLSearchParams makes fetch send application/x-www-form-urlencoded.
      fetch(form.action, {
        method: "POST",
        headers: { "Accept": "application/json" },
        body: new URLSearchParams(new FormData(form)),
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        if (response.ok) {
          done();
          showSuccess();
          return;
        }
        return reasonFrom(response).then(function (reason) {
          done();
          failed(reason);
        });
      }).catch(function () {
        // Offline, blocked, refused by CORS or timed out: nothing was saved.
        done();
        failed("");
      });
    }

    form.addEventListener("submit", function (event) {
      if (busy) {
        event.preventDefault(); // one sign-up at a time
        return;
      }
      // Our reason when we have one, else the browser's verdict (type=email,
      // required) in the same words.
      var problem = problemWith(input.value) ||
        (input.checkValidity() ? "" : "Please enter a full email address, like name@example.org.");
      if (problem) {
        event.preventDefault();
        showError(problem);
        input.focus(); // the typed value stays, ready to correct
        return;
      }
      input.removeAttribute("aria-invalid");

      if (mode === "stub") {
        event.preventDefault();
        showSuccess();
      } else if (mode === "fetch") {
        event.preventDefault();
        post();
      } else {
        // native: the browser posts the form; the provider answers in its own
        // tab (or page), so this page cannot know whether it worked.
        show("", form.target === "_blank" ? "Opening the sign-up page in a new tab…" : "");
      }
    });

    // The script explains problems in the status line instead of the
    // browser's bubbles (which some browsers show only briefly).
    form.noValidate = true;
    form.dataset.ready = "true";
  }

  function start() {
    var forms = document.querySelectorAll("form.newsletter-form");
    for (var i = 0; i < forms.length; i++) setUp(forms[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
