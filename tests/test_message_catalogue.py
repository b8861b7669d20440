"""Events → WhatsApp messages: the template, its ordered values, the text a
sender reads, and the template bodies submitted to Meta."""

import re
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobs.message_catalogue import (
    ALL_TEMPLATES,
    EVENTS,
    MAX_PARAMETER_LENGTH,
    compose,
    desk_counts,
    template_body,
)
from messages import LANGUAGES, catalogue
from sitras_sheets.tracking_code import tracking_link

DOCS = Path(__file__).parents[1] / "docs" / "whatsapp-templates.md"
NUMBER = "6281234567890"
CODE = "7K2M9QXD4TR3"
SHOWN = "7K2M-9QXD-4TR3"
BASE = "https://sitras.example.go.id"
VALUES = {
    "diterima": {"code": CODE, "subject": "Izin keramaian HUT desa", "time": "2026-11-02 09:15"},
    "pindah": {
        "code": CODE,
        "desk": "Asisten Pemerintahan",
        "responsible": "Drs. Ahmad Fauzi",
        "since": "2026-11-02 10:40",
    },
    "disposisi": {"code": CODE, "disposition": "Bagian Tapem: untuk ditindaklanjuti."},
    "status": {"code": CODE, "status": "Diproses"},
    "terlambat": {"code": CODE, "subject": "Izin keramaian", "desk": "ASPEM", "hours": "6"},
    "digest": {
        "date": "2026-11-03",
        "total": "12",
        "per_desk": "ASPEM 5, UMUM 4",
        "overdue": "2",
        "oldest_code": CODE,
        "oldest_desk": "ASPEM",
        "oldest_since": "2026-10-29 08:10",
    },
    "balasan": {
        "code": CODE,
        "subject": "Izin keramaian",
        "status": "Didisposisi",
        "desk": "ASPEM",
        "since": "2026-11-02 10:40",
    },
    "bantuan": {},
}


def message(event, language="id", **values):
    return compose(
        event,
        {**VALUES[event], **values},
        to=NUMBER,
        message_key=f"{event}:1",
        language=language,
        public_base_url=BASE,
    )


def render(body, parameters):
    for number, value in enumerate(parameters, 1):
        body = body.replace(f"{{{{{number}}}}}", value)
    return body


def test_the_receipt_carries_code_subject_time_and_link_in_template_order():
    receipt = message("diterima")

    assert receipt.template == "sitras_diterima_v1"
    assert receipt.parameters == (
        SHOWN,
        "Izin keramaian HUT desa",
        "2026-11-02 09:15",
        f"{BASE}/lacak/{CODE}",
    )
    assert receipt.to == NUMBER and receipt.message_key == "diterima:1"
    assert receipt.event == "diterima" and receipt.language == "id"
    assert receipt.window_open is False
    assert SHOWN in receipt.text and f"{BASE}/lacak/{CODE}" in receipt.text


def test_the_link_is_the_one_on_the_printed_receipt():
    receipt = compose(
        "diterima",
        VALUES["diterima"],
        to=NUMBER,
        message_key="k",
        public_base_url=BASE + "/",
    )

    assert receipt.parameters[3] == tracking_link(BASE, CODE)


def test_without_a_public_address_the_receipt_says_how_to_ask_on_whatsapp():
    receipt = compose("diterima", VALUES["diterima"], to=NUMBER, message_key="k")

    assert "http" not in receipt.text
    assert "kirimkan kode lacak ke nomor WhatsApp ini" in receipt.text


def test_a_move_names_desk_person_and_time():
    moved = message("pindah")

    assert moved.parameters == (
        "Asisten Pemerintahan",
        "Drs. Ahmad Fauzi",
        "2026-11-02 10:40",
        SHOWN,
    )
    assert "Asisten Pemerintahan" in moved.text and "Drs. Ahmad Fauzi" in moved.text


def test_a_desk_without_a_person_in_charge_still_reads_well():
    moved = message("pindah", responsible="")

    assert "ditangani oleh petugas meja" in moved.text


def test_a_disposition_cell_splits_into_addressee_and_instruction():
    disposed = message("disposisi")

    assert disposed.parameters == ("Bagian Tapem", "untuk ditindaklanjuti", SHOWN)
    assert "kepada *Bagian Tapem* dengan arahan: untuk ditindaklanjuti." in disposed.text


@pytest.mark.parametrize("final", ["Selesai", "Dikembalikan", "Ditolak"])
def test_a_final_status_says_what_to_do_next(final):
    done = message("status", status=final)
    ongoing = message("status", status="Diproses")

    assert done.parameters[0] == final
    assert done.parameters[2] != ongoing.parameters[2]
    assert "loket" in done.parameters[2]  # where to go next
    assert done.parameters[2] in done.text


def test_each_final_status_has_its_own_advice():
    advice = {
        message("status", status=s).parameters[2] for s in ("Selesai", "Dikembalikan", "Ditolak")
    }

    assert len(advice) == 3


def test_a_status_typed_in_any_case_is_recognised():
    assert message("status", status="  selesai ").parameters[0] == "Selesai"


def test_english_messages_translate_the_status():
    assert message("status", "en", status="Ditolak").parameters[0] == "Rejected"
    assert "Dear Sir/Madam" in message("status", "en").text


def test_an_overdue_alert_names_code_subject_desk_and_hours():
    alert = message("terlambat")

    assert alert.parameters == (SHOWN, "Izin keramaian", "ASPEM", "6")
    assert "6 jam" in alert.text


