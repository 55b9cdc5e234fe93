"""Logging in with an e-mail address or a phone number as the user name (owners' accounts).

The login page stays Django's (``accounts/login/``, URL name ``login``), so the throttling of
lumbung.security.logins covers these logins too: it counts failures by what was typed."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from lumbung.owners.accounts import find_user


class ContactBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = find_user(username)
        if user is None:
            get_user_model()().set_password(password)  # same work as a real check (timing)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
