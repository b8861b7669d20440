"""WhatsApp providers against a local double of the Cloud API and Fonnte:
what is sent, how every answer is classified, and that the token never shows."""

import json
import logging
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from config.settings import Secret, WhatsAppSettings
from jobs.message_catalogue import compose
from jobs.messaging import Outcome
from jobs.providers import (
    CloudApiProvider,
    FonnteProvider,
    LogProvider,
    as_template,
    build_provider,
)
from jobs.providers.transport import parse_retry_after
from sitras_sheets.errors import ConfigError
from tests.whatsapp_double import TOKEN, WhatsAppDouble, bypass_proxies

NUMBER = "6281234567890"
OTHER = "6285711223344"
CODE = "7K2M9QXD4TR3"
FAST = (1.0, 0.4)  # connect, read: keeps the timeout cases short


@pytest.fixture
def double(monkeypatch):
    bypass_proxies(monkeypatch)
    with WhatsAppDouble() as server:
        yield server


def receipt(to=NUMBER, **options):
    values = {"code": CODE, "subject": "Permohonan izin keramaian", "time": "2026-11-02 09:15"}
    return compose(
        "diterima",
        values,
        to=to,
        message_key=f"diterima:{CODE}",
        public_base_url="https://sitras.example.go.id",
        **options,
    )


def cloud(double, token=TOKEN, base_url=None):
    return CloudApiProvider(
        token=token,
        phone_number_id=double.phone_number_id,
        api_version=double.api_version,
        base_url=base_url or double.base_url,
        timeout=FAST,
    )


def fonnte(double, token=TOKEN, base_url=None):
    return FonnteProvider(token=token, base_url=base_url or double.base_url, timeout=FAST)


MAKERS = {"cloud": cloud, "fonnte": fonnte}


def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- one harness, every network provider, every kind of failure -----------------


@dataclass(frozen=True)
class Case:
    outcome: Outcome
    reason: str  # a fragment of the Indonesian reason shown in the sheet
    retry_after: float | None = None


def _no_fault(double, kind):
    return {}


def _refused(double, kind):
    return {"base_url": closed_port_url()}


def _dropped(double, kind):
    double.drop()
    return {}


def _slow(double, kind):
    double.slow(3)
    return {}


def _not_on_whatsapp(double, kind):
    if kind == "cloud":
        double.fail(131026, to=NUMBER)
    else:
        double.fonnte_fail("target invalid", to=NUMBER)
    return {}


def _rate_limited(double, kind):
    if kind == "cloud":
        double.fail(130429, retry_after="7")
    else:
        double.fail_status(429, retry_after="7", body="Too Many Requests")
    return {}


def _server_error(double, kind):
    double.fail_status(503, body="<html><h1>503 Service Unavailable</h1></html>")
    return {}


def _html_instead_of_json(double, kind):
    double.fail_status(200, body="<html>Login Wi-Fi kantor</html>")
    return {}


def _wrong_token(double, kind):
    return {"token": "not-the-right-token"}


HARNESS = {
    "refused": (_refused, Case(Outcome.TRANSIENT, "tidak dapat terhubung")),
    "dropped": (_dropped, Case(Outcome.TRANSIENT, "tidak dapat terhubung")),
    "timeout": (_slow, Case(Outcome.TRANSIENT, "tidak menjawab tepat waktu")),
    "not_on_whatsapp": (
        _not_on_whatsapp,
        Case(Outcome.PERMANENT, "nomor tidak terdaftar di WhatsApp"),
    ),
    "rate_limited": (_rate_limited, Case(Outcome.TRANSIENT, "batas kecepatan", 7.0)),
    "server_error": (_server_error, Case(Outcome.TRANSIENT, "HTTP 503")),
    "html_answer": (_html_instead_of_json, Case(Outcome.TRANSIENT, "tidak dapat dibaca")),
    "wrong_token": (_wrong_token, Case(Outcome.PAUSED, "SITRAS_WHATSAPP_TOKEN")),
}


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_every_provider_sends_and_returns_the_services_message_id(double, kind):
    result = MAKERS[kind](double).send(receipt())

    assert result.outcome is Outcome.SENT
    assert result.reason == ""
    requests_seen = double.requests
    assert len(requests_seen) == 1
    if kind == "cloud":
        assert result.message_id.startswith("wamid.")
    else:
        assert result.message_id.isdigit()


