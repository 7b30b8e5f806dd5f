// Empty the chat box once htmx has posted the message (kept out of the template: CSP forbids
// inline scripts and htmx's hx-on attributes, which need eval).
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.target.closest && event.target.closest("form.chat-form");
  if (form && event.detail.successful) {
    form.reset();
  }
});
