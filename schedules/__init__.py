"""The scheduler (APScheduler 3.11): thin jobs over ``metro.watch`` services, run by one leader
process at a time (a lease in the database), with a persistent job store in metro's database."""
