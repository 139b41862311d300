"""批量填写与批量验收 Tasks filled in, and claims accepted, several at once."""
