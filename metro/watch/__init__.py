"""Watches the scheduler runs: what to flag and whom to tell. Each service takes the date it is
for (``at``) and the time of the run (``now``), flags what it finds, adds notifications to the
outbox (idempotently) and returns what it flagged; none reads the clock or commits.

==================  =========================================================================
``due``             assets that are ``due_soon``, ``overdue``, ``untraceable`` or ``suspect``
``exams``           public standards whose examination certificate (考核证书) ends within
                    6 months (renewal is applied for 6 months ahead), or has ended
``coverage``        a coverage snapshot, flagged below the 95 % target or when it fell
``impact``          failed standards: the impact report and every owner of a suspect asset
``runs``            one run per job and trigger, however many processes fire it
==================  =========================================================================
"""
