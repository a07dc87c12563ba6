"""The front door's contents, on the top floor: what a signed-in person sees first gathers what
every area holds for them, so it may import any app. Core's `home` view renders it through
`settings.TANDEM_DASHBOARD`, which keeps core free of app imports."""