def test_the_digest_counts_per_desk_and_names_the_oldest_letter():
    digest = message("digest", per_desk=desk_counts({"UMUM": 4, "ASPEM": 5, "TU": 0}))

    assert digest.template == "sitras_ringkasan_v1"
    assert digest.parameters[2] == "ASPEM 5, UMUM 4"
    assert digest.parameters[4] == f"{SHOWN} di ASPEM sejak 2026-10-29 08:10"


def test_an_empty_digest_says_so():
    digest = compose(
        "digest", {"date": "2026-11-03", "total": "0", "overdue": "0"}, to=NUMBER, message_key="d"
    )

    assert digest.parameters == ("2026-11-03", "0", "tidak ada", "0", "tidak ada")


def test_a_reply_shows_status_position_and_next_step():
    reply = message("balasan", responsible="Drs. Ahmad Fauzi")

    assert reply.parameters[2] == "Didisposisi"
    assert reply.parameters[3] == "ASPEM, ditangani Drs. Ahmad Fauzi"
    assert "masih dalam proses" in reply.parameters[5]


def test_a_reply_for_a_letter_still_at_the_counter():
    assert message("balasan", desk="").parameters[3] == "loket penerimaan"


def test_help_with_and_without_an_unknown_code():
    plain = message("bantuan")
    unknown = message("bantuan", code="7K2M-9QXD-4TR4")

    assert plain.template == "sitras_bantuan_v1" and plain.parameters == ()
    assert unknown.template == "sitras_kode_tidak_ditemukan_v1"
    assert unknown.parameters == ("7K2M-9QXD-4TR4",)
    assert "tidak kami temukan" in unknown.text


def test_window_open_is_passed_on():
    assert compose("bantuan", {}, to=NUMBER, message_key="b", window_open=True).window_open


@pytest.mark.parametrize(
    ("event", "values", "options", "complaint"),
    [
        ("dibaca", {}, {}, "unknown event"),
        ("diterima", {"subject": "x"}, {}, "tracking code"),
        ("bantuan", {}, {"to": "+62 812-3456-7890"}, "digits"),
        ("bantuan", {}, {"language": "jv"}, "unknown language"),
    ],
)
def test_mistakes_of_the_caller_are_refused(event, values, options, complaint):
    arguments = {"to": NUMBER, "message_key": "k", **options}
    with pytest.raises(ValueError, match=complaint):
        compose(event, values, **arguments)


# --- values a clerk typed ---------------------------------------------------------


def test_values_become_single_line_parameters_meta_accepts():
    receipt = message("diterima", subject="Undangan\n\trapat      koordinasi \r\n")

    assert receipt.parameters[1] == "Undangan rapat koordinasi"


def test_a_long_subject_is_shortened():
    receipt = message("diterima", subject="panjang " * 100)

    assert len(receipt.parameters[1]) == MAX_PARAMETER_LENGTH
    assert receipt.parameters[1].endswith("…")


def test_blank_values_show_as_a_dash():
    assert message("terlambat", subject="  ", hours="").parameters[1::2] == ("-", "-")


_WORDS = st.text(alphabet=string.ascii_letters + " ", max_size=15)


@given(
    prefix=st.sampled_from(["08", "+628", "628", "+62 8", "62-8"]),
    rest=st.text(alphabet=string.digits, min_size=8, max_size=10),
    separator=st.sampled_from(["", " ", "-", "."]),
    before=_WORDS,
    after=_WORDS,
)
def test_no_full_phone_number_ever_reaches_a_text(prefix, rest, separator, before, after):
    typed = prefix + separator.join([rest[:3], rest[3:7], rest[7:]])
    digits = re.sub(r"\D", "", typed)

    receipt = message("diterima", subject=f"{before} hubungi {typed} {after}")

    assert "****" in receipt.parameters[1]
    assert digits not in re.sub(r"\D", "", receipt.parameters[1])
    assert typed not in receipt.text


# --- the templates submitted to Meta ---------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", ALL_TEMPLATES, ids=lambda t: t.name)
def test_template_bodies_follow_metas_rules(template, language):
    body = template_body(template, language)
    numbers = [int(n) for n in re.findall(r"\{\{(\d+)\}\}", body)]

    assert numbers == list(range(1, len(template.fields) + 1))  # sequential, in order
    assert not body.startswith("{{") and not body.rstrip().endswith("}}")
    assert not re.search(r"\}\}\s*\{\{", body)  # never two parameters side by side
    assert len(body) <= 1024
    assert re.fullmatch(r"[a-z0-9_]+", template.name)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("event", EVENTS)
def test_the_text_is_exactly_what_the_template_renders(event, language):
    composed = message(event, language)
    template = next(t for t in ALL_TEMPLATES if t.name == composed.template)

    assert render(template_body(template, language), composed.parameters) == composed.text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", ALL_TEMPLATES, ids=lambda t: t.name)
def test_the_documented_bodies_are_the_ones_sitras_sends(template, language):
    docs = DOCS.read_text(encoding="utf-8")
    meta_language = {"id": "id", "en": "en_US"}[language]

    section = docs.split(f"## `{template.name}`")[1].split("\n## ")[0]
    block = section.split(f"(`{meta_language}`)")[1].split("```text\n")[1].split("\n```")[0]
    assert block == template_body(template, language)


def test_every_whatsapp_text_exists_in_both_languages_with_the_same_placeholders():
    texts = {key: value for key, value in catalogue().items() if key.startswith("wa.")}

    assert texts
    for key, value in texts.items():
        assert set(value) == set(LANGUAGES), key
        fields = [
            {name for _, name, _, _ in string.Formatter().parse(value[lang]) if name}
            for lang in LANGUAGES
        ]
        assert fields[0] == fields[1], key
