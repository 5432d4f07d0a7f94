// Forms marked data-busy: once submitted, their buttons are disabled (no second submit) and the
// "sedang memproses" note appears, for requests that take long (documents made in-process).
(function () {
  "use strict";
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.getAttribute("formtarget") === "_blank") { return; }  // preview tab
      if (form.getAttribute("data-busy-active")) { event.preventDefault(); return; }
      form.setAttribute("data-busy-active", "1");
      // After this event the browser has already collected the form data; disabling now is safe.
      window.setTimeout(function () {
        form.querySelectorAll("input[type=submit], button").forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
      var note = form.querySelector(".busy-note");
      if (note) { note.hidden = false; }
    });
  });
})();
