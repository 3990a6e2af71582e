"""What both services share and no domain owns: settings, database, problems, auth, HTTP plumbing."""
