"""`manage.py worker_health`: exit 0 when a worker is alive (for container/systemd checks)."""

import socket

from django.core.management.base import BaseCommand, CommandError

from tandem.core.models import WorkerHeartbeat


class Command(BaseCommand):
    help = "Exit 0 when a task worker (on this host with --this-host) wrote a recent heartbeat."

    def add_arguments(self, parser):
        parser.add_argument("--this-host", action="store_true", help="Only this host's workers.")

    def handle(self, *args, this_host: bool = False, **options):
        alive = WorkerHeartbeat.objects.alive()
        if this_host:
            alive = alive.filter(hostname=socket.gethostname()[:255])
        count = alive.count()
        if not count:
            raise CommandError("no task worker has written a heartbeat within the lease")
        self.stdout.write(f"{count} worker(s) alive")
