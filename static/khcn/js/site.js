// Submit the language form on change (kept out of inline attributes so a strict CSP can hold).
document.addEventListener("change", function (event) {
  if (event.target && event.target.id === "lang-select") {
    event.target.form.submit();
  }
});
