// Glossary definitions show on hover and on focus by CSS alone
// (stylesheets/extra.css). Escape hides the one showing, without moving the
// pointer or the focus (WCAG 1.4.13); the next hover or focus shows it again.
document.addEventListener("keydown", function (event) {
  if (event.key === "Escape") document.documentElement.classList.add("terms-dismissed")
})
;["focusin", "pointerover"].forEach(function (type) {
  document.addEventListener(type, function () {
    document.documentElement.classList.remove("terms-dismissed")
  })
})
