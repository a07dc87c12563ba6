"""Every free-text field has a limit at the model, which the forms show and enforce: a 2 MB
"goals" once made a desk page take two minutes."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_every_text_field_of_tandem_has_a_limit_and_its_validator():
    unbounded = []
    for model in apps.get_models():
        if not model.__module__.startswith("tandem."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField) and not (
                field.max_length
                and any(isinstance(v, MaxLengthValidator) for v in field.validators)
            ):
                unbounded.append(f"{model.__name__}.{field.name}")
    assert unbounded == []


def test_every_textarea_of_a_hand_written_form_has_a_limit():
    found = []
    for path in ROOT.glob("*/forms.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "CharField":
                keywords = {k.arg for k in node.keywords}
                if "Textarea" in ast.unparse(node) and "max_length" not in keywords:
                    found.append(f"{path.parent.name}/forms.py:{node.lineno}")
    assert found == []


@pytest.mark.django_db
def test_the_staff_participant_form_shows_and_enforces_the_goals_limit(
    client: Client, home, no_mfa
):
    from tandem.participants.models import GOALS_MAX_LENGTH

    client.force_login(home.staff)
    url = f"/en/participants/{home.mentee.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.fields["goals"].max_length == GOALS_MAX_LENGTH
    assert f'maxlength="{GOALS_MAX_LENGTH}"' in page.content.decode()
