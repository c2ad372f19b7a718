"""The instance settings page: what administrators change at run time, and the SMTP test."""

from __future__ import annotations

from partnerskap import offload
from partnerskap.i18n import N_
from partnerskap.services import instance
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded


def _text(form: dict, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


class AdminSettingsState(AppState):
    """The settings in force, as the form shows them."""

    instance_name_setting: str = ""
    organisation_setting: str = ""
    membership_policy: str = ""
    premoderation_days: str = ""
    closed_grace_days: str = ""
    upload_limit_mb: str = ""
    server_max_upload_mb: int = 0

    def _show(self, settings: instance.Effective) -> None:
        self.instance_name_setting = settings.instance_name
        self.organisation_setting = settings.organisation
        self.membership_policy = settings.membership_policy
        self.premoderation_days = str(settings.premoderation_days)
        self.closed_grace_days = str(settings.closed_grace_days)
        self.upload_limit_mb = str(settings.upload_limit_mb)
        self.server_max_upload_mb = settings.server_max_upload_mb
        self.instance_name = settings.instance_name

    @guarded(Access.ADMIN, loads_page=True)
    async def load(self, viewer: Viewer):
        """Fill the form with the settings in force."""
        self._show(await offload.read(instance.effective))

    @guarded(Access.ADMIN, form="settings")
    async def save(self, viewer: Viewer, form: dict):
        """Change the settings; they are in force at once."""
        names = ("instance_name", "organisation", "membership_policy", "premoderation_days", "closed_grace_days", "upload_limit_mb")
        saved = await offload.write(instance.save, viewer, instance.SettingsForm(*(_text(form, name) for name in names)))
        self._show(saved)
        self._say(N_("The settings were saved."))

    @guarded(Access.ADMIN)
    async def send_test_mail(self, viewer: Viewer):
        """Send a test message to oneself."""
        address = await offload.write(instance.send_test_mail, viewer)
        self._say(N_("A test message was sent to {address}. See the outbox for its delivery."), address=address)
