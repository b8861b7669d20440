"""Texts of the WhatsApp messages, the log provider and the send outcomes.

Each ``wa.<event>`` text is also the body of an approved Meta template: the
placeholders appear in the order of the template's ``{{1}}``, ``{{2}}``, …
(see ``jobs.message_catalogue`` and docs/whatsapp-templates.md). Keep them in
that order, never at the very start or end of a text, and never next to each
other; changing a ``wa.<event>`` text means submitting a new template version."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- messages to the sender -------------------------------------------------
    "wa.diterima": {
        "id": (
            "Yth. Bapak/Ibu, surat Anda telah kami terima di loket Sekretariat Daerah.\n\n"
            "Kode lacak: *{code}*\n"
            'Perihal: "{subject}"\n'
            "Diterima: {time}\n\n"
            "Pantau posisi surat Anda: {link}\n\n"
            "Simpan kode lacak ini. Kami akan mengabari Anda setiap kali surat berpindah meja."
        ),
        "en": (
            "Dear Sir/Madam, we have received your letter at the Regional Secretariat counter.\n\n"
            "Tracking code: *{code}*\n"
            'Subject: "{subject}"\n'
            "Received: {time}\n\n"
            "Follow your letter: {link}\n\n"
            "Please keep this tracking code. We will tell you each time your letter moves "
            "to another desk."
        ),
    },
    "wa.pindah": {
        "id": (
            "Yth. Bapak/Ibu, surat Anda kini berada di *{desk}* dan ditangani oleh "
            "{responsible} sejak {since}.\n\n"
            "Kode lacak: {code}\n\n"
            "Kami akan mengabari Anda bila ada perkembangan berikutnya."
        ),
        "en": (
            "Dear Sir/Madam, your letter is now at *{desk}*, handled by {responsible} "
            "since {since}.\n\n"
            "Tracking code: {code}\n\n"
            "We will let you know of any further progress."
        ),
    },
    "wa.disposisi": {
        "id": (
            "Yth. Bapak/Ibu, surat Anda telah didisposisikan kepada *{to}* "
            "dengan arahan: {instruction}.\n\n"
            "Kode lacak: {code}\n\n"
            "Kami akan mengabari Anda bila ada perkembangan berikutnya."
        ),
        "en": (
            "Dear Sir/Madam, your letter has been disposed to *{to}* "
            "with the instruction: {instruction}.\n\n"
            "Tracking code: {code}\n\n"
            "We will let you know of any further progress."
        ),
    },
    "wa.status": {
        "id": (
            "Yth. Bapak/Ibu, status surat Anda di Sekretariat Daerah kini *{status}*.\n\n"
            "Kode lacak: {code}\n\n"
            "Keterangan: {next_step}\n\n"
            "Terima kasih atas kesabaran Anda."
        ),
        "en": (
            "Dear Sir/Madam, the status of your letter at the Regional Secretariat is now "
            "*{status}*.\n\n"
            "Tracking code: {code}\n\n"
            "Note: {next_step}\n\n"
            "Thank you for your patience."
        ),
    },
    "wa.balasan": {
        "id": (
            "Yth. Bapak/Ibu, berikut posisi surat Anda.\n\n"
            "Kode lacak: *{code}*\n"
            'Perihal: "{subject}"\n'
            "Status: *{status}*\n"
            "Posisi: {position}\n"
            "Sejak: {since}\n\n"
            "Keterangan: {next_step}\n\n"
            "Terima kasih."
        ),
        "en": (
            "Dear Sir/Madam, here is where your letter stands.\n\n"
            "Tracking code: *{code}*\n"
            'Subject: "{subject}"\n'
            "Status: *{status}*\n"
            "Position: {position}\n"
            "Since: {since}\n\n"
            "Note: {next_step}\n\n"
            "Thank you."
        ),
    },
    "wa.bantuan": {
        "id": (
            "Yth. Bapak/Ibu, untuk menanyakan posisi surat, kirimkan kode lacak yang tertera "
            "pada tanda terima, contohnya 7K2M-9QXD-4TR3.\n\n"
            "Pesan ini dijawab otomatis. Untuk keperluan lain, silakan hubungi loket "
            "Sekretariat Daerah pada jam kerja."
        ),
        "en": (
            "Dear Sir/Madam, to ask where your letter is, send the tracking code printed on "
            "your receipt, for example 7K2M-9QXD-4TR3.\n\n"
            "This is an automatic reply. For anything else, please contact the Regional "
            "Secretariat counter during office hours."
        ),
    },
    "wa.bantuan_tidak_ditemukan": {
        "id": (
            "Yth. Bapak/Ibu, kode lacak *{code}* tidak kami temukan. Periksa kembali kode pada "
            "tanda terima, lalu kirimkan lagi, contohnya 7K2M-9QXD-4TR3.\n\n"
            "Untuk bantuan, silakan hubungi loket Sekretariat Daerah pada jam kerja."
        ),
        "en": (
            "Dear Sir/Madam, we could not find the tracking code *{code}*. Please check the "
            "code on your receipt and send it again, for example 7K2M-9QXD-4TR3.\n\n"
            "For help, please contact the Regional Secretariat counter during office hours."
        ),
    },
    # --- messages to the office ------------------------------------------------
    "wa.terlambat": {
        "id": (
            'Pengingat untuk meja: surat dengan kode lacak *{code}* perihal "{subject}" '
            "berada di {desk} dan sudah {hours} jam melewati batas waktunya.\n\n"
            "Mohon segera ditindaklanjuti atau diteruskan ke meja berikutnya. Terima kasih."
        ),
        "en": (
            'Desk reminder: the letter with tracking code *{code}* about "{subject}" '
            "is at {desk} and is {hours} hour(s) past its time limit.\n\n"
            "Please act on it or pass it on to the next desk. Thank you."
        ),
    },
    "wa.digest": {
        "id": (
            "Ringkasan surat Sitras per {date}.\n\n"
            "Surat dalam proses: *{total}*\n"
            "Per meja: {per_desk}\n"
            "Melewati batas waktu: *{overdue}*\n"
            "Terlama: {oldest}\n\n"
            "Rincian lengkap ada di register Sitras."
        ),
        "en": (
            "Sitras letter summary as of {date}.\n\n"
            "Letters in progress: *{total}*\n"
            "By desk: {per_desk}\n"
            "Past the time limit: *{overdue}*\n"
            "Oldest: {oldest}\n\n"
            "Full details are in the Sitras register."
        ),
    },
    # --- pieces that fill the placeholders above -------------------------------
    "wa.link_fallback": {
        "id": "kirimkan kode lacak ke nomor WhatsApp ini",
        "en": "send the tracking code to this WhatsApp number",
    },
    "wa.responsible_fallback": {"id": "petugas meja", "en": "the desk officer"},
    "wa.position_counter": {"id": "loket penerimaan", "en": "the reception counter"},
    "wa.position_with_person": {
        "id": "{desk}, ditangani {responsible}",
        "en": "{desk}, handled by {responsible}",
    },
    "wa.digest_oldest": {
        "id": "{code} di {desk} sejak {since}",
        "en": "{code} at {desk} since {since}",
    },
    "wa.none": {"id": "tidak ada", "en": "none"},
    "wa.status_name.Diterima": {"id": "Diterima", "en": "Received"},
    "wa.status_name.Diproses": {"id": "Diproses", "en": "In progress"},
    "wa.status_name.Didisposisi": {"id": "Didisposisi", "en": "Disposed"},
    "wa.status_name.Selesai": {"id": "Selesai", "en": "Completed"},
    "wa.status_name.Dikembalikan": {"id": "Dikembalikan", "en": "Returned"},
    "wa.status_name.Ditolak": {"id": "Ditolak", "en": "Rejected"},
    "wa.next.Selesai": {
        "id": (
            "Surat Anda telah selesai diproses. Bila ada jawaban tertulis, silakan ambil di "
            "loket Sekretariat Daerah pada jam kerja dengan menunjukkan kode lacak ini."
        ),
        "en": (
            "Your letter has been fully processed. If there is a written reply, please collect "
            "it at the Regional Secretariat counter during office hours with this tracking code."
        ),
    },
    "wa.next.Dikembalikan": {
        "id": (
            "Surat Anda dikembalikan. Silakan hubungi loket Sekretariat Daerah untuk mengetahui "
            "kekurangannya, lalu ajukan kembali setelah dilengkapi."
        ),
        "en": (
            "Your letter has been returned. Please contact the Regional Secretariat counter to "
            "learn what is missing, then submit it again once it is complete."
        ),
    },
    "wa.next.Ditolak": {
        "id": (
            "Surat Anda tidak dapat ditindaklanjuti. Untuk penjelasan, silakan hubungi loket "
            "Sekretariat Daerah dengan menyebutkan kode lacak ini."
        ),
        "en": (
            "Your letter cannot be processed further. For an explanation, please contact the "
            "Regional Secretariat counter and quote this tracking code."
        ),
    },
    "wa.next.in_progress": {
        "id": "Surat Anda masih dalam proses. Kami akan mengabari Anda bila ada perkembangan.",
        "en": "Your letter is still being processed. We will let you know of any progress.",
    },
    # --- the log provider (no network: shows what would be sent) ---------------
    "wa.log_block": {
        "id": (
            "── WhatsApp (log, tidak dikirim) ──────────────\n"
            "Kepada   : {to}\n"
            "Jenis    : {event} · template {template} ({language})\n"
            "ID pesan : {message_id}\n"
            "{text}\n"
            "────────────────────────────────────────────────"
        ),
        "en": (
            "── WhatsApp (log, not sent) ────────────────────\n"
            "To         : {to}\n"
            "Event      : {event} · template {template} ({language})\n"
            "Message ID : {message_id}\n"
            "{text}\n"
            "────────────────────────────────────────────────"
        ),
    },
    # --- send outcomes, shown in the sheet (Notifikasi / Keterangan) ------------
    "wa.reason.bad_number": {
        "id": "nomor WhatsApp tidak sah",
        "en": "invalid WhatsApp number",
    },
    "wa.reason.not_on_whatsapp": {
        "id": "nomor tidak terdaftar di WhatsApp",
        "en": "the number is not on WhatsApp",
    },
    "wa.reason.invalid_parameter": {
        "id": "nomor atau isi pesan ditolak WhatsApp (parameter tidak sah, kode {code})",
        "en": "WhatsApp refused the number or the content (invalid parameter, code {code})",
    },
    "wa.reason.recipient_not_allowed": {
        "id": "nomor belum masuk daftar penerima uji akun WhatsApp",
        "en": "the number is not in the WhatsApp test account's recipient list",
    },
    "wa.reason.experiment": {
        "id": "nomor sedang dalam uji coba WhatsApp; pesan bisnis tidak dapat diterima",
        "en": "the number is part of a WhatsApp experiment and cannot receive business messages",
    },
    "wa.reason.template_missing": {
        "id": "template belum disetujui atau belum ada dalam bahasa ini",
        "en": "the template is not approved or does not exist in this language",
    },
    "wa.reason.template_params": {
        "id": "jumlah isian tidak cocok dengan template yang disetujui",
        "en": "the number of values does not match the approved template",
    },
    "wa.reason.template_format": {
        "id": "format isian tidak cocok dengan template yang disetujui",
        "en": "the values do not match the format of the approved template",
    },
    "wa.reason.template_other": {
        "id": "template bermasalah (kode {code})",
        "en": "template problem (code {code})",
    },
    "wa.reason.template_paused": {
        "id": "template dijeda WhatsApp karena kualitas; dicoba lagi nanti",
        "en": "WhatsApp paused the template for quality; will retry later",
    },
    "wa.reason.rejected": {
        "id": "ditolak layanan WhatsApp (kode {code})",
        "en": "refused by the WhatsApp service (code {code})",
    },
    "wa.reason.rate_limit": {
        "id": "batas kecepatan kirim tercapai; dicoba lagi",
        "en": "sending rate limit reached; will retry",
    },
    "wa.reason.pair_rate_limit": {
        "id": "terlalu banyak pesan ke nomor ini dalam waktu singkat; dicoba lagi",
        "en": "too many messages to this number in a short time; will retry",
    },
    "wa.reason.spam_limit": {
        "id": "pengiriman dibatasi WhatsApp karena kualitas pesan; dicoba lagi nanti",
        "en": "WhatsApp restricted sending because of message quality; will retry later",
    },
    "wa.reason.ecosystem": {
        "id": "ditahan WhatsApp untuk menjaga kenyamanan penerima; dicoba lagi nanti",
        "en": "held back by WhatsApp to protect the recipient's experience; will retry later",
    },
    "wa.reason.window_closed": {
        "id": "lebih dari 24 jam sejak penerima terakhir membalas; dikirim ulang sebagai template",
        "en": "more than 24 hours since the recipient last replied; to be resent as a template",
    },
    "wa.reason.server_error": {
        "id": "gangguan di layanan WhatsApp (HTTP {status}); dicoba lagi",
        "en": "WhatsApp service error (HTTP {status}); will retry",
    },
    "wa.reason.timeout": {
        "id": "layanan WhatsApp tidak menjawab tepat waktu; dicoba lagi",
        "en": "the WhatsApp service did not answer in time; will retry",
    },
    "wa.reason.connection": {
        "id": "tidak dapat terhubung ke layanan WhatsApp; dicoba lagi",
        "en": "could not connect to the WhatsApp service; will retry",
    },
    "wa.reason.bad_answer": {
        "id": "jawaban layanan WhatsApp tidak dapat dibaca (HTTP {status}); dicoba lagi",
        "en": "the WhatsApp service's answer could not be read (HTTP {status}); will retry",
    },
    "wa.reason.token": {
        "id": "token WhatsApp kedaluwarsa atau tidak sah; perbarui SITRAS_WHATSAPP_TOKEN",
        "en": "the WhatsApp token expired or is invalid; renew SITRAS_WHATSAPP_TOKEN",
    },
    "wa.reason.permission": {
        "id": "token WhatsApp tidak berizin mengirim pesan; periksa pengaturan aplikasi Meta",
        "en": "the WhatsApp token may not send messages; check the Meta app's permissions",
    },
    "wa.reason.sender_id": {
        "id": "whatsapp.phone_number_id tidak dikenal Meta; periksa ID nomor pengirim",
        "en": "Meta does not know whatsapp.phone_number_id; check the sender number id",
    },
    "wa.reason.account": {
        "id": "akun WhatsApp Business bermasalah (kode {code}); hubungi admin akun",
        "en": "WhatsApp Business account problem (code {code}); contact the account admin",
    },
    "wa.reason.fonnte_device": {
        "id": "perangkat Fonnte tidak tersambung atau kuota habis ({reason}); periksa Fonnte",
        "en": "the Fonnte device is disconnected or out of quota ({reason}); check Fonnte",
    },
    "wa.reason.fonnte_rejected": {
        "id": "ditolak Fonnte ({reason}); dicoba lagi",
        "en": "refused by Fonnte ({reason}); will retry",
    },
    "wa.reason.unexpected": {
        "id": "galat tak terduga saat mengirim ({error}); dicoba lagi",
        "en": "unexpected error while sending ({error}); will retry",
    },
    "wa.reason.log_write": {
        "id": "berkas log WhatsApp tidak dapat ditulis ({error})",
        "en": "the WhatsApp log file cannot be written ({error})",
    },
}
