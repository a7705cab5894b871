// Glossary terms (<abbr title>) show their definition on hover with
// Material's content.tooltips; making them focusable shows it to keyboard
// users too (WCAG 1.4.13, 2.1.1). Runs on every page, also after instant
// navigation (document$ emits on each page).
document$.subscribe(function () {
  document.querySelectorAll(".md-content abbr[title]").forEach(function (abbr) {
    if (!abbr.hasAttribute("tabindex")) abbr.setAttribute("tabindex", "0")
  })
})
