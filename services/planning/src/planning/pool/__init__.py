"""人才库 Talent pool: cadres, their posts and relatives, the avoidance settings and the
XLSX import."""
