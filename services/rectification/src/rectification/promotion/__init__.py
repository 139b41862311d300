"""The promotion check (干部任用必审): before a cadre is promoted, transferred or advanced,
the organization department asks whether rectification he owns (as the leader in charge,
领办, or as the person responsible) or his org's rectification is overdue or unaccepted.

Answered from this service's own tables in one query that the partial indexes on
unaccepted tasks serve (by owner account, responsible person or org), with no call to any
other service: it is asked in the middle of a cadre procedure.
"""