@pytest.mark.parametrize("kind", sorted(MAKERS))
@pytest.mark.parametrize("scenario", sorted(HARNESS))
def test_every_failure_is_classified_and_never_raised(double, kind, scenario):
    setup, expected = HARNESS[scenario]
    provider = MAKERS[kind](double, **setup(double, kind))

    started = time.monotonic()
    result = provider.send(receipt())

    assert result.outcome is expected.outcome, result
    assert expected.reason in result.reason
    assert result.message_id == ""
    assert result.retry_after == expected.retry_after
    assert time.monotonic() - started < 2.5  # a slow service never blocks the outbox long


# --- Cloud API: what the request carries -----------------------------------------


def test_cloud_sends_the_approved_template_with_ordered_parameters(double):
    message = receipt()

    assert cloud(double).send(message).outcome is Outcome.SENT

    (request,) = double.cloud_requests()
    assert request.path == f"/v21.0/{double.phone_number_id}/messages"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    body = request.json
    assert body["messaging_product"] == "whatsapp"
    assert body["to"] == NUMBER
    assert body["type"] == "template"
    assert "text" not in body
    template = body["template"]
    assert template["name"] == "sitras_diterima_v1"
    assert template["language"] == {"code": "id"}
    assert template["components"] == [
        {
            "type": "body",
            "parameters": [
                {"type": "text", "text": "7K2M-9QXD-4TR3"},
                {"type": "text", "text": "Permohonan izin keramaian"},
                {"type": "text", "text": "2026-11-02 09:15"},
                {"type": "text", "text": f"https://sitras.example.go.id/lacak/{CODE}"},
            ],
        }
    ]


def test_cloud_uses_the_english_template_translation(double):
    cloud(double).send(receipt(language="en"))

    (request,) = double.cloud_requests()
    assert request.json["template"]["language"] == {"code": "en_US"}


def test_cloud_sends_plain_text_inside_the_24_hour_window(double):
    message = receipt(window_open=True)

    assert cloud(double).send(message).outcome is Outcome.SENT

    (request,) = double.cloud_requests()
    assert request.json["type"] == "text"
    assert request.json["text"] == {"body": message.text}
    assert "template" not in request.json


def test_cloud_template_without_values_has_no_components(double):
    help_reply = compose("bantuan", {}, to=NUMBER, message_key="bantuan:1")

    assert cloud(double).send(help_reply).outcome is Outcome.SENT

    template = double.cloud_requests()[0].json["template"]
    assert template["name"] == "sitras_bantuan_v1"
    assert "components" not in template


def test_cloud_accepts_values_a_clerk_typed_over_several_lines(double):
    values = {"code": CODE, "subject": "Undangan\n\trapat     koordinasi\n", "time": "09:15"}
    message = compose("diterima", values, to=NUMBER, message_key="k")

    assert cloud(double).send(message).outcome is Outcome.SENT


# --- Cloud API: how each error code is classified --------------------------------


@pytest.mark.parametrize(
    ("code", "outcome", "reason"),
    [
        (131026, Outcome.PERMANENT, "nomor tidak terdaftar di WhatsApp"),
        (100, Outcome.PERMANENT, "parameter tidak sah"),
        (131009, Outcome.PERMANENT, "parameter tidak sah"),
        (132001, Outcome.PERMANENT, "template belum disetujui"),
        (132000, Outcome.PERMANENT, "jumlah isian tidak cocok"),
        (132012, Outcome.PERMANENT, "format isian tidak cocok"),
        (131030, Outcome.PERMANENT, "daftar penerima uji"),
        (130429, Outcome.TRANSIENT, "batas kecepatan"),
        (131056, Outcome.TRANSIENT, "terlalu banyak pesan ke nomor ini"),
        (131000, Outcome.TRANSIENT, "gangguan di layanan WhatsApp"),
        (131049, Outcome.TRANSIENT, "dicoba lagi nanti"),
        (132015, Outcome.TRANSIENT, "template dijeda"),
        (190, Outcome.PAUSED, "token WhatsApp kedaluwarsa"),
        (10, Outcome.PAUSED, "tidak berizin"),
    ],
)
def test_cloud_error_codes(double, code, outcome, reason):
    double.fail(code)

    result = cloud(double).send(receipt())

    assert result.outcome is outcome
    assert reason in result.reason
    assert result.error_code == str(code)
    assert result.details["fbtrace_id"]


