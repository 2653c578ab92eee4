// Progressive enhancement: after a refused submission, move focus to the error summary so keyboard and
// screen-reader users reach it first (it is already first in <main> without this script).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
