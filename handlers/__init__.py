"""Telegram flows, one package per domain, each exporting one ``FEATURE`` (see bot.registry).

``handlers.kit`` is the conversation kit every domain builds on. Domains never import one
another; they share only the kit and the models' public names.
"""
