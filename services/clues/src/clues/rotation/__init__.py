"""密钥轮换 Key rotation: re-encrypt the sealed clue content and notes under the current key."""
