from django.contrib import admin

from tandem.matching.models import Exclusion, MatchingSettings, Proposal, ProposalRun


@admin.register(MatchingSettings)
class MatchingSettingsAdmin(admin.ModelAdmin):
    list_display = ["program", "reminder_after_days", "expire_after_days", "mentorship_weeks"]


@admin.register(ProposalRun)
class ProposalRunAdmin(admin.ModelAdmin):
    list_display = ["program", "created_at", "status", "is_preview", "matched_count"]
    list_filter = ["status", "is_preview"]
    readonly_fields = [f.name for f in ProposalRun._meta.fields]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["mentee", "mentor", "program", "status", "source", "score"]
    list_filter = ["status", "source"]
    raw_id_fields = ["mentee", "mentor", "run", "program"]
    search_fields = ["mentee__family_name", "mentor__family_name"]


@admin.register(Exclusion)
class ExclusionAdmin(admin.ModelAdmin):
    list_display = ["mentee", "mentor", "program", "created_at"]
    raw_id_fields = ["mentee", "mentor", "program"]
