"""Who sees and does what with plans and tasks: the rules (``policy``) and their SQL
(``repository``)."""
