"""E-mail over SMTP: one mail per item, or a daily digest per person."""
