// Occupation suggestions while typing (progressive: without this file the field is plain text).
(function () {
  "use strict";
  var input = document.getElementById("f-desired_text");
  var list = document.getElementById("occupation-list");
  if (!input || !list || !window.fetch) { return; }
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (!q) { return; }
    timer = setTimeout(function () {
      fetch("/v1/occupations?limit=8&q=" + encodeURIComponent(q), { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) {
          list.textContent = "";
          (data.items || []).forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.name;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 250);
  });
})();

// A print button where there is one (the browser's own print works without it).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
