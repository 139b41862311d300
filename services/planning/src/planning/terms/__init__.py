"""届 Terms: their scope (应巡对象) and full coverage (全覆盖)."""
