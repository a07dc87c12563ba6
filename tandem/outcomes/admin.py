from django.contrib import admin

from tandem.outcomes.models import (
    Closure,
    ContactConsent,
    EmploymentOutcome,
    ExitSurvey,
    Extension,
    FollowUp,
    OutcomeSettings,
)


@admin.register(OutcomeSettings)
class OutcomeSettingsAdmin(admin.ModelAdmin):
    list_display = ["program", "followup_months", "link_valid_days"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "kind", "early_reason", "ended_on"]
    list_filter = ["kind", "early_reason"]


admin.site.register(Extension)
admin.site.register(ExitSurvey)
admin.site.register(ContactConsent)


@admin.register(EmploymentOutcome)
class EmploymentOutcomeAdmin(admin.ModelAdmin):
    """Append-only: the back office can read the history, never rewrite it."""

    list_display = ["participant", "status", "source", "recorded_at"]
    list_filter = ["status", "source"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["participant", "months", "due_at", "sent_at", "answered_at", "cancelled_at"]
    exclude = ["token_hash"]
