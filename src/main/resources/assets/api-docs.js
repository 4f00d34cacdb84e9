// Renders /api/openapi.json; a separate file because the page's Content-Security-Policy allows no inline script.
window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#api",
  deepLinking: true,
  // A session cookie is sent by the browser itself; writes with it also need the X-CSRF-Token header.
  withCredentials: true
});