def test_cloud_burst_of_throughput_errors_then_success(double):
    double.fail(130429, times=2, retry_after="2")
    provider = cloud(double)

    results = [provider.send(receipt()) for _ in range(3)]

    assert [r.outcome for r in results] == [Outcome.TRANSIENT, Outcome.TRANSIENT, Outcome.SENT]
    assert [r.retry_after for r in results] == [2.0, 2.0, None]
    assert len(double.cloud_requests()) == 3


def test_cloud_error_for_one_number_leaves_the_others_alone(double):
    double.fail(131026, to=NUMBER)
    provider = cloud(double)

    assert provider.send(receipt(to=NUMBER)).outcome is Outcome.PERMANENT
    assert provider.send(receipt(to=OTHER)).outcome is Outcome.SENT


def test_cloud_re_engagement_error_on_text_asks_for_the_template_and_it_goes(double):
    double.fail(131047, times=1)
    provider = cloud(double)
    message = receipt(window_open=True)

    first = provider.send(message)
    second = provider.send(as_template(message))

    assert first.outcome is Outcome.TRANSIENT
    assert first.details["resend_as"] == "template"
    assert "24 jam" in first.reason
    assert second.outcome is Outcome.SENT
    kinds = [request.json["type"] for request in double.cloud_requests()]
    assert kinds == ["text", "template"]


def test_cloud_re_engagement_error_on_a_template_is_not_retried(double):
    double.fail(131047)

    result = cloud(double).send(receipt())

    assert result.outcome is Outcome.PERMANENT
    assert "resend_as" not in result.details


def test_cloud_expired_token_pauses_sending(double):
    double.expire_token()

    result = cloud(double).send(receipt())

    assert result.outcome is Outcome.PAUSED
    assert result.error_code == "190"


def test_cloud_unknown_sender_number_id_pauses_sending(double):
    provider = CloudApiProvider(
        token=TOKEN, phone_number_id="999", base_url=double.base_url, timeout=FAST
    )

    result = provider.send(receipt())

    assert result.outcome is Outcome.PAUSED
    assert "phone_number_id" in result.reason


def test_a_number_that_is_not_digits_is_refused_without_a_request(double):
    message = receipt()
    bad = type(message)(**{**message.__dict__, "to": "+62 812-3456-7890"})

    result = cloud(double).send(bad)

    assert result.outcome is Outcome.PERMANENT
    assert double.requests == []


def test_retry_after_as_seconds_or_http_date():
    later = datetime.now(UTC) + timedelta(seconds=90)

    assert parse_retry_after("120") == 120.0
    assert 80 <= parse_retry_after(format_datetime(later, usegmt=True)) <= 91
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


# --- Fonnte ----------------------------------------------------------------------


def test_fonnte_posts_the_whole_text_as_a_form(double):
    message = receipt()

    result = fonnte(double).send(message)

    (request,) = double.fonnte_requests()
    assert request.headers["Authorization"] == TOKEN  # Fonnte wants the bare token
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.form == {"target": NUMBER, "message": message.text, "countryCode": "62"}
    assert result.outcome is Outcome.SENT
    assert result.message_id == "80367170"


@pytest.mark.parametrize(
    ("reason", "outcome"),
    [
        ("invalid token", Outcome.PAUSED),
        ("target invalid", Outcome.PERMANENT),
        ("disconnected device", Outcome.PAUSED),
        ("insufficient quota", Outcome.PAUSED),
        ("something unexpected", Outcome.TRANSIENT),
    ],
)
def test_fonnte_reasons(double, reason, outcome):
    double.fonnte_fail(reason)

    result = fonnte(double).send(receipt())

    assert result.outcome is outcome
    assert result.details["reason"] == reason


# --- the token never shows --------------------------------------------------------


class _ExplodingSession(requests.Session):
    def __init__(self, secret):
        super().__init__()
        self.secret = secret

    def post(self, *args, **kwargs):
        raise RuntimeError(f"boom with {self.secret}")


