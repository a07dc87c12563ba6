from django.contrib import admin

from tandem.events.models import Event, Participation


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    raw_id_fields = ["participant"]
    readonly_fields = ["invited_by", "attendance_recorded_by"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title_en", "kind", "program", "starts_at", "cancelled_at"]
    list_filter = ["kind", "program"]
    search_fields = ["title_en", "title_fr"]
    inlines = [ParticipationInline]
