"""村分类办法 The classification method of a jurisdiction: read, save a version, history."""
