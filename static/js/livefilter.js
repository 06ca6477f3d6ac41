/* Live filters for a GET form marked data-live (the directory, the partner finder),
   as progressive enhancement on htmx: without JavaScript the form submits as usual.

   - A change of a checkbox, radio or select asks at once; typing in a text field asks
     after a pause (or at once on Enter). The same parameters are never asked twice.
   - htmx swaps the results (and, out of band, what depends on them) and pushes the
     address, so it can be shared and Back works (Back reloads that address).
   - A polite live region says how many results there are; the focus stays where it
     is (htmx puts it back on a replaced control with the same id).
   - Removing a chip ("Sprache: Russisch ×") clears that control and asks again.
   - On phones the filters sit in an offcanvas panel; "23 Ergebnisse anzeigen" closes it
     and moves the focus to the results heading.
   - Long lists of checkboxes (data-facet-search) get a field that filters them as you
     type; the text survives the update of the list.
   After each update the event named in data-live is sent on document, with
   {detail: {search: location.search}} (the directory's map listens to it). */
(function () {
  "use strict";

  var DELAY = 500;  // ms after the last key press in a text field

  function fold(text) {
    return text.toLowerCase().replace(/ß/g, "ss").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function isText(element) {
    return element.tagName === "INPUT" && /^(text|search|number)$/.test(element.type);
  }

  // The form's parameters as they would be sent (empty values left out: a shorter address).
  function parameters(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "") params.append(name, value);
    });
    if (!params.get("near")) params.delete("radius");
    return params;
  }

  function setupForm(form) {
    var headingId = form.dataset.liveHeading || "results-heading";
    var last = parameters(form).toString();
    var timer = null;
    // data-busy: while a pause in typing is pending or the latest request has not
    // landed. A request replaced by a newer one (hx-sync this:replace) is aborted;
    // its end must not make the form look settled while the newer one is on its way.
    var asked = 0;  // number of the latest request asked for
    var done = 0;  // number of the latest request that landed (swapped or failed)

    function markBusy() {
      if (timer !== null || asked > done) form.setAttribute("data-busy", "");
      else form.removeAttribute("data-busy");
    }

    function ask() {
      clearTimeout(timer);
      timer = null;
      var now = parameters(form).toString();
      if (now !== last) {
        last = now;
        asked += 1;
        htmx.trigger(form, "live");
      }
      markBusy();
    }

    form.addEventListener("change", function (event) {
      if (!event.target.name) return;  // e.g. the search field of a long list
      ask();  // also leaving a text field: its pause ends now
    });
    form.addEventListener("input", function (event) {
      if (!event.target.name || !isText(event.target)) return;
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
      markBusy();
    });
    // A submit (Enter, or the button) asks at once and then moves the focus to the
    // results heading, as the page loaded without JavaScript would show them.
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var open = document.querySelector(".offcanvas-lg.show");
      if (open && window.bootstrap) {
        showing = true;  // the heading gets the focus once the panel is closed
        window.bootstrap.Offcanvas.getOrCreateInstance(open).hide();
      } else {
        focusHeading = true;
      }
      ask();
      if (!form.hasAttribute("data-busy")) settled();
    });
    form.addEventListener("htmx:beforeRequest", function (event) {
      event.detail.xhr.liveNumber = asked;
    });
    form.addEventListener("htmx:validation:halted", function () {
      done = asked;  // the browser shows what to correct; no request is made
      markBusy();
    });
    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful) return;  // settled after the swap
      done = Math.max(done, event.detail.xhr.liveNumber || 0);  // nothing to swap
      markBusy();
    });
    // Leave out empty parameters (as parameters() does), so the pushed address is short.
    form.addEventListener("htmx:configRequest", function (event) {
      var wanted = parameters(form);
      var sent = event.detail.parameters;
      var names = typeof sent.keys === "function" ? Array.from(sent.keys()) : Object.keys(sent);
      names.forEach(function (name) {
        if (!wanted.has(name)) {
          if (typeof sent.delete === "function") sent.delete(name); else delete sent[name];
        }
      });
    });

    // Remove a chip: clear its control, ask again.
    document.addEventListener("click", function (event) {
      var chip = event.target.closest("a[data-remove-param]");
      if (!chip) return;
      var param = chip.dataset.removeParam;
      var value = chip.dataset.removeValue;
      var controls = form.querySelectorAll('[name="' + CSS.escape(param) + '"]');
      if (!controls.length) return;  // not a control of this form: follow the link
      event.preventDefault();
      Array.prototype.forEach.call(controls, function (control) {
        if (control.type === "checkbox") {
          if (control.value === value) control.checked = false;
        } else if (control.type === "radio") {
          control.checked = control.value === "";
        } else if (control.tagName === "SELECT" && control.multiple) {
          Array.prototype.forEach.call(control.options, function (option) {
            if (option.value === value) option.selected = false;
          });
          control.dispatchEvent(new Event("multiselect:refresh"));
        } else if (control.tagName === "SELECT") {
          control.value = "";
        } else {
          control.value = "";
        }
      });
      focusHeading = true;
      ask();
    });

    var focusHeading = false;
    var showing = false;  // the phone panel closes towards the results

    function settled() {
      markBusy();
      var heading = document.getElementById(headingId);
      if (focusHeading && heading) {
        heading.focus();
        heading.scrollIntoView({ block: "start" });
      }
      focusHeading = false;
    }
    var searches = {};  // id of a list's search field -> its text, kept across updates

    form.addEventListener("htmx:beforeSwap", function () {
      Array.prototype.forEach.call(document.querySelectorAll("[data-facet-search] input"), function (input) {
        searches[input.id] = input.value;
      });
    });
    var targetId = (form.getAttribute("data-hx-target") || "#results").slice(1);
    document.addEventListener("htmx:afterSettle", function (event) {
      if (event.target.id !== targetId) return;  // once, for the results (not each out-of-band part)
      if (event.detail.xhr) done = Math.max(done, event.detail.xhr.liveNumber || 0);
      enhanceLists(document);
      // A field whose message came out of band (an unknown place): mark it invalid or valid.
      Array.prototype.forEach.call(document.querySelectorAll("[data-feedback-for]"), function (box) {
        var field = document.getElementById(box.dataset.feedbackFor);
        var error = box.querySelector("[id]");
        if (!field) return;
        field.classList.toggle("is-invalid", !!error);
        if (error) field.setAttribute("aria-invalid", "true"); else field.removeAttribute("aria-invalid");
        var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
          return id && id !== (error ? error.id : "") && !/-error$/.test(id);
        });
        if (error) described.push(error.id);
        field.setAttribute("aria-describedby", described.join(" "));
      });
      var status = document.getElementById("live-status");
      var heading = document.getElementById(headingId);
      if (status && heading) status.textContent = heading.textContent.trim();
      settled();
      if (form.dataset.live) {
        document.dispatchEvent(new CustomEvent(form.dataset.live, { detail: { search: location.search } }));
      }
    });

    // The phone panel: a name for the dialog, and "N Ergebnisse anzeigen" to the results.
    var panel = document.getElementById("filters");
    if (panel) {
      panel.addEventListener("show.bs.offcanvas", function () {
        panel.setAttribute("aria-labelledby", "filters-title");
      });
      panel.addEventListener("hidden.bs.offcanvas", function () {
        panel.removeAttribute("aria-labelledby");
        if (showing) {
          showing = false;
          // after Bootstrap, which gives the focus back to the "Filter" button
          setTimeout(function () {
            var heading = document.getElementById(headingId);
            if (heading) heading.focus();
          }, 0);
        }
      });
      var show = document.getElementById("show-results");
      if (show) show.addEventListener("click", function () { ask(); showing = true; });
    }

    function enhanceLists(root) {
      Array.prototype.forEach.call(root.querySelectorAll("[data-facet-search]"), function (box) {
        var input = box.querySelector("input");
        var fieldset = box.closest("fieldset");
        if (!input || !fieldset) return;
        box.hidden = false;
        if (searches[input.id] !== undefined && input.value === "") input.value = searches[input.id];
        if (!input.dataset.ready) {
          input.dataset.ready = "1";
          input.addEventListener("input", function () { filterList(fieldset, input, box); });
          input.addEventListener("keydown", function (event) {
            if (event.key === "Enter") event.preventDefault();  // not a submit
          });
        }
        if (input.value) filterList(fieldset, input, box, true);
      });
    }

    function filterList(fieldset, input, box, quiet) {
      var query = fold(input.value.trim());
      var shown = 0;
      Array.prototype.forEach.call(fieldset.querySelectorAll(".form-check"), function (item) {
        var key = " " + fold(item.textContent).replace(/[^a-z0-9]+/g, " ");
        var match = query === "" || key.indexOf(" " + query) !== -1;
        item.hidden = !match;
        if (match) shown += 1;
      });
      var more = fieldset.querySelector("details");
      if (more) {
        if (query !== "") {
          if (!more.dataset.wasOpen) more.dataset.wasOpen = more.open ? "1" : "0";
          more.open = true;
        } else if (more.dataset.wasOpen) {
          more.open = more.dataset.wasOpen === "1";
          delete more.dataset.wasOpen;
        }
      }
      var status = box.querySelector("[role=status]");
      if (status && !quiet) {
        status.textContent = shown ? input.dataset.found.replace("{n}", shown) : input.dataset.none;
      }
    }

    enhanceLists(document);
  }

  function start() {
    if (typeof htmx === "undefined") return;  // the form works as a plain form
    Array.prototype.forEach.call(document.querySelectorAll("form[data-live]"), setupForm);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
