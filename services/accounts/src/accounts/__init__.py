"""账号服务 Accounts: people's accounts, password and single sign-on, the platform's tokens."""
