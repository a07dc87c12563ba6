from django.contrib import admin

from tandem.mentorships.models import Acknowledgement, Agreement, IntroductionMeeting, Mentorship


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["mentee", "mentor", "program", "status", "mentor_slot", "confirmed_at"]
    list_filter = ["status"]
    raw_id_fields = ["mentee", "mentor", "program", "proposal"]
    # The slot is the capacity guard: it is set by the confirmation service, not by hand.
    readonly_fields = ["mentor_slot", "mentor_capacity"]


admin.site.register(IntroductionMeeting)


class AcknowledgementInline(admin.TabularInline):
    model = Acknowledgement
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    inlines = [AcknowledgementInline]
