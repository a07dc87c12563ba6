from django.contrib import admin

from tandem.referrals.models import PublicApplication, Referral, ReferralDecision


class DecisionInline(admin.TabularInline):
    model = ReferralDecision
    extra = 0
    can_delete = False
    readonly_fields = ("outcome", "criteria_version", "note", "decided_by", "decided_at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["participant", "program", "source", "status", "submitted_at"]
    list_filter = ["status", "source"]
    raw_id_fields = ["participant"]
    inlines = [DecisionInline]


@admin.register(PublicApplication)
class PublicApplicationAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "program", "created_at", "verified_at"]
    list_filter = ["kind"]
    exclude = ["token_hash"]
    readonly_fields = ["kind", "program", "data", "email", "preferred_language", "referral"]
