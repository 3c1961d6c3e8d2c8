// Insats front-end behaviour. No inline scripts anywhere (strict Content-Security-Policy).
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so screen-reader users hear what must be fixed.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
  // Prevent double submits: a form disables its submit buttons once it is sent.
  document.querySelectorAll("form[method=post]").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type=submit]").forEach((b) => {
        setTimeout(() => { b.disabled = true; }, 0);
      });
    });
  });
});
