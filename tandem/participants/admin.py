from django.contrib import admin

from tandem.participants.models import ImportJob, Participant


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["external_id", "given_name", "family_name", "role", "organization"]
    list_filter = ["role", "source"]
    search_fields = ["external_id", "given_name", "family_name", "email"]
    raw_id_fields = ["occupation", "industry", "user", "last_import"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "organization", "status", "created_by", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["errors", "warnings"]
