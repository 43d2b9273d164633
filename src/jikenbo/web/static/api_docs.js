// Starts Swagger UI on /api/docs. A file of its own, not an inline script: the casebook's
// Content-Security-Policy runs only scripts served by this server.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null, // never ask swagger.io to validate the document
    tryItOutEnabled: false
  });
});
