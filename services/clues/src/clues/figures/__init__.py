"""线索工作数据 Counts only: transferred, accepted, concluded, cases, sanctions, money."""