def test_the_token_appears_in_no_result_and_no_log_line(double, caplog):
    secret = "EAAGm0PX4ZCpsBAKZC-secret-4711"
    double.token = secret
    caplog.set_level(logging.DEBUG)
    provider = cloud(double, token=secret)
    gateway = fonnte(double, token=secret)
    results = []

    double.fail(131000, times=1, details=f"upstream said Bearer {secret}")
    results.append(provider.send(receipt()))
    double.fail_status(502, times=2, body=f"<html>proxy: Authorization {secret}</html>")
    results += [provider.send(receipt()), gateway.send(receipt())]
    double.fonnte_fail(f"invalid token {secret}", times=1)
    results.append(gateway.send(receipt()))
    double.slow(3, times=1)
    results.append(provider.send(receipt()))
    double.drop(times=1)
    results.append(gateway.send(receipt()))
    double.expire_token()
    results.append(provider.send(receipt()))
    provider.session = _ExplodingSession(secret)
    results.append(provider.send(receipt()))

    assert {r.outcome for r in results} == {Outcome.TRANSIENT, Outcome.PAUSED}
    assert all(r.outcome is not Outcome.SENT for r in results)
    shown = [repr(r) for r in results] + [repr(provider), repr(gateway)]
    shown += [record.getMessage() for record in caplog.records]
    shown += [record.exc_text or "" for record in caplog.records]
    assert any("boom with" in line for line in shown)  # the debug trace was logged …
    assert not [line for line in shown if secret in line]  # … without the token


def test_a_token_with_a_line_break_is_refused_at_start_without_showing_it():
    with pytest.raises(ConfigError) as caught:
        FonnteProvider(token="abc-secret\nxyz")

    assert "SITRAS_WHATSAPP_TOKEN" in str(caught.value)
    assert "abc-secret" not in str(caught.value)


# --- build_provider: config is checked at start -----------------------------------


def test_build_provider_defaults_to_the_log_provider():
    provider = build_provider(WhatsAppSettings())

    assert isinstance(provider, LogProvider)
    assert provider.name == "log"


def test_build_provider_wires_the_cloud_api_with_the_given_session():
    session = requests.Session()
    settings = WhatsAppSettings(provider="cloud", phone_number_id="1065", token=Secret("t0k"))

    provider = build_provider(settings, session=session)

    assert provider.name == "cloud"
    assert provider.session is session
    assert provider.url == "https://graph.facebook.com/v21.0/1065/messages"


def test_build_provider_wires_fonnte():
    provider = build_provider(WhatsAppSettings(provider="fonnte", token=Secret("t0k")))

    assert provider.name == "fonnte"
    assert provider.url == "https://api.fonnte.com/send"


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [
        (WhatsAppSettings(provider="cloud", phone_number_id="1065"), "SITRAS_WHATSAPP_TOKEN"),
        (WhatsAppSettings(provider="cloud", token=Secret("t")), "phone_number_id"),
        (
            WhatsAppSettings(
                provider="cloud", phone_number_id="1065", api_version="21", token=Secret("t")
            ),
            "api_version",
        ),
        (WhatsAppSettings(provider="fonnte"), "SITRAS_WHATSAPP_TOKEN"),
        (WhatsAppSettings(provider="twilio", token=Secret("t")), "log, cloud, fonnte"),
        (WhatsAppSettings(language="jv"), "whatsapp.language"),
    ],
)
def test_build_provider_refuses_bad_config(settings, complaint):
    with pytest.raises(ConfigError, match=complaint):
        build_provider(settings)


# --- the log provider -------------------------------------------------------------


def test_log_provider_shows_each_message_masked_and_keeps_a_json_line(tmp_path):
    shown = []
    path = tmp_path / "wa" / "outbox.jsonl"
    provider = LogProvider(writer=shown.append, log_path=path)
    message = receipt()

    first = provider.send(message)
    again = provider.send(message)

    assert first.outcome is Outcome.SENT
    assert first.message_id == again.message_id == f"log-diterima:{CODE}"
    block = shown[0]
    assert "62812****7890" in block
    assert "diterima" in block and "sitras_diterima_v1" in block
    assert message.text in block
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2
    assert lines[0]["to"] == "62812****7890"
    assert lines[0]["message_id"] == f"log-diterima:{CODE}"
    assert lines[0]["parameters"][0] == "7K2M-9QXD-4TR3"
    assert NUMBER not in block and NUMBER not in path.read_text(encoding="utf-8")


def test_log_provider_prints_to_stdout_by_default(capsys):
    LogProvider().send(receipt())

    assert "62812****7890" in capsys.readouterr().out


def test_log_provider_never_touches_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the log provider opened a connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    provider = build_provider(WhatsAppSettings(), session=_ExplodingSession("x"))

    assert provider.send(receipt()).outcome is Outcome.SENT


def test_log_provider_reports_an_unwritable_file_instead_of_raising(tmp_path):
    provider = LogProvider(writer=lambda block: None, log_path=tmp_path)  # a directory

    result = provider.send(receipt())

    assert result.outcome is Outcome.TRANSIENT
    assert "log" in result.reason
