package dev.mcpwatch.web;

/**
 * What every dashboard page's frame shows: the title, who is logged in, the CSRF token its forms
 * carry (the logout button is a form too), and which section of the navigation is current.
 */
public record Frame(String title, String user, String csrf, String section) {}
