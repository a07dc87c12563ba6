from django.core.management.base import BaseCommand

from tandem.core import translations


class Command(BaseCommand):
    help = "Extract every app's messages into its French catalogue, reusing existing translations."

    def add_arguments(self, parser):
        parser.add_argument(
            "names", nargs="*", help="Only these catalogues (app names, or 'root')."
        )

    def handle(self, *args, names: list[str], **options):
        memory = translations.translation_memory()
        for catalogue in translations.catalogues():
            if names and catalogue.name not in names:
                continue
            total, untranslated = translations.update(catalogue, memory)
            self.stdout.write(f"{catalogue.po_path}: {total} messages, {untranslated} to translate")
