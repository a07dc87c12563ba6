from typing import ClassVar

from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.i18n import refuse_control_characters


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """A person with an account: staff of an organization, a mentor, a mentee, a funder.

    People sign in with their e-mail address; the platform admin is a superuser.
    """

    username = None  # type: ignore[assignment]
    # A name is printed in mail, on certificates and in file names: the same validator as a
    # participant's names (a line break broke a download's header, a NUL byte PostgreSQL).
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[refuse_control_characters]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[refuse_control_characters]
    )
    email = models.EmailField(_("e-mail address"), unique=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Everything Tandem sends you is written in this language."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]  # e-mail sign-in: no username

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_platform_admin(self) -> bool:
        return self.is_active and self.is_superuser


auditlog.register(User, exclude_fields=["password", "last_login"])


class InvitationKind(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")
    STAFF = "staff", _("Staff of an organization")
    PROGRAM_TEAM = "program_team", _("Program team")
    PARTICIPANT = "participant", _("Mentee or mentor")


class Invitation(models.Model):
    """A one-time link that creates (or joins) an account and grants what it names.

    Only the SHA-256 of the token is stored; the token itself exists in the mail alone. The
    token is drawn when the worker sends the mail (`sent_at`), so a bulk invitation of thousands
    of people costs the request one insert, and re-sending draws a new token that makes the old
    link useless.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=InvitationKind.choices)
    email = models.EmailField(_("e-mail address"), max_length=254, db_index=True)
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="en"
    )
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=30, blank=True)
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("program"),
    )
    participant = models.ForeignKey(
        "participants.Participant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("participant record"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.email}"

    @property
    def role_label(self) -> str:
        from tandem.accounts import hooks

        return str(hooks.roles().labels().get(self.role, self.role)).lower()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None


auditlog.register(Invitation, exclude_fields=["token_hash"])
