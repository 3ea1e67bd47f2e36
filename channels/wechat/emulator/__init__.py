"""A local WeChat for tests and the demo: the Official Account API the bridge calls, and users
who follow, talk, tap and unfollow, as WeChat's servers and app would (``world``, ``server``).

It knows WeChat's wire formats (``channels.wechat.crypto`` and ``xml``) and nothing else of the
bridge: no tables, no bot (an import-linter contract).
"""
