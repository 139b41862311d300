"""红黄牌预警 Warning cards."""
