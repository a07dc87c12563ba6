from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "tandem.organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        # accounts (the floor below) reaches roles and memberships only through these hooks.
        from tandem.accounts import hooks
        from tandem.accounts.models import InvitationKind
        from tandem.organizations.models import Membership, Role

        def holds_role(email: str, organization, role: str) -> bool:
            return Membership.objects.filter(
                organization=organization, role=role, user__email=email, is_active=True
            ).exists()

        def grant_membership(invitation, user) -> None:
            membership, created = Membership.objects.get_or_create(
                user=user, organization=invitation.organization, role=invitation.role
            )
            if not created and not membership.is_active:
                membership.is_active = True
                membership.save(update_fields=["is_active"])

        hooks.register_roles(hooks.Roles(labels=lambda: dict(Role.choices), holds_role=holds_role))
        hooks.register_grant(InvitationKind.STAFF, grant_membership)
