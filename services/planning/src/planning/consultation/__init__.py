"""巡前函询 Pre-inspection consultation."""
