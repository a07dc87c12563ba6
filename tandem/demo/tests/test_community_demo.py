"""The community part of the demo: a national community with hubs, threads in both languages,
an answered question, a hidden advertisement and a private conversation."""


def test_the_demo_shows_a_national_community_of_practice(demo_network, client):
    from django.urls import reverse

    from tandem.accounts.models import User
    from tandem.community.models import Community, Mention, Thread

    community = Community.objects.get(slug="national-cop")
    threads = Thread.objects.filter(space__community=community)
    assert set(threads.values_list("language", flat=True)) == {"en", "fr"}
    assert threads.filter(answer__isnull=False).exists()
    assert community.conversations.get().messages.count() == 2
    assert community.spaces.filter(kind="province", province="ON").exists()
    leader = User.objects.get(email="leader@tandem.demo")
    assert Mention.objects.filter(user=leader).exists()
    client.force_login(leader)
    assert client.get(reverse("core:home")).status_code == 200
    page = client.get(reverse("community:detail", kwargs={"community_slug": "national-cop"}))
    assert page.status_code == 200
