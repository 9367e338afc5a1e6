"""Print the current second-factor code of the demo's office and admin logins."""

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from council.demo import DEMO_OTP_KEY, DEMO_OTP_SECRET, DEMO_OTP_USERNAMES


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo logins office and admin (only those with the demo's secret)."

    def handle(self, *args, **options):
        # Only devices holding the published demo secret: a real account's code is never printed.
        devices = TOTPDevice.objects.filter(
            user__username__in=DEMO_OTP_USERNAMES, key=DEMO_OTP_KEY, confirmed=True
        ).select_related("user")
        if not devices:
            self.stderr.write("No demo login with the demo's TOTP secret; run `manage.py load_demo` first.")
            return
        for device in sorted(devices, key=lambda device: device.user.username):
            code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
            self.stdout.write(f"{device.user.username}: {code:0{device.digits}d}")
        self.stdout.write(f"(30 seconds each; the secret for an authenticator app is {DEMO_OTP_SECRET})")
