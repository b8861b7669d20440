"""Texts of the public tracking page and of the WhatsApp replies (``web.*``)."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- every page ---
    "web.title": {"id": "Lacak Surat", "en": "Track a letter"},
    "web.page_title": {"id": "{page} — Lacak Surat", "en": "{page} — Track a letter"},
    "web.lang_switch": {"id": "English", "en": "Bahasa Indonesia"},
    "web.lang_switch_code": {"id": "en", "en": "id"},
    "web.footer": {
        "id": "Halaman ini tidak pernah menampilkan nomor telepon. Simpan kode lacak Anda "
        "dan jangan bagikan kepada orang lain.",
        "en": "This page never shows a phone number. Keep your tracking code and do not "
        "share it with others.",
    },
    "web.another": {"id": "Lacak surat lain", "en": "Track another letter"},
    "web.months": {
        "id": "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des",
        "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    },
    "web.datetime": {"id": "{day} {month} {year}, {time}", "en": "{day} {month} {year}, {time}"},
    # --- the form ---
    "web.form.heading": {"id": "Lacak surat Anda", "en": "Track your letter"},
    "web.form.intro": {
        "id": "Masukkan kode lacak yang tertera pada tanda terima, misalnya 7K2M-9QXD-4TR3. "
        "Huruf besar atau kecil dan tanda hubung boleh diabaikan.",
        "en": "Enter the tracking code printed on your receipt, for example 7K2M-9QXD-4TR3. "
        "Upper or lower case and dashes do not matter.",
    },
    "web.form.label": {"id": "Kode lacak", "en": "Tracking code"},
    "web.form.submit": {"id": "Lacak", "en": "Track"},
    "web.form.empty": {
        "id": "Tulis kode lacak terlebih dahulu.",
        "en": "Please type a tracking code first.",
    },
    "web.form.whatsapp": {
        "id": "Anda juga bisa mengirim kode lacak lewat WhatsApp ke nomor kantor.",
        "en": "You can also send the tracking code to the office's WhatsApp number.",
    },
    # --- friendly error pages ---
    "web.invalid.heading": {
        "id": "Kode lacak salah ketik",
        "en": "The tracking code is mistyped",
    },
    "web.invalid.check": {
        "id": "Kode “{code}” tidak cocok dengan simbol pemeriksanya (karakter terakhir). "
        "Mungkin ada satu karakter yang tertukar atau salah ketik.",
        "en": "The code “{code}” does not match its check symbol (the last character). "
        "One character is probably swapped or mistyped.",
    },
    "web.invalid.length": {
        "id": "Kode lacak terdiri atas 12 karakter; “{code}” memiliki {length}.",
        "en": "A tracking code has 12 characters; “{code}” has {length}.",
    },
    "web.invalid.chars": {
        "id": "Kode lacak hanya memuat huruf dan angka; “{code}” memuat karakter lain.",
        "en": "A tracking code holds only letters and digits; “{code}” holds other characters.",
    },
    "web.invalid.hint": {
        "id": "Periksa lagi tanda terima Anda. Huruf O dibaca angka 0, huruf I dan L "
        "dibaca angka 1.",
        "en": "Please check your receipt again. The letter O reads as the digit 0, the "
        "letters I and L as the digit 1.",
    },
    "web.notfound.heading": {"id": "Surat tidak ditemukan", "en": "Letter not found"},
    "web.notfound.body": {
        "id": "Kode {code} ditulis dengan benar, tetapi belum ada surat dengan kode ini. "
        "Surat yang baru didaftarkan muncul dalam beberapa menit. Coba lagi nanti atau "
        "tanyakan ke loket.",
        "en": "The code {code} is well-formed, but no letter has it yet. A letter that was "
        "just registered appears within a few minutes. Try again later or ask at the counter.",
    },
    "web.missing.heading": {"id": "Halaman tidak ditemukan", "en": "Page not found"},
    "web.missing.body": {
        "id": "Alamat ini tidak ada. Gunakan formulir pelacakan.",
        "en": "This address does not exist. Please use the tracking form.",
    },
    "web.limited.heading": {"id": "Terlalu banyak permintaan", "en": "Too many requests"},
    "web.limited.body": {
        "id": "Terlalu banyak pencarian dari jaringan Anda. Coba lagi dalam {minutes} menit.",
        "en": "Too many look-ups from your network. Please try again in {minutes} minutes.",
    },
    "web.locked.heading": {"id": "Terlalu banyak percobaan", "en": "Too many attempts"},
    "web.locked.body": {
        "id": "Empat digit yang dimasukkan terlalu sering salah. Demi keamanan, pemeriksaan "
        "dikunci sementara; coba lagi dalam {minutes} menit. Status surat tetap dapat dilihat.",
        "en": "The four digits were wrong too often. For safety the check is locked for a "
        "while; try again in {minutes} minutes. The letter's status can still be seen.",
    },
    "web.forbidden.heading": {"id": "Formulir kedaluwarsa", "en": "The form has expired"},
    "web.forbidden.body": {
        "id": "Formulir ini kedaluwarsa atau dikirim dari halaman lain. Buka kembali halaman "
        "surat Anda lalu coba lagi.",
        "en": "This form has expired or was sent from another page. Open your letter's page "
        "again and retry.",
    },
    "web.error.heading": {"id": "Terjadi gangguan", "en": "Something went wrong"},
    "web.error.body": {
        "id": "Maaf, halaman tidak dapat ditampilkan saat ini. Coba lagi beberapa saat lagi.",
        "en": "Sorry, the page cannot be shown right now. Please try again shortly.",
    },
    "web.too_large.heading": {"id": "Permintaan terlalu besar", "en": "Request too large"},
    # --- the letter's page ---
    "web.track.heading": {"id": "Surat {code}", "en": "Letter {code}"},
    "web.track.status": {"id": "Status", "en": "Status"},
    "web.track.position": {"id": "Posisi saat ini", "en": "Current position"},
    "web.track.at_counter": {"id": "Loket penerimaan", "en": "Reception counter"},
    "web.track.since": {"id": "sejak {time}", "en": "since {time}"},
    "web.track.timeline": {"id": "Riwayat perjalanan", "en": "Timeline"},
    "web.track.received": {"id": "Diterima di loket", "en": "Received at the counter"},
    "web.track.at_desk": {"id": "Di {desk}", "en": "At {desk}"},
    "web.track.in_charge": {"id": "Penanggung jawab: {role}", "en": "In charge: {role}"},
    "web.track.desk_staff": {"id": "petugas {desk}", "en": "the staff of {desk}"},
    "web.track.here_now": {"id": "posisi sekarang", "en": "here now"},
    "web.track.disposition": {"id": "Disposisi", "en": "Disposition"},
    "web.track.disposition_none": {"id": "Belum ada disposisi.", "en": "No disposition yet."},
    "web.track.disposition_given": {
        "id": "Sudah didisposisi. Isi disposisi tampil setelah verifikasi di bawah.",
        "en": "A disposition has been given. Its text shows after the check below.",
    },
    "web.track.updated": {"id": "Terakhir diperbarui {time}", "en": "Last updated {time}"},
    "web.track.unknown_time": {"id": "waktu tidak tercatat", "en": "time not recorded"},
    "web.status.Diterima": {"id": "Diterima", "en": "Received"},
    "web.status.Diproses": {"id": "Diproses", "en": "In progress"},
    "web.status.Didisposisi": {"id": "Didisposisi", "en": "Forwarded (disposition)"},
    "web.status.Selesai": {"id": "Selesai", "en": "Completed"},
    "web.status.Dikembalikan": {"id": "Dikembalikan", "en": "Returned"},
    "web.status.Ditolak": {"id": "Ditolak", "en": "Rejected"},
    "web.status_note.Selesai": {
        "id": "Proses surat sudah selesai. Bila ada jawaban tertulis, petugas akan "
        "menghubungi Anda atau Anda dapat menanyakannya di loket.",
        "en": "Your letter has been dealt with. If there is a written answer, the office will "
        "contact you, or you can ask at the counter.",
    },
    "web.status_note.Dikembalikan": {
        "id": "Surat dikembalikan kepada Anda. Silakan hubungi loket untuk mengetahui apa "
        "yang perlu dilengkapi.",
        "en": "The letter was returned to you. Please contact the counter to learn what must "
        "be completed.",
    },
    "web.status_note.Ditolak": {
        "id": "Surat tidak dapat diproses. Silakan hubungi loket untuk penjelasan.",
        "en": "The letter cannot be processed. Please contact the counter for an explanation.",
    },
    # --- the four-digit check ---
    "web.verify.heading": {
        "id": "Lihat perihal dan nama pengirim",
        "en": "See the subject and the sender's name",
    },
    "web.verify.intro": {
        "id": "Masukkan 4 digit terakhir nomor WhatsApp yang Anda berikan di loket. Data "
        "tampil hanya di peramban ini selama sesi berjalan.",
        "en": "Enter the last 4 digits of the WhatsApp number you gave at the counter. The "
        "details show only in this browser, for this session.",
    },
    "web.verify.label": {
        "id": "4 digit terakhir nomor WhatsApp",
        "en": "Last 4 digits of the WhatsApp number",
    },
    "web.verify.submit": {"id": "Tampilkan", "en": "Show"},
    "web.verify.wrong": {
        "id": "Empat digit tidak cocok. Sisa percobaan: {left}.",
        "en": "The four digits do not match. Attempts left: {left}.",
    },
    "web.verify.format": {"id": "Masukkan tepat 4 angka.", "en": "Enter exactly 4 digits."},
    "web.verify.unavailable": {
        "id": "Tidak ada nomor WhatsApp yang tercatat untuk surat ini; perihal dapat "
        "ditanyakan langsung di loket.",
        "en": "No WhatsApp number is on file for this letter; please ask at the counter "
        "about its subject.",
    },
    "web.verify.done": {"id": "Terverifikasi untuk sesi ini", "en": "Verified for this session"},
    "web.private.sender": {"id": "Pengirim", "en": "Sender"},
    "web.private.subject": {"id": "Perihal", "en": "Subject"},
    "web.private.disposition": {"id": "Isi disposisi", "en": "Disposition text"},
    # --- the serve command ---
    "web.serve.no_state": {
        "id": "serve: penyimpanan status lokal (jobs.state) belum tersedia di versi ini",
        "en": "serve: the local state store (jobs.state) is not available in this version",
    },
    "web.serve.listening": {
        "id": "Halaman lacak dan webhook WhatsApp di http://{host}:{port}/lacak",
        "en": "Tracking page and WhatsApp webhook at http://{host}:{port}/lacak",
    },
    "web.serve.no_proxy": {
        "id": "public_base_url memakai https tetapi --trusted-proxy tidak diberikan: di belakang "
        "reverse proxy, semua pengunjung tampak satu alamat dan berbagi satu batas permintaan",
        "en": "public_base_url uses https but no --trusted-proxy was given: behind a reverse "
        "proxy every visitor shows as one address and shares one rate limit",
    },
}
