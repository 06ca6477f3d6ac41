// A form came back with errors: the summary at the top takes the focus, so that
// keyboard and screen reader users start there (templates/includes/error_summary.html).
(function () {
  "use strict";
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
