from django.core.management.base import BaseCommand

from tandem.core import translations


class Command(BaseCommand):
    help = "Extract every app's messages into its French catalogue, reusing existing translations."

    def handle(self, *args, **options):
        memory = translations.translation_memory()
        for catalogue in translations.catalogues():
            total, untranslated = translations.update(catalogue, memory)
            self.stdout.write(f"{catalogue.po_path}: {total} messages, {untranslated} to translate")
