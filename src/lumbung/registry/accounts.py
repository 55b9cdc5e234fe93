"""User accounts with a role (``lumbung createuser``). A Django module: import it after
``lumbung.setup_django()``."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from lumbung import geography
from lumbung.errors import UserError
from lumbung.registry.models import AnalystGrant, Enterprise, EnterpriseOwner, RegionScope
from lumbung.registry.roles import ROLES


class AccountError(UserError):
    """Bad input for an account: unknown role, unknown region, existing user name, weak password."""


def normalize_region(code: str) -> str:
    """Dotted, existing Kemendagri region code, or :class:`AccountError`."""
    try:
        dotted = geography.normalize_code(code)
    except ValueError as error:
        raise AccountError(str(error)) from None
    if not geography.exists(dotted):
        raise AccountError(f"region {dotted} does not exist in the Kemendagri list ({geography.SOURCE})")
    return dotted


def check_password(password: str, user=None) -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), as an :class:`AccountError`."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AccountError("the password is refused: " + " ".join(error.messages)) from None


def create_user(username: str, role: str, regions: Iterable[str] = (), password: str | None = None,
                enterprises: Iterable[int] = (), email: str = "", records: bool = False):
    """Create an account in one of the roles. ``regions`` become RegionScope rows (what an officer
    sees), or AnalystGrant rows for an analyst (with record-level lists when ``records``);
    ``enterprises`` (ids) become EnterpriseOwner links (an owner's own firms). Without a password
    the account cannot log in until one is set."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
    codes = sorted({normalize_region(code) for code in regions})
    if ROLES[role].needs_region and not codes:
        raise AccountError(f"the role {role} needs at least one region")
    enterprise_ids = sorted(set(enterprises))
    missing = set(enterprise_ids) - set(Enterprise.objects.filter(pk__in=enterprise_ids).values_list("pk", flat=True))
    if missing:
        raise AccountError(f"no enterprise with id {', '.join(map(str, sorted(missing)))}")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise AccountError(f"user {username!r} already exists")
    if password is not None:
        check_password(password, User(username=username, email=email))
    with transaction.atomic():
        user = User.objects.create_user(username=username, email=email, password=password)
        user.is_staff = ROLES[role].staff
        user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=role))
        if ROLES[role].grants:
            AnalystGrant.objects.bulk_create([AnalystGrant(user=user, region_code=code, records=records)
                                              for code in codes])
        else:
            RegionScope.objects.bulk_create([RegionScope(user=user, region_code=code) for code in codes])
        EnterpriseOwner.objects.bulk_create([EnterpriseOwner(user=user, enterprise_id=i) for i in enterprise_ids])
    return user
