"""调整申请 Change requests: the org asks the office to change what was decided on a task."""
