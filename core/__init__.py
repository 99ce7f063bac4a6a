"""The foundation: small mechanisms every app may use. It imports no app of the project."""
