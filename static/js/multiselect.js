/* A searchable multi-select (the WAI-ARIA combobox pattern with a listbox), made
   from a plain <select multiple data-multiselect>. Without JavaScript the select
   box stays as it is. The select stays in the form (hidden) and holds the value;
   the texts come translated in data attributes (directory/widgets.py). */
(function () {
  "use strict";

  // German collation for matching, as directory/term_choices.py: ä = a, ß = ss, no accents.
  function fold(text) {
    return text.toLowerCase().replace(/ß/g, "ss").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function text(template, value) {
    return template.replace("%s", value).replace("%n", value);
  }

  function make(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  function enhance(select) {
    var data = select.dataset;
    var id = select.id;
    var label = document.querySelector('label[for="' + id + '"]');
    if (!label) return;
    var labelId = label.id || (label.id = id + "_label");
    var wrap = make("div", { "class": "multiselect" });
    var chips = make("ul", { "class": "multiselect-chips list-unstyled", "aria-label": label.textContent.trim() + ": " + data.chosen });
    var input = make("input", {
      type: "text", id: id + "_search", "class": "form-control", role: "combobox",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": id + "_list",
      autocomplete: "off", placeholder: data.searchLabel
    });
    var described = select.getAttribute("aria-describedby");
    if (described) input.setAttribute("aria-describedby", described);
    var list = make("div", { id: id + "_list", role: "listbox", "aria-multiselectable": "true", "aria-labelledby": labelId, "class": "multiselect-list", hidden: "" });
    var status = make("div", { role: "status", "aria-live": "polite", "class": "visually-hidden" });
    var options = [];  // {option, node, key}

    function addOption(parent, option) {
      var node = make("div", { role: "option", id: id + "_opt_" + options.length, "class": "multiselect-option" });
      node.textContent = option.textContent;
      parent.appendChild(node);
      // Matched at the start of any word: "far" finds "Persisch (Farsi)".
      options.push({ option: option, node: node, key: " " + fold(option.textContent).replace(/[^a-z0-9]+/g, " ") });
    }
    Array.prototype.forEach.call(select.children, function (child, index) {
      if (child.tagName === "OPTGROUP") {
        var group = make("div", { role: "group", "aria-label": child.label, "class": "multiselect-group" });
        var heading = make("div", { "aria-hidden": "true", "class": "multiselect-group-label" });
        heading.textContent = child.label;
        group.appendChild(heading);
        Array.prototype.forEach.call(child.children, function (option) { addOption(group, option); });
        list.appendChild(group);
      } else if (child.tagName === "OPTION") {
        addOption(list, child);
      }
    });

    label.setAttribute("for", input.id);
    input.setAttribute("aria-labelledby", labelId);
    if (data.help && described) {
      described.split(" ").forEach(function (helpId) {
        var help = document.getElementById(helpId);
        if (help && helpId.indexOf("helptext") !== -1) help.textContent = data.help;
      });
    }
    select.hidden = true;
    select.setAttribute("tabindex", "-1");
    select.parentNode.insertBefore(wrap, select);
    wrap.appendChild(chips);
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(status);
    wrap.appendChild(select);

    var active = -1;

    function visible() {
      return options.filter(function (item) { return !item.node.hidden; });
    }

    function setActive(item) {
      options.forEach(function (other) { other.node.classList.remove("active"); });
      if (item) {
        item.node.classList.add("active");
        input.setAttribute("aria-activedescendant", item.node.id);
        item.node.scrollIntoView({ block: "nearest" });
        active = options.indexOf(item);
      } else {
        input.removeAttribute("aria-activedescendant");
        active = -1;
      }
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(null);
    }

    function filter() {
      var query = fold(input.value.trim());
      options.forEach(function (item) { item.node.hidden = query !== "" && item.key.indexOf(" " + query) === -1; });
      Array.prototype.forEach.call(list.querySelectorAll('[role="group"]'), function (group) {
        group.hidden = !group.querySelector('[role="option"]:not([hidden])');
      });
      var shown = visible();
      open();
      setActive(query !== "" ? shown[0] : null);
      status.textContent = shown.length ? text(data.found, shown.length) : data.none;
    }

    function render() {
      chips.textContent = "";
      options.forEach(function (item) {
        item.node.setAttribute("aria-selected", item.option.selected ? "true" : "false");
        if (!item.option.selected) return;
        var chip = make("li", { "class": "multiselect-chip" });
        var name = make("span");
        name.textContent = item.option.textContent;
        var remove = make("button", { type: "button", "class": "btn-close-chip", "aria-label": text(data.remove, item.option.textContent) });
        remove.textContent = "×";
        remove.addEventListener("click", function () {
          toggle(item);
          input.focus();
        });
        chip.appendChild(name);
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
      chips.hidden = !chips.children.length;
    }

    function toggle(item) {
      item.option.selected = !item.option.selected;
      render();
      status.textContent = text(item.option.selected ? data.added : data.removed, item.option.textContent);
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function choose(item) {
      toggle(item);
      input.value = "";
      close();
    }

    function move(step) {
      var shown = visible();
      if (!shown.length) return;
      open();
      var at = shown.indexOf(options[active]);
      var next = at === -1 ? (step > 0 ? 0 : shown.length - 1) : Math.min(Math.max(at + step, 0), shown.length - 1);
      setActive(shown[next]);
    }

    input.addEventListener("input", filter);
    input.addEventListener("click", function () { if (list.hidden) filter(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) filter();
        move(1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        move(-1);
      } else if (event.key === "Enter") {
        if (!list.hidden) {
          event.preventDefault();  // choose, do not submit the form (it submits once closed)
          if (active !== -1) choose(options[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          event.stopPropagation();  // closes the list only, not the phone panel around it
          close();
        } else {
          input.value = "";
        }
      } else if (event.key === "Backspace" && input.value === "") {
        var chosen = options.filter(function (item) { return item.option.selected; });
        if (chosen.length) toggle(chosen[chosen.length - 1]);
      } else if (event.key === "Tab") {
        close();
      }
    });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the focus
    list.addEventListener("click", function (event) {
      var node = event.target.closest('[role="option"]');
      if (!node) return;
      options.forEach(function (item) { if (item.node === node) toggle(item); });
      input.focus();
    });
    input.addEventListener("blur", function () { close(); });
    select.addEventListener("multiselect:refresh", render);  // options changed by a script
    render();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("select[multiple][data-multiselect]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
