"""Sitras command line: parses the command and wires the pieces together."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from config.settings import load_settings
from messages import text
from sitras_sheets.errors import ConfigError, SitrasError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as the contract says
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sitras", description="Sitras — Sistem Tracking Surat")
    parser.add_argument("--config", help="berkas konfigurasi TOML")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    commands.add_parser("demo", help="seluruh alur pada register lokal sementara")
    commands.add_parser("init", help="buat atau periksa tab, header, validasi Status")

    register = commands.add_parser("register", help="loket: daftarkan surat")
    register.add_argument("--sender", required=True)
    register.add_argument("--phone", required=True)
    register.add_argument("--subject", required=True)
    register.add_argument("--org")
    register.add_argument("--number")
    register.add_argument("--to")
    register.add_argument("--receipt", metavar="FILE.pdf")
    register.add_argument("--layout", choices=("a4", "58mm", "80mm"), default="a4")

    update = commands.add_parser("update", help="ubah status/disposisi/catatan")
    update.add_argument("code")
    update.add_argument("--status")
    update.add_argument("--disposition")
    update.add_argument("--note")

    receipt = commands.add_parser("receipt", help="cetak ulang tanda terima dan stiker")
    receipt.add_argument("code")
    receipt.add_argument("-o", "--output", metavar="FILE.pdf")
    receipt.add_argument("--layout", choices=("a4", "58mm", "80mm"), default="a4")

    scan = commands.add_parser("scan", help="stasiun pemindai di meja")
    scan.add_argument("--desk", required=True)
    scan.add_argument("--images", nargs="+", metavar="PATH")
    scan.add_argument("--camera", type=int, metavar="N")
    scan.add_argument("--keyboard", action="store_true")
    scan.add_argument("--officer", default="")
    scan.add_argument("--station", default="")

    decode = commands.add_parser("decode", help="baca kode dari berkas gambar")
    decode.add_argument("paths", nargs="+", metavar="PATH")
    decode.add_argument("--json", action="store_true")

    run = commands.add_parser("run", help="penjadwal: sync, kirim, terlambat, ringkasan")
    run.add_argument("--once", action="store_true")

    track = commands.add_parser("track", help="riwayat perjalanan surat")
    track.add_argument("code")

    serve = commands.add_parser("serve", help="halaman lacak dan webhook WhatsApp")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--trusted-proxy",
        metavar="ADDRESS",
        help="alamat reverse proxy yang boleh menyetel X-Forwarded-For",
    )
    return parser


def dispatch(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    module_name, _, function = _HANDLERS[args.command].partition(":")
    handler = getattr(importlib.import_module(module_name), function)
    return handler(settings, args)


# Each command's handler lives with its area: "module:function(settings, args) -> int".
# Modules are imported only for the command that runs (no camera, sheet or socket
# is touched by importing main).
_HANDLERS = {
    "demo": "app.demo:command",
    "init": "app.commands:on_register",
    "register": "app.commands:on_register",
    "update": "app.commands:on_register",
    "track": "app.commands:on_register",
    "receipt": "scanner.commands:receipt",
    "scan": "scanner.station_cli:scan",
    "decode": "scanner.commands:decode",
    "run": "jobs.commands:run",
    "serve": "web.commands:serve",
}


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    try:
        return dispatch(args)
    except ConfigError as error:
        print(text("cli.error", reason=error), file=sys.stderr)
        return EXIT_USAGE
    except SitrasError as error:
        print(text("cli.error", reason=error), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
