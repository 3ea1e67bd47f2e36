"""The resident side of joint events: the list, details, registering, my events, and the
answers to the reminders, offers and ratings the events send. ``PART`` is what it adds to
the events feature (``handlers/events/__init__.py``)."""
