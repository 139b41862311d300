"""From a consumed event to notifications and deliveries, as the rules say."""
