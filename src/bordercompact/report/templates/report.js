// Map layers: a checkbox per layer shows or hides the SVG group of that id. Without
// JavaScript the boxes stay hidden and every layer is shown.
document.querySelectorAll("input[data-layer]").forEach(function (box) {
  var layer = document.getElementById(box.getAttribute("data-layer"));
  if (!layer) {
    return;
  }
  box.closest(".layer-toggles").hidden = false;
  box.addEventListener("change", function () {
    layer.style.display = box.checked ? "" : "none";
  });
});
