"""The model: persistence-free, self-validating domain types and the one home of each rule.

The first of metro's three rings (model → repositories → services). Nothing here imports
SQLAlchemy, the repositories or the services; every other module calls the rule's home instead
of restating it.

=====================  ======================================================================
module                 what it holds
=====================  ======================================================================
=====================  ======================================================================
"""
