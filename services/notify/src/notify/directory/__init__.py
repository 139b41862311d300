"""The directory of people notify writes to: account, roles, org, e-mail, digest choice."""
