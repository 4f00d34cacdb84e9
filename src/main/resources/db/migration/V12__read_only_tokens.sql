-- Read-only API tokens (issue 14): an agent given such a token through /mcp, or a script through
-- /api, can read everything a token reads but change nothing. Existing tokens keep writing.
ALTER TABLE api_tokens ADD COLUMN read_only BOOLEAN NOT NULL DEFAULT FALSE;
