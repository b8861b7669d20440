"""Texts of scanner stations, the ``decode`` command, stickers and receipts."""

MESSAGES: dict[str, dict[str, str]] = {
    # decode PATH…
    "station.decode_found": {
        "id": "{file}: {codes}",
        "en": "{file}: {codes}",
    },
    "station.decode_none": {
        "id": "{file}: tidak ada kode lacak",
        "en": "{file}: no tracking code",
    },
    "station.decode_unreadable": {
        "id": "{file}: gambar tidak dapat dibaca",
        "en": "{file}: the image cannot be read",
    },
    "station.decode_missing": {
        "id": "{file}: berkas atau folder tidak ditemukan",
        "en": "{file}: no such file or folder",
    },
    "station.decode_no_images": {
        "id": "{path}: tidak ada berkas gambar di folder ini",
        "en": "{path}: no image files in this folder",
    },
    "station.decoder_unavailable": {
        "id": "Pembaca {decoder} tidak tersedia ({reason}); pemindaian tetap berjalan tanpanya.",
        "en": "The {decoder} reader is unavailable ({reason}); scanning goes on without it.",
    },
    # receipt CODE
    "station.receipt_written": {
        "id": "Tanda terima dan stiker {code} ditulis ke {path}",
        "en": "Receipt and sticker for {code} written to {path}",
    },
    # sticker and receipt texts
    "sticker.received": {"id": "Diterima {time}", "en": "Received {time}"},
    "sticker.title": {"id": "TANDA TERIMA SURAT", "en": "LETTER RECEIPT"},
    "sticker.code_label": {"id": "Kode lacak", "en": "Tracking code"},
    "sticker.number": {"id": "Nomor surat", "en": "Letter number"},
    "sticker.subject": {"id": "Perihal", "en": "Subject"},
    "sticker.sender": {"id": "Pengirim", "en": "Sender"},
    "sticker.time": {"id": "Waktu terima", "en": "Received at"},
    "sticker.scan_to_track": {
        "id": "Pindai QR ini untuk melacak surat Anda:",
        "en": "Scan this QR to track your letter:",
    },
    "sticker.no_link": {
        "id": "Alamat pelacakan daring belum tersedia. Sebutkan kode ini saat menanyakan "
        "surat Anda ke kantor.",
        "en": "Online tracking is not available yet. Quote this code when you ask the "
        "office about your letter.",
    },
    "sticker.whatsapp": {
        "id": "Tanya lewat WhatsApp (kirim pesan ke kantor lebih dulu agar kabar surat "
        "dapat dikirim kepada Anda):",
        "en": "Ask on WhatsApp (message the office first so that updates can reach you):",
    },
    "sticker.keep": {
        "id": "Simpan tanda terima ini sampai surat Anda selesai diproses.",
        "en": "Keep this receipt until your letter has been dealt with.",
    },
    "sticker.cut": {
        "id": "potong di sini — stiker untuk surat",
        "en": "cut here — sticker for the letter",
    },
}
