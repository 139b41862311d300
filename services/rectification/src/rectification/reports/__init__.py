"""The rectification report (整改报告) at the end of the concentrated period, signed with the
truthfulness commitment, and its disclosure (inside the party, to the public)."""
