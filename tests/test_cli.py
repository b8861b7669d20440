"""The commands as a clerk types them, against a local register."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

import main
from sitras_sheets import tracking_code

ROOT = Path(__file__).parents[1]
CODE = re.compile(r"Kode lacak: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "sitras.toml"
    path.write_text(
        f"[register]\npath = {str(tmp_path / 'register.sqlite3')!r}\n"
        f"[state]\npath = {str(tmp_path / 'state.sqlite3')!r}\n"
    )
    return str(path)


def run(config, *args):
    return main.main(["--config", config, *args])


def register(config, capsys, **fields):
    values = {"sender": "Siti", "phone": "0812-3456-7890", "subject": "Izin keramaian"}
    values.update(fields)
    argv = ["register"]
    for name, value in values.items():
        argv += [f"--{name}", value]
    assert run(config, *argv) == 0
    return CODE.search(capsys.readouterr().out).group(1)


def test_init_twice_changes_nothing_the_second_time(config, capsys):
    assert run(config, "init") == 0
    assert "dibuat" in capsys.readouterr().out
    assert run(config, "init") == 0
    assert "tidak ada yang diubah" in capsys.readouterr().out


def test_register_update_track(config, capsys):
    run(config, "init")
    code = register(config, capsys, subject="Undangan rapat", to="ASPEM")
    assert tracking_code.is_valid(code)
    assert (
        run(
            config,
            "update",
            code.lower(),
            "--status",
            "didisposisi",
            "--disposition",
            "Asisten Pemerintahan: untuk ditindaklanjuti",
        )
        == 0
    )
    assert "Didisposisi" in capsys.readouterr().out
    assert run(config, "track", code.replace("-", "")) == 0
    out = capsys.readouterr().out
    assert code in out and "Undangan rapat" in out
    assert "Status: Didisposisi" in out
    assert "Disposisi: Asisten Pemerintahan: untuk ditindaklanjuti" in out
    assert "Diterima di loket" in out


def test_formula_in_subject_stays_text(config, capsys):
    run(config, "init")
    formula = '=IMPORTXML("http://x","//a")'
    code = register(config, capsys, subject=formula)
    run(config, "track", code)
    assert formula in capsys.readouterr().out


def test_phone_the_counter_cannot_reach_is_refused(config, capsys):
    run(config, "init")
    assert (
        run(config, "register", "--sender", "A", "--phone", "0812-34A6-7890", "--subject", "S") == 1
    )
    assert "huruf" in capsys.readouterr().err


def test_unknown_status_is_refused_with_the_list(config, capsys):
    run(config, "init")
    code = register(config, capsys)
    assert run(config, "update", code, "--status", "Beres") == 1
    err = capsys.readouterr().err
    assert "Beres" in err and "Selesai" in err


def test_wrong_check_symbol_and_unknown_code(config, capsys):
    run(config, "init")
    register(config, capsys)
    assert run(config, "track", "7K2M-9QXD-4TR4") == 1
    assert "simbol pemeriksa" in capsys.readouterr().err
    assert run(config, "track", "7K2M-9QXD-4TR3") == 1
    assert "belum terdaftar" in capsys.readouterr().err


def test_commands_before_init_say_what_to_do(config, capsys):
    assert run(config, "track", "7K2M-9QXD-4TR3") == 1
    assert "jalankan 'init'" in capsys.readouterr().err


def test_bad_usage_and_bad_config_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main.main(["register", "--sender", "x"])
    assert caught.value.code == 2
    assert "--phone" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text("[register]\nbackend = 'excel'\n")
    assert main.main(["--config", str(bad), "init"]) == 2
    err = capsys.readouterr().err
    assert "register.backend" in err and len(err.strip().splitlines()) == 1


def test_demo_runs_the_whole_pipeline_as_a_user_runs_it(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "demo"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    codes = list(dict.fromkeys(CODE.findall(out)))
    assert len(codes) == 3
    # every sticker photographed at a desk was read by the station pipeline
    assert out.count("[OK]") == 5
    # one WhatsApp block per step: 3 received, 5 moves, 1 disposition, 2 statuses
    assert out.count("Jenis    : diterima") == 3
    assert out.count("Jenis    : pindah") == 5
    assert out.count("Jenis    : disposisi") == 1
    assert out.count("Jenis    : status") == 2
    assert "6281234567890" not in out and "62812****7890" in out  # numbers masked
    assert "Di meja ASPEM Asisten Pemerintahan dan Kesra (Asisten I)" in out
    assert not (tmp_path / "data").exists()  # the demo leaves nothing behind
