// The sample's contact form sends nothing: a real help center connects it to its ticketing system. (A script file
// rather than an onsubmit attribute, so the page keeps to the endpoint's Content-Security-Policy.)
document.getElementById("kb-contact").addEventListener("submit", function (event) {
  event.preventDefault();
  document.getElementById("kb-contact-sent").hidden = false;
});
