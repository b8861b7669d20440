"""Texts of the scanner station (``scan`` command): what the officer at a desk reads.
Markers are ASCII ([OK], [X]…): a Windows console or log file in cp1252 prints them."""

MESSAGES: dict[str, dict[str, str]] = {
    # -- one scan -----------------------------------------------------------
    "scan.logged": {
        "id": "[OK] {code} dicatat di meja {desk}: {subject}",
        "en": "[OK] {code} logged at desk {desk}: {subject}",
    },
    "scan.logged_unregistered": {
        "id": "[OK] {code} dicatat di meja {desk} — perhatian: kode belum terdaftar di register",
        "en": "[OK] {code} logged at desk {desk} — note: this code is not in the register yet",
    },
    "scan.logged_register_unread": {
        "id": "[OK] {code} dicatat di meja {desk} "
        "(register belum terbaca; perihal belum diketahui)",
        "en": "[OK] {code} logged at desk {desk} (register not read yet; subject unknown)",
    },
    "scan.now_registered": {
        "id": "[i] {code} kini terdaftar di register: {subject}",
        "en": "[i] {code} is now in the register: {subject}",
    },
    "scan.no_subject": {"id": "(tanpa perihal)", "en": "(no subject)"},
    "scan.already": {
        "id": "[--] {code} sudah dipindai di meja {desk}; tidak dicatat lagi",
        "en": "[--] {code} was already scanned at desk {desk}; not logged again",
    },
    "scan.invalid": {
        "id": "[X] Kode tidak valid: {text!r} — pindai ulang atau periksa stikernya",
        "en": "[X] Invalid code: {text!r} — scan again or check the sticker",
    },
    "scan.no_codes": {
        "id": "Tidak ada kode lacak di {origin}",
        "en": "No tracking code in {origin}",
    },
    "scan.spool_failed": {
        "id": "[X] GAGAL menyimpan pindaian {code}: {reason}. Pindai ulang atau hubungi admin.",
        "en": "[X] FAILED to store the scan of {code}: {reason}. Scan again or call the admin.",
    },
    "scan.proof_failed": {
        "id": "Perhatian: foto bukti pindaian {code} tidak tersimpan: {reason}",
        "en": "Note: the proof photo of the scan of {code} was not stored: {reason}",
    },
    # -- the session ----------------------------------------------------------
    "scan.started": {
        "id": "Stasiun {station} siap di meja {desk} ({source}). Tekan Ctrl+C untuk berhenti.",
        "en": "Station {station} ready at desk {desk} ({source}). Press Ctrl+C to stop.",
    },
    "scan.source_images": {"id": "berkas gambar", "en": "image files"},
    "scan.source_camera": {"id": "kamera {index}", "en": "camera {index}"},
    "scan.source_keyboard": {"id": "pemindai USB/keyboard", "en": "USB scanner/keyboard"},
    "scan.choose_source": {
        "id": "pilih tepat satu sumber: --images PATH…, --camera N atau --keyboard",
        "en": "choose exactly one source: --images PATH…, --camera N or --keyboard",
    },
    "scan.desk_empty": {"id": "--desk tidak boleh kosong", "en": "--desk must not be empty"},
    "scan.desk_unknown": {
        "id": "Perhatian: meja {desk} tidak ada di tab Meja register; pindaian tetap dicatat.",
        "en": "Note: desk {desk} is not in the register's Meja tab; scans are logged anyway.",
    },
    "scan.register_unreachable": {
        "id": "Perhatian: register tidak terjangkau ({reason}). Pindaian disimpan di stasiun "
        "dan dikirim otomatis saat register kembali.",
        "en": "Note: the register is unreachable ({reason}). Scans are kept on this station "
        "and sent automatically when the register is back.",
    },
    "scan.register_back": {
        "id": "Register terjangkau lagi; pindaian yang tertunda sedang dikirim.",
        "en": "The register is reachable again; pending scans are being sent.",
    },
    "scan.flushing": {
        "id": "Mengirim {pending} pindaian tertunda ke register (paling lama {seconds} detik)…",
        "en": "Sending {pending} pending scans to the register (at most {seconds} seconds)…",
    },
    "scan.summary": {
        "id": "Selesai. Dicatat: {logged}. Terkirim ke register: {synced}. "
        "Masih tertunda di stasiun: {pending}.",
        "en": "Done. Logged: {logged}. Sent to the register: {synced}. "
        "Still pending on this station: {pending}.",
    },
    "scan.pending_safe": {
        "id": "Pindaian tertunda aman di {path} dan dikirim saat stasiun dijalankan lagi.",
        "en": "Pending scans are safe in {path} and are sent when the station runs again.",
    },
    # -- frame sources ----------------------------------------------------------
    "scan.camera_missing": {
        "id": "Kamera {index} tidak ditemukan atau sedang dipakai aplikasi lain. "
        "Periksa kabel USB-nya, tutup aplikasi lain yang memakai kamera, lalu jalankan lagi.",
        "en": "Camera {index} was not found or is in use by another application. "
        "Check its USB cable, close other applications using the camera, then run again.",
    },
    "scan.camera_lost": {
        "id": "Kamera {index} terputus: gambar tidak terbaca. Periksa kabel USB-nya.",
        "en": "Camera {index} disconnected: no image can be read. Check its USB cable.",
    },
    "scan.camera_retry": {
        "id": "Mencoba membuka kamera {index} lagi ({attempt}/{attempts}) dalam {delay:g} detik…",
        "en": "Trying to open camera {index} again ({attempt}/{attempts}) in {delay:g} seconds…",
    },
    "scan.camera_back": {
        "id": "Kamera {index} tersambung kembali.",
        "en": "Camera {index} is connected again.",
    },
    "scan.camera_gave_up": {
        "id": "Kamera {index} tidak kembali setelah {attempts} percobaan; stasiun berhenti. "
        "Sambungkan kamera lalu jalankan lagi.",
        "en": "Camera {index} did not come back after {attempts} attempts; the station stops. "
        "Connect the camera and run again.",
    },
    "scan.path_missing": {
        "id": "Berkas atau folder {path} tidak ditemukan; dilewati.",
        "en": "File or folder {path} not found; skipped.",
    },
    "scan.image_unreadable": {
        "id": "Berkas {path} bukan gambar yang bisa dibaca; dilewati.",
        "en": "File {path} is not a readable image; skipped.",
    },
}
