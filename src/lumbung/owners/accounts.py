"""Self-registration of owners: an account made from an e-mail address or a phone number.

Phone numbers are read in the Indonesian ways people write them (0812-3456-7890, +62 812 3456
7890, 62812...) and stored in the international E.164 form (+62 and the number without its
trunk 0: ITU-T E.164; Indonesian numbers have 8 to 13 digits after the country code). The user
name of a phone account is a random one ("owner-" and 10 letters and digits), so the number never
appears where user names do (the audit trail, officers' lists); an e-mail account's user name is
the address."""

from __future__ import annotations

import re
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from lumbung.owners.models import OwnerContact
from lumbung.registry.accounts import create_user

_PHONE = re.compile(r"^\+62[1-9][0-9]{7,12}$")
_SEPARATORS = re.compile(r"[\s().\-]")


def normalize_phone(text: str) -> str | None:
    """"0812-3456-7890" -> "+6281234567890"; None when it is not an Indonesian phone number."""
    digits = _SEPARATORS.sub("", text or "")
    if digits.startswith("0"):
        digits = "+62" + digits[1:]
    elif digits.startswith("62"):
        digits = "+" + digits
    return digits if _PHONE.match(digits) else None


def read_contact(text: str) -> tuple[str, str]:
    """("email", address) or ("phone", +62 number) from what the person typed, else ValidationError."""
    text = (text or "").strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(_("Enter a valid e-mail address or an Indonesian phone number."),
                                  code="contact") from None
        return "email", text.lower()
    phone = normalize_phone(text)
    if phone is None:
        raise ValidationError(_("Enter a valid e-mail address or an Indonesian phone number."), code="contact")
    return "phone", phone


def contact_taken(kind: str, value: str) -> bool:
    User = get_user_model()
    if kind == "email":
        return User.objects.filter(email__iexact=value).exists() or User.objects.filter(username__iexact=value).exists()
    return OwnerContact.objects.filter(phone=value).exists()


def find_user(text: str):
    """The active account whose e-mail or phone number is ``text`` (for logging in), or None."""
    try:
        kind, value = read_contact(text)
    except ValidationError:
        return None
    User = get_user_model()
    if kind == "email":
        return User.objects.filter(email__iexact=value, is_active=True).order_by("pk").first()
    contact = OwnerContact.objects.select_related("user").filter(phone=value, user__is_active=True).first()
    return contact.user if contact else None


def register_owner(kind: str, value: str, password: str):
    """A new account in the owner role (registry.roles) from a contact read by :func:`read_contact`.
    The password passes AUTH_PASSWORD_VALIDATORS (registry.accounts.create_user checks it)."""
    username = value if kind == "email" else "owner-" + secrets.token_hex(5)
    with transaction.atomic():
        user = create_user(username, "owner", password=password, email=value if kind == "email" else "")
        OwnerContact.objects.create(user=user, phone=value if kind == "phone" else None)
    return user
