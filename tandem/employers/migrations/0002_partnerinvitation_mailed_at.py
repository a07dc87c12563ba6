from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnerinvitation",
            name="mailed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="mailed at"),
        ),
    ]
