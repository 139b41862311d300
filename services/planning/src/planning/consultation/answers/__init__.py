"""部门答复 The departments' answers to a consultation."""
