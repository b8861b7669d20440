"""Texts of the command line (loket and operators)."""

MESSAGES: dict[str, dict[str, str]] = {
    "cli.registered": {
        "id": "Surat terdaftar. Kode lacak: {code}",
        "en": "Letter registered. Tracking code: {code}",
    },
    "cli.updated": {
        "id": "Surat {code} diperbarui: {changes}",
        "en": "Letter {code} updated: {changes}",
    },
    "cli.init_changed": {"id": "Diubah: {change}", "en": "Changed: {change}"},
    "cli.init_unchanged": {
        "id": "Register sudah lengkap; tidak ada yang diubah.",
        "en": "The register is complete; nothing changed.",
    },
    "cli.receipt_written": {
        "id": "Tanda terima dan stiker ditulis ke {path}",
        "en": "Receipt and sticker written to {path}",
    },
    "cli.error": {"id": "Galat: {reason}", "en": "Error: {reason}"},
    "cli.track_header": {
        "id": "Surat {code} — {subject}\nStatus: {status}   Posisi: {position}",
        "en": "Letter {code} — {subject}\nStatus: {status}   Position: {position}",
    },
    "cli.track_received": {
        "id": "{time}  Diterima di loket",
        "en": "{time}  Received at the counter",
    },
    "cli.track_scan": {
        "id": "{time}  Di meja {desk}{responsible}",
        "en": "{time}  At desk {desk}{responsible}",
    },
    "cli.track_disposition": {"id": "Disposisi: {disposition}", "en": "Disposition: {disposition}"},
    "cli.track_problem": {
        "id": "Perhatian, baris {row} tab {tab}: {message}",
        "en": "Attention, row {row} of tab {tab}: {message}",
    },
    "cli.unknown_status": {
        "id": "status {status!r} tidak dikenal; pilih salah satu: {choices}",
        "en": "unknown status {status!r}; choose one of: {choices}",
    },
}
MESSAGES.update(
    {
        "demo.init": {
            "id": "1. Menyiapkan register dan daftar meja",
            "en": "1. Setting up the register and the desks",
        },
        "demo.loket": {
            "id": "2. Loket: surat didaftarkan, tanda terima dicetak",
            "en": "2. Counter: letters registered, receipts printed",
        },
        "demo.desk": {
            "id": "3. Stasiun pemindai di meja {desk}",
            "en": "3. Scanner station at desk {desk}",
        },
        "demo.clerk": {
            "id": "4. Petugas mengubah disposisi dan status",
            "en": "4. Clerks edit disposition and status",
        },
        "demo.track": {"id": "5. Riwayat perjalanan surat", "en": "5. Letter timelines"},
    }
)
