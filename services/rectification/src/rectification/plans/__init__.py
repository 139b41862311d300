"""整改方案与任务 Plans and tasks."""
