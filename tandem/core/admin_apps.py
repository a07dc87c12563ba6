from django.contrib.admin.apps import AdminConfig


class TandemAdminConfig(AdminConfig):
    default_site = "tandem.core.admin_site.TandemAdminSite"
