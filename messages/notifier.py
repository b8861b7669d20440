"""Texts of the notifier (``run``): what clerks read in the sheet's Notifikasi
column and tab, and what operators read in the log. WhatsApp messages themselves
are in ``messages/whatsapp.py``."""

MESSAGES: dict[str, dict[str, str]] = {
    # -- the Notifikasi column of a letter row ------------------------------------
    "notifier.sent_count": {"id": "Terkirim {sent}/{total}", "en": "Sent {sent}/{total}"},
    "notifier.sent_waiting": {
        "id": "Terkirim {sent}/{total}; sisanya menunggu ({reason})",
        "en": "Sent {sent}/{total}; the rest is waiting ({reason})",
    },
    "notifier.failed": {"id": "Gagal: {reason}", "en": "Failed: {reason}"},
    "notifier.no_phone": {
        "id": "Tidak dikirim: nomor WhatsApp kosong",
        "en": "Not sent: no WhatsApp number",
    },
    "notifier.unknown_status": {
        "id": "Status tidak dikenal: {status!r}; pilih salah satu: {choices}",
        "en": "Unknown status: {status!r}; choose one of: {choices}",
    },
    "notifier.invalid_code": {
        "id": "Kode lacak tidak sah ({reason}); perbaiki, atau kosongkan agar sistem memberi kode",
        "en": "Invalid tracking code ({reason}); fix it, or clear it to get a new code",
    },
    "notifier.duplicate_row": {
        "id": "Kode lacak ganda ({problem}); baris ini tidak diproses",
        "en": "Duplicate tracking code ({problem}); this row is not processed",
    },
    "notifier.duplicated_letter": {
        "id": "Kode lacak ganda di baris {row}; notifikasi ditahan sampai diperbaiki",
        "en": "Tracking code repeated in row {row}; notifications held until fixed",
    },
    # -- the Notifikasi tab ----------------------------------------------------------
    "notifier.outcome.sent": {"id": "Terkirim", "en": "Sent"},
    "notifier.outcome.retry": {"id": "Dicoba lagi", "en": "Retrying"},
    "notifier.outcome.dead": {"id": "Gagal", "en": "Failed"},
    "notifier.outcome.delivered": {"id": "Sampai di ponsel", "en": "Delivered"},
    "notifier.outcome.read": {"id": "Dibaca", "en": "Read"},
    "notifier.reason.attempts": {
        "id": "gagal setelah {attempts} percobaan: {reason}",
        "en": "failed after {attempts} attempts: {reason}",
    },
    "notifier.reason.compose": {
        "id": "pesan tidak dapat disusun: {error}",
        "en": "the message could not be composed: {error}",
    },
    "notifier.reason.provider_error": {
        "id": "galat tak terduga di penyedia WhatsApp ({error})",
        "en": "unexpected error in the WhatsApp provider ({error})",
    },
    "notifier.reason.no_desk_number": {
        "id": "meja {desk} belum punya nomor WhatsApp di tab Meja",
        "en": "desk {desk} has no WhatsApp number in the Meja tab",
    },
    # -- the digest ------------------------------------------------------------------
    "notifier.digest_overdue": {"id": "{count} surat", "en": "{count} letter(s)"},
    # -- operators (log) -------------------------------------------------------------
    "notifier.already_running": {
        "id": "penjadwal lain sudah berjalan untuk state {path} ({holder}); "
        "hentikan dulu proses itu, atau pakai --config dengan state.path lain",
        "en": "another scheduler is already running on state {path} ({holder}); "
        "stop it first, or use --config with another state.path",
    },
    "notifier.holder_unknown": {"id": "proses tidak diketahui", "en": "unknown process"},
    "notifier.holder": {
        "id": "pid {pid} di {host} sejak {since}",
        "en": "pid {pid} on {host} since {since}",
    },
    "notifier.lock_failed": {
        "id": "berkas kunci {path} tidak dapat dibuka: {error}",
        "en": "the lock file {path} cannot be opened: {error}",
    },
    "notifier.state_failed": {
        "id": "state {path} tidak dapat dibuka atau ditulis: {error}",
        "en": "the state {path} cannot be opened or written: {error}",
    },
    "notifier.paused": {
        "id": "PERHATIAN OPERATOR: pengiriman WhatsApp dihentikan sementara: {reason}. "
        "{pending} pesan menunggu di antrean dan dikirim setelah diperbaiki "
        "(dicoba lagi dalam {seconds} detik).",
        "en": "OPERATOR ATTENTION: WhatsApp delivery paused: {reason}. "
        "{pending} message(s) wait in the queue and go out once fixed "
        "(retrying in {seconds} s).",
    },
    "notifier.possibly_sent": {
        "id": "{count} pesan sedang dikirim saat proses berhenti; dikirim ulang "
        "(mungkin penerima mendapatkannya dua kali)",
        "en": "{count} message(s) were being sent when the process stopped; sending again "
        "(the recipient may get them twice)",
    },
    "notifier.no_head_number": {
        "id": "ringkasan harian tidak dikirim: nomor WhatsApp kepala kantor belum diatur",
        "en": "daily digest not sent: the head of office's WhatsApp number is not set",
    },
    "notifier.missing_module": {
        "id": "modul {module} belum tersedia di versi ini; 'run' belum dapat mengirim WhatsApp",
        "en": "module {module} is not available in this version; 'run' cannot send WhatsApp yet",
    },
    "notifier.started": {
        "id": "penjadwal berjalan: sync tiap {poll} detik, kirim tiap {deliver} detik, "
        "cek terlambat tiap {overdue} detik, ringkasan {digest}. Ctrl+C untuk berhenti.",
        "en": "scheduler running: sync every {poll} s, deliver every {deliver} s, "
        "overdue check every {overdue} s, digest {digest}. Ctrl+C to stop.",
    },
    "notifier.stopping": {
        "id": "berhenti setelah tugas yang sedang berjalan selesai",
        "en": "stopping after the running job ends",
    },
    "notifier.scan_row_ignored": {
        "id": "tab Pindai baris {row} tidak dibaca: {problem} (perbaiki barisnya; "
        "perpindahan surat itu dikabarkan setelah diperbaiki)",
        "en": "Pindai tab row {row} not read: {problem} (fix the row; the letter's move "
        "is announced once it is fixed)",
    },
    "notifier.version_missed": {
        "id": "versi Drive tidak berubah, tetapi pembacaan penuh menemukan perubahan di "
        "sheet: metadata Drive tertinggal (perubahan seperti ini menunggu paling lama "
        "{seconds} detik)",
        "en": "Drive's version did not change, yet the full read found changes in the "
        "sheet: Drive's metadata lags (such changes wait at most {seconds} s)",
    },
    "notifier.version_lag": {
        "id": "versi Drive masih belum berubah {seconds:.0f} detik setelah Sitras menulis "
        "ke sheet: metadata Drive tertinggal sedikitnya selama itu",
        "en": "Drive's version had still not changed {seconds:.0f} s after Sitras wrote "
        "to the sheet: Drive's metadata lagged at least that long",
    },
}
