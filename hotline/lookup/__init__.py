"""The citizens' progress lookup: /lookup/ and POST /api/v1/public/lookup/ (no sign-in)."""
