from django.contrib import admin

from tandem.meetings.models import CaseMeeting, CheckIn, MeetingLog, Reminder, SharedDocument


@admin.register(MeetingLog)
class MeetingLogAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "met_on", "minutes", "mode"]
    raw_id_fields = ["mentorship"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "participant", "held_on", "satisfaction"]
    raw_id_fields = ["mentorship", "participant"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "period", "sent_at"]
    list_filter = ["kind"]


admin.site.register(CaseMeeting)
admin.site.register(SharedDocument)
