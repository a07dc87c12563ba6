from django.contrib import admin

from tandem.programs.models import CriteriaVersion, Criterion, Enrolment, IntakePeriod, Program


class IntakePeriodInline(admin.TabularInline):
    model = IntakePeriod
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name_en", "organization", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_en", "name_fr", "slug"]
    filter_horizontal = ["staff", "referring_partners", "locations"]
    inlines = [IntakePeriodInline]


class CriterionInline(admin.TabularInline):
    """Published criteria are never edited: staff publish a new version from the program page."""

    model = Criterion
    extra = 0
    can_delete = False
    readonly_fields = (
        "position",
        "kind",
        "statuses",
        "provinces",
        "number",
        "organization",
        "program",
    )
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CriteriaVersion)
class CriteriaVersionAdmin(admin.ModelAdmin):
    list_display = ["program", "side", "number", "published_at", "published_by"]
    list_filter = ["side"]
    readonly_fields = ["program", "side", "number", "note", "published_by", "published_at"]
    inlines = [CriterionInline]

    def has_add_permission(self, request):
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["participant", "program", "side", "accepted_at", "ready_at"]
    list_filter = ["side"]
    raw_id_fields = ["participant"]
