"""The demo network, on the top floor: it builds a whole story through every area's services,
so it may import any app and no app imports it. `manage.py seed_demo` (this app's command) loads
it into an empty database; `make run` calls that.

- `network.py`: organizations, people and logins, then the loaders below in order;
- `programs.py`: programs, criteria, referrals and intake;
- `matching.py`: a matching run, proposals and a confirmed mentorship;
- `lifecycle.py`: meetings, events, closure and outcomes.
"""
