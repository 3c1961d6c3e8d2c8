"""Sign-in pages: password, second factor (TOTP), setting up the second factor, sign-out."""

from __future__ import annotations

import base64
import io
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from insats.core.security.middleware import AUTH_METHOD_KEY

from . import signin
from .forms import OTPTokenForm
from .models import Role, SignInEvent, User

PENDING_USER_KEY = "insats_otp_pending_user"
PENDING_BACKEND_KEY = "insats_otp_pending_backend"
PENDING_NEXT_KEY = "insats_otp_pending_next"


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse(settings.LOGIN_REDIRECT_URL)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class LockoutAuthenticationForm(AuthenticationForm):
    """The password form, with the Swedish lock-out message when the pair is locked."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and signin.is_locked(self.request, username):
            # Still authenticate (and so log the attempt) but never reveal whether it was right.
            try:
                super().clean()
            except ValidationError:
                pass
            raise ValidationError(signin.locked_message(), code="locked")
        return super().clean()


@sensitive_post_parameters()
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Logga in: password first; users with a second factor continue to the code page."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = LockoutAuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if confirmed_device(user) is not None:
            request.session[PENDING_USER_KEY] = user.pk
            request.session[PENDING_BACKEND_KEY] = user.backend
            request.session[PENDING_NEXT_KEY] = next_url
            return redirect("accounts:otp_verify")
        login(request, user)
        return redirect(_safe_next(request, next_url))
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": next_url,
            "oidc_enabled": getattr(settings, "INSATS_OIDC_ENABLED", False),
            "saml_enabled": getattr(settings, "INSATS_SAML_ENABLED", False),
            "sso_failed": request.GET.get("sso") == "fel",
        },
    )


@sensitive_post_parameters()
@csrf_protect
@never_cache
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: the six-digit code from the user's authenticator app."""
    user = User.objects.filter(pk=request.session.get(PENDING_USER_KEY), is_active=True).first()
    if user is None:
        return redirect("accounts:login")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = confirmed_device(user)
        if signin.is_locked(request, user.username):
            form.add_error(None, signin.locked_message())
        elif device is not None and device.verify_token(form.cleaned_data["token"]):
            next_url = request.session.get(PENDING_NEXT_KEY, "")
            backend = request.session.get(PENDING_BACKEND_KEY)
            request._insats_auth_method = "totp"
            login(request, user, backend=backend)
            otp_login(request, device)
            return redirect(_safe_next(request, next_url))
        else:
            signin.record_event(request, SignInEvent.Kind.OTP_FAILURE, user.username, user, "totp")
            form.add_error("token", _("Fel engångskod. Försök igen."))
    return render(request, "accounts/otp_verify.html", {"form": form})


def qr_code_svg(uri: str) -> str:
    """The enrolment QR code as an SVG data URI (generated here, no external service)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _provisioning_uri(device: TOTPDevice, user: User) -> str:
    label = quote(f"Insats:{user.username}")
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return f"otpauth://totp/{label}?secret={secret}&issuer=Insats&digits={device.digits}&period={device.step}"


@login_required
@never_cache
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Tvåfaktorsinloggning: scan the QR code, confirm with a code. Required for administrators,
    optional for everyone else (who may also turn it off again)."""
    user = request.user
    device = confirmed_device(user)
    is_admin = user.role == Role.ADMIN or user.is_staff or user.is_superuser
    if device is not None:
        if request.method == "POST" and request.POST.get("action") == "disable" and not is_admin:
            TOTPDevice.objects.filter(user=user).delete()
            messages.success(request, _("Tvåfaktorsinloggningen är avstängd."))
            return redirect("accounts:otp_setup")
        return render(
            request, "accounts/otp_setup.html", {"active": True, "is_admin": is_admin}
        )
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=user, name="Insats", confirmed=False)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if pending.verify_token(form.cleaned_data["token"]):
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            otp_login(request, pending)
            request.session[AUTH_METHOD_KEY] = "totp"
            messages.success(request, _("Tvåfaktorsinloggningen är aktiverad."))
            return redirect(settings.LOGIN_REDIRECT_URL)
        signin.record_event(request, SignInEvent.Kind.OTP_FAILURE, user.username, user, "totp")
        form.add_error(
            "token", _("Fel engångskod. Kontrollera klockan i telefonen och försök igen.")
        )
    uri = _provisioning_uri(pending, user)
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "active": False,
            "is_admin": is_admin,
            "form": form,
            "qr_code": qr_code_svg(uri),
            "secret": base64.b32encode(pending.bin_key).decode("ascii").rstrip("="),
        },
    )


def admin_login_redirect(request: HttpRequest, extra_context=None) -> HttpResponse:
    """Replaces the admin site's own login form (see AccountsConfig.ready)."""
    next_url = request.GET.get("next", reverse("admin:index"))
    return redirect(f"{reverse('accounts:login')}?next={quote(next_url)}")
