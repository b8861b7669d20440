"""The WhatsApp webhook: Meta's handshake, signatures, status events, inbound text."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

import pytest

from config.settings import build_settings
from jobs.message_catalogue import compose
from sitras_sheets import tracking_code
from web.app import create_app
from web.delivery import advance
from web.memory import MemorySink, MemoryStore
from web.ports import BALASAN, BANTUAN, Reply, TrackStep, TrackView
from web.replies import codes_in

APP_SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "verify-token-for-tests"
OWNER = "6281234567890"
STRANGER = "6285711112222"
SENDER = "Siti Aminah Rahmawati"
SUBJECT = "Permohonan izin keramaian"
DISPOSITION = "Asisten Pemerintahan: untuk ditindaklanjuti"
URL = "/webhook/whatsapp"


def settings_with(**environ):
    values = {
        "SITRAS_WHATSAPP_APP_SECRET": APP_SECRET,
        "SITRAS_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
    }
    values.update(environ)
    office = {"office": {"public_base_url": "https://sitras.example.go.id"}}
    return build_settings(office, values, "test")


class Clock:
    now = 1_765_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store():
    store = MemoryStore()
    return store


@pytest.fixture
def code(store):
    code = tracking_code.generate()
    view = TrackView(
        code=code,
        status="Didisposisi",
        received_at="2025-12-04 08:05",
        steps=(TrackStep("2025-12-04 09:15", "ASPEM", "Asisten Pemerintahan"),),
        disposition=DISPOSITION,
        sender_name=SENDER,
        subject=SUBJECT,
        phone_last4=OWNER[-4:],
    )
    store.add(view, OWNER)
    return code


@pytest.fixture
def sink():
    sink = MemorySink()
    sink.statuses.update({"wamid.A": "sent", "wamid.B": "queued"})
    return sink


@pytest.fixture
def app(store, sink):
    return create_app(settings_with(), store, sink, clock=Clock(), secret_key=b"k" * 32)


@pytest.fixture
def client(app):
    return app.test_client()


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(client, payload, *, signature: str | None = "auto", raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if signature == "auto":
        signature = sign(body)
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return client.post(URL, data=body, headers=headers)


def envelope(*, messages=(), statuses=()) -> dict:
    value: dict = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "1"}}
    if messages:
        value["messages"] = list(messages)
        value["contacts"] = [{"wa_id": messages[0]["from"], "profile": {"name": "X"}}]
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }


def status(message_id: str, state: str, timestamp: int = 1_765_000_100, **extra) -> dict:
    return {
        "id": message_id,
        "status": state,
        "timestamp": str(timestamp),
        "recipient_id": OWNER,
        **extra,
    }


def text_message(body: str, wa_from: str = OWNER, message_id: str = "wamid.IN1") -> dict:
    return {
        "from": wa_from,
        "id": message_id,
        "timestamp": "1765000200",
        "type": "text",
        "text": {"body": body},
    }


# --- the set-up handshake ---


def test_handshake_echoes_the_challenge_as_plain_text(client):
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    response = client.get(URL, query_string=query)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "1158201444"


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "<b>x</b> y"},
        {},
    ],
)
def test_handshake_refused(client, query):
    response = client.get(URL, query_string=query)
    assert response.status_code in (403,)
    assert "1" not in response.get_data(as_text=True)


def test_handshake_refused_when_no_verify_token_is_configured(store, sink):
    app = create_app(
        settings_with(SITRAS_WHATSAPP_VERIFY_TOKEN=""), store, sink, secret_key=b"k" * 32
    )
    query = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    assert app.test_client().get(URL, query_string=query).status_code == 403


# --- signatures ---


def test_a_signed_status_event_is_recorded(client, sink):
    response = post(client, envelope(statuses=[status("wamid.A", "delivered")]))
    assert response.status_code == 200
    assert sink.statuses["wamid.A"] == "delivered"


def test_a_bad_signature_is_refused_and_nothing_is_processed(client, sink):
    body = json.dumps(envelope(statuses=[status("wamid.A", "read")])).encode()
    response = post(client, None, raw=body, signature=sign(body, "another-secret"))
    assert response.status_code == 403
    assert sink.statuses["wamid.A"] == "sent"


def test_a_missing_signature_is_refused(client, sink):
    response = post(client, envelope(messages=[text_message("halo")]), signature=None)
    assert response.status_code == 403
    assert sink.inbound == [] and sink.replies == []


@pytest.mark.parametrize("header", ["", "sha256=", "sha1=abc", "sha256=zz", "sha256=é"])
def test_a_malformed_signature_is_refused(client, sink, header):
    response = post(client, envelope(statuses=[status("wamid.A", "read")]), signature=header)
    assert response.status_code == 403
    assert sink.statuses["wamid.A"] == "sent"


def test_a_replayed_body_with_one_changed_field_is_refused(client, sink):
    original = json.dumps(envelope(statuses=[status("wamid.A", "delivered")])).encode()
    signature = sign(original)
    assert post(client, None, raw=original, signature=signature).status_code == 200
    forged = original.replace(b'"delivered"', b'"read"')
    assert forged != original
    assert post(client, None, raw=forged, signature=signature).status_code == 403
    assert sink.statuses["wamid.A"] == "delivered"


def test_the_signature_covers_the_raw_bytes_not_the_parsed_json(client, sink):
    compact = json.dumps(envelope(statuses=[status("wamid.A", "read")]), separators=(",", ":"))
    spaced = json.dumps(json.loads(compact), indent=2).encode()
    response = post(client, None, raw=spaced, signature=sign(compact.encode()))
    assert response.status_code == 403
    assert post(client, None, raw=spaced, signature=sign(spaced)).status_code == 200


def test_an_unset_app_secret_refuses_every_post(store, sink):
    app = create_app(
        settings_with(SITRAS_WHATSAPP_APP_SECRET=""), store, sink, secret_key=b"k" * 32
    )
    body = json.dumps(envelope(statuses=[status("wamid.A", "read")])).encode()
    response = post(app.test_client(), None, raw=body, signature=sign(body, ""))
    assert response.status_code == 403
    assert sink.statuses["wamid.A"] == "sent"


def test_an_oversized_body_is_refused(client, sink):
    payload = envelope(statuses=[status("wamid.A", "read")])
    payload["padding"] = "x" * (256 * 1024)
    response = post(client, payload)  # correctly signed, still too big
    assert response.status_code == 413
    assert response.mimetype == "text/plain"
    assert sink.statuses["wamid.A"] == "sent"


def test_a_signed_body_that_is_not_json_is_acknowledged(client, sink):
    assert post(client, None, raw=b"not json {").status_code == 200
    assert post(client, ["a", "list"]).status_code == 200
    assert post(client, {"entry": [{"changes": [{"value": "odd"}]}, 7]}).status_code == 200
    assert sink.statuses == {"wamid.A": "sent", "wamid.B": "queued"}


# --- status events ---


def test_statuses_out_of_order_and_repeated_never_move_backwards(client, sink):
    for state in ("read", "delivered", "delivered", "sent", "failed"):
        assert post(client, envelope(statuses=[status("wamid.A", state)])).status_code == 200
        assert sink.statuses["wamid.A"] == "read"
    batch = [status("wamid.B", s) for s in ("delivered", "sent", "delivered")]
    assert post(client, envelope(statuses=batch)).status_code == 200
    assert sink.statuses["wamid.B"] == "delivered"


def test_a_failed_status_keeps_the_error(client, sink):
    failure = status(
        "wamid.A",
        "failed",
        errors=[{"code": 131026, "title": "Message undeliverable", "message": "x"}],
    )
    post(client, envelope(statuses=[failure]))
    assert sink.statuses["wamid.A"] == "failed"
    assert sink.errors["wamid.A"] == ("131026", "Message undeliverable")
    post(client, envelope(statuses=[status("wamid.A", "delivered")]))
    assert sink.statuses["wamid.A"] == "delivered"


def test_a_status_for_an_unknown_message_id_is_logged_and_acknowledged(client, sink, caplog):
    with caplog.at_level(logging.INFO, logger="sitras.web.webhook"):
        response = post(client, envelope(statuses=[status("wamid.NOPE", "delivered")]))
    assert response.status_code == 200
    assert "wamid.NOPE" not in sink.statuses
    assert "unknown message id wamid.NOPE" in caplog.text


def test_an_unknown_status_value_changes_nothing(client, sink):
    assert post(client, envelope(statuses=[status("wamid.A", "deleted")])).status_code == 200
    assert sink.statuses["wamid.A"] == "sent"


@pytest.mark.parametrize(
    ("current", "incoming", "kept"),
    [
        ("", "sent", "sent"),
        ("queued", "delivered", "delivered"),
        ("sent", "failed", "failed"),
        ("failed", "delivered", "delivered"),
        ("delivered", "failed", "delivered"),
        ("read", "delivered", "read"),
        ("delivered", "delivered", "delivered"),
        ("sent", "warning", "sent"),
    ],
)
def test_advance(current, incoming, kept):
    assert advance(current, incoming) == kept


# --- inbound messages ---


def rendered(queued) -> str:
    """The text the outbox will send for a queued reply (the notifier's catalogue)."""
    message = compose(
        queued.reply.kind,
        queued.reply.values,
        to=queued.to,
        message_key="test",
        public_base_url="https://sitras.example.go.id",
    )
    return message.text


@pytest.mark.parametrize(
    "style",
    [
        "LACAK {display}",
        "lacak {lower}",
        "{bare}",
        "cek surat {display} ya",
        "lacak{bare}",
        "https://sitras.example.go.id/lacak/{bare}",
        "{spaced}",
    ],
)
def test_a_code_in_any_form_gets_a_status_reply(client, sink, code, style):
    display = tracking_code.display(code)
    body = style.format(
        display=display, lower=display.lower(), bare=code, spaced=display.replace("-", " ")
    )
    assert post(client, envelope(messages=[text_message(body)])).status_code == 200
    [queued] = sink.replies
    assert queued.to == OWNER and queued.in_reply_to == "wamid.IN1"
    assert queued.reply.kind == BALASAN and queued.reply.values["code"] == code
    text = rendered(queued)
    assert display in text and "Didisposisi" in text
    assert "Asisten Pemerintahan" in text and "2025-12-04 09:15" in text


def test_the_number_on_file_also_gets_the_subject_never_the_name(client, sink, code):
    post(client, envelope(messages=[text_message(f"LACAK {code}")]))
    [queued] = sink.replies
    text = rendered(queued)
    assert SUBJECT in text
    for private in (SENDER, OWNER, DISPOSITION):
        assert private not in text
    assert set(queued.reply.values) == {"code", "status", "desk", "responsible", "since", "subject"}


def test_a_number_that_has_no_letters_gets_the_same_reply_without_the_subject(
    client, sink, store, code
):
    assert not any(store.sender_matches(c, STRANGER) for c in store.views)
    post(client, envelope(messages=[text_message(f"LACAK {code}", wa_from=STRANGER)]))
    post(client, envelope(messages=[text_message(f"LACAK {code}", message_id="wamid.IN2")]))
    stranger, owner = sink.replies
    assert stranger.to == STRANGER and owner.to == OWNER
    assert stranger.reply.kind == owner.reply.kind == BALASAN
    stranger_text, owner_text = rendered(stranger), rendered(owner)
    for private in (SUBJECT, DISPOSITION, SENDER, OWNER, OWNER[-4:]):
        assert private not in stranger_text
    # line for line the same reply, the subject shown as "-"
    assert stranger_text == owner_text.replace(SUBJECT, "-")


def test_a_number_that_has_no_letters_and_writes_no_code_gets_help(client, sink):
    post(
        client,
        envelope(messages=[text_message("Selamat siang, surat saya sampai mana?", STRANGER)]),
    )
    [queued] = sink.replies
    assert queued.reply == Reply(BANTUAN, {})
    assert "kirimkan kode lacak" in rendered(queued)
    assert sink.inbound[0][0] == STRANGER  # the 24-hour window is noted all the same


def test_a_mistyped_code_gets_the_not_found_help(client, sink, code):
    last = tracking_code.ALPHABET.index(code[-1])
    wrong = code[:-1] + tracking_code.ALPHABET[(last + 3) % 32]
    post(client, envelope(messages=[text_message(f"lacak {wrong.lower()}")]))
    [queued] = sink.replies
    assert queued.reply == Reply(BANTUAN, {"code": wrong})
    assert wrong in rendered(queued) and "Periksa kembali" in rendered(queued)


def test_an_unknown_valid_code_gets_the_not_found_help(client, sink):
    unknown = tracking_code.generate()
    post(client, envelope(messages=[text_message(unknown)]))
    [queued] = sink.replies
    assert queued.reply == Reply(BANTUAN, {"code": unknown})
    assert tracking_code.display(unknown) in rendered(queued)


def test_a_non_text_message_gets_help(client, sink):
    image = {
        "from": OWNER,
        "id": "wamid.IMG",
        "timestamp": "1765000200",
        "type": "image",
        "image": {"id": "media", "mime_type": "image/jpeg"},
    }
    post(client, envelope(messages=[image]))
    [queued] = sink.replies
    assert queued.reply == Reply(BANTUAN, {})


def test_at_most_three_codes_are_answered(client, sink, code):
    others = [tracking_code.generate() for _ in range(3)]
    post(client, envelope(messages=[text_message(" ".join([code, *others]))]))
    assert [q.reply.values["code"] for q in sink.replies] == [code, *others[:2]]


def test_a_redelivered_message_is_answered_once(client, sink, code):
    payload = envelope(messages=[text_message(f"LACAK {code}")])
    assert post(client, payload).status_code == 200
    assert post(client, payload).status_code == 200
    assert len(sink.replies) == 1 and len(sink.inbound) == 1


def test_a_flood_from_one_number_gets_ten_replies_an_hour(client, sink, code):
    for number in range(15):
        post(client, envelope(messages=[text_message(code, message_id=f"wamid.F{number}")]))
    assert len(sink.inbound) == 15
    assert len(sink.replies) == 10


def test_a_sender_number_that_is_not_a_number_is_ignored(client, sink):
    post(client, envelope(messages=[text_message("halo", wa_from="+62 812 <x>")]))
    assert sink.inbound == [] and sink.replies == []


def test_a_failing_store_asks_meta_to_redeliver(store, code, caplog):
    class BrokenSink(MemorySink):
        def inbound_text(self, *args, **kwargs):
            raise OSError("database is locked")

    app = create_app(settings_with(), store, BrokenSink(), secret_key=b"k" * 32)
    with caplog.at_level(logging.ERROR):
        response = post(app.test_client(), envelope(messages=[text_message(code)]))
    assert response.status_code == 503
    assert "Meta will redeliver" in caplog.text
    assert APP_SECRET not in caplog.text


def test_logs_carry_no_secret_and_no_full_number(client, code, caplog):
    with caplog.at_level(logging.DEBUG):
        post(
            client,
            envelope(messages=[text_message(code, message_id=f"wamid.L{n}") for n in range(12)]),
        )
        post(client, envelope(statuses=[status("wamid.X", "read")]), signature="sha256=00")
    assert APP_SECRET not in caplog.text and VERIFY_TOKEN not in caplog.text
    assert OWNER not in caplog.text


def test_codes_in_stops_at_three():
    codes = [tracking_code.generate() for _ in range(5)]
    assert codes_in(" ".join(codes)) == codes[:3]
    assert codes_in("") == []


# --- against the notifier's state (jobs.state), through web.sqlite_store ---


@pytest.fixture
def state(tmp_path, code):
    from jobs.diff import LetterState
    from sitras_sheets.models import Desk
    from tests.fakes import seeded_state

    letter = LetterState(
        code=code,
        subject=SUBJECT,
        sender=SENDER,
        whatsapp="0812-3456-7890",
        received_at="2025-12-04 08:05",
        status="Didisposisi",
        disposition=DISPOSITION,
    )
    desk = Desk("ASPEM", "Asisten Pemerintahan", "Drs. H. Ahmad Yani")
    state = seeded_state(tmp_path / "state.sqlite3", letter, [("2025-12-04 09:15", desk)])
    yield state
    state.close()


@pytest.fixture
def state_client(state):
    from web.sqlite_store import StateSink, StateTracking

    sink = StateSink(state, "Asia/Jakarta", Clock())
    app = create_app(settings_with(), StateTracking(state), sink, secret_key=b"k" * 32)
    return app.test_client()


def test_a_reply_goes_into_the_outbox_once_and_opens_the_window(state, state_client, code):
    payload = envelope(messages=[text_message(f"LACAK {code}")])
    assert post(state_client, payload).status_code == 200
    assert post(state_client, payload).status_code == 200  # Meta redelivers
    [entry] = state.due(now=2e9)
    assert (entry.kind, entry.code, entry.recipient) == (BALASAN, code, OWNER)
    assert entry.masked == "62812****7890"
    assert entry.values["subject"] == SUBJECT  # the number on file
    assert "Ahmad" not in str(entry.values) and SENDER not in str(entry.values)
    assert state.window_open(OWNER, now=Clock.now + 60)


def test_a_stranger_gets_a_reply_without_the_subject_in_the_outbox(state, state_client, code):
    post(state_client, envelope(messages=[text_message(code, wa_from=STRANGER)]))
    [entry] = state.due(now=2e9)
    assert entry.recipient == STRANGER and "subject" not in entry.values
    assert state.window_open(STRANGER, now=Clock.now + 60)


def test_delivery_statuses_in_the_outbox_only_move_forward(state, state_client, code, tmp_path):
    import sqlite3

    from jobs.events import Event

    state.enqueue(
        [Event("e1", "status", code, OWNER, "62812****7890", {"code": code, "status": "Selesai"})],
        now=1.0,
        stamp="2025-12-04 10:00",
    )
    [entry] = state.due(now=2.0)
    state.mark_sending(entry, now=2.0)
    state.record_sent(entry, "wamid.OUT", now=3.0, stamp="2025-12-04 10:00")
    for state_name in ("read", "delivered", "sent", "failed"):
        post(state_client, envelope(statuses=[status("wamid.OUT", state_name)]))
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        [(delivery, at)] = db.execute(
            "SELECT delivery, delivery_at FROM outbox_messages WHERE message_id = 'wamid.OUT'"
        ).fetchall()
    assert delivery == "read"
    assert at == "2025-12-06 12:48"  # 1765000100 in Asia/Jakarta
    unknown = post(state_client, envelope(statuses=[status("wamid.NONE", "read")]))
    assert unknown.status_code == 200
